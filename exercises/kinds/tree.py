"""Step 15 (optional), "Boom van samenwerking": notes posted into the five parts of a tree.

A participant picks a zone (fruits = goals, roots = strength of the partners, trunk = roles,
sun = preconditions, watering can = what you need from the other) and writes a short note;
each note is a Contribution with slot = the zone's key. The wall draws the tree and writes the
notes into their zones, growing as they arrive; the report has the same picture and every
note in full.

The wall must stay readable at 1280x720 with a full room (12 notes in every zone), so the
layout is computed here rather than left to chance: the tree is a drawing of TREE_W x TREE_H
units, every zone a fixed rectangle of it, and for each zone `layout_zone` picks the largest
type size and the number of columns at which its notes fit, and how many characters of each
note that leaves room for (longer ones end in "…" on the wall; the report has them whole).
The stylesheet sizes the type in the same units (1 unit = the drawing's height / TREE_H), so
the arithmetic holds at any screen size.
"""

import math
import textwrap
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.models import localized

from ..answers import (
    add_note_within_limit,
    answered_participants,
    clean_answer_text,
    new_client_id,
    own_notes,
    posted_client_id,
    visible,
)
from ..models import Contribution
from ..registry import Kind, register

NOTE_MAX = 140
MAX_NOTES_PER_PARTICIPANT = 20

# ---------------------------------------------------------------- the drawing's geometry

TREE_W, TREE_H = 1000, 480
# x, y, width, height of each zone in drawing units. The stylesheet's grid has the same
# proportions (columns 24% 52% 24%, rows 40% 32% 28%): keep the two in step.
ZONE_RECTS = {
    "sun": (0, 0, 240, 346),
    "fruits": (240, 0, 520, 178),
    "watering_can": (760, 0, 240, 346),
    "trunk": (240, 178, 520, 168),
    "roots": (0, 346, 1000, 134),
}
# The notes' edge in each zone (the wall's stylesheet uses the same colours).
ZONE_COLORS = {
    "sun": "#b88a00",
    "fruits": "#c24f1c",
    "watering_can": "#2f6f9f",
    "trunk": "#7d5634",
    "roots": "#5b3d22",
}
ZONE_PAD = 6  # around a zone's notes
# The zone's name and hint above its notes: on one line, or two in the narrow side zones.
HEADING = 26
HEADINGS = {"sun": 40, "watering_can": 40}
GAP = 4  # between notes
CARD_PAD_X, CARD_PAD_Y, CARD_BORDER = 5, 3.8, 3  # with the 1px borders
LINE_HEIGHT = 1.2
# Type sizes in drawing units, largest first: 20 units is 25px on a 1280x720 wall, 11 units
# (the smallest) 13.5px there and 20px at 1920x1080.
FONT_SIZES = (20, 17, 15, 13.5, 12, 11)
MAX_COLUMNS = 6
MAX_LINES = 6
# An average character of the wall's sans is about .53em wide; words don't fill a line.
CHAR_WIDTH = 0.53
LINE_FILL = 0.82
MIN_LINE_CHARS = 16  # narrower columns break words mid-word: a smaller type reads better
# The report's font (DejaVu Sans) runs wider.
REPORT_CHAR_WIDTH = 0.62
# A zone takes only as many notes as can show this much of each at the smallest type: the
# newest ones, with "+ n earlier notes" for the rest (the report has them all).
MIN_CHARS = 28


def wanted_chars(count):
    """How much of a note should show before a smaller type is tried: much with a few
    notes in the zone, less in a full one."""
    return max(36, 110 - 12 * count)


@dataclass
class ZoneLayout:
    font: float
    columns: int
    lines: int
    chars_per_line: int
    capacity: int  # characters of a note that fit in its box
    cell_w: float
    cell_h: float

    @property
    def font_class(self):
        return f"tree-f{FONT_SIZES.index(self.font)}"


def _fits(zone_key, n, w, h, font, columns):
    rows = math.ceil(n / columns)
    inner_w = w - 2 * ZONE_PAD
    inner_h = h - HEADINGS.get(zone_key, HEADING) - ZONE_PAD
    cell_w = (inner_w - (columns - 1) * GAP) / columns
    cell_h = (inner_h - (rows - 1) * GAP) / rows
    text_w = cell_w - 2 * CARD_PAD_X - CARD_BORDER
    lines = min(MAX_LINES, int((cell_h - 2 * CARD_PAD_Y) // (font * LINE_HEIGHT)))
    chars_per_line = int(text_w / (CHAR_WIDTH * font))
    if lines < 1 or chars_per_line < MIN_LINE_CHARS:
        return None
    capacity = int(chars_per_line * lines * LINE_FILL) if lines > 1 else chars_per_line
    return ZoneLayout(font, columns, lines, chars_per_line, capacity, cell_w, cell_h)


def layout_zone(zone_key, count, longest):
    """The largest type and the columns at which `count` notes fit in the zone.

    Prefers the largest size at which the longest note fits whole (or at least `wanted_chars`
    of it); at the smallest size, the columns that leave each note the most room.
    """
    _x, _y, w, h = ZONE_RECTS[zone_key]
    count = max(count, 1)
    wanted = min(max(longest, 1), NOTE_MAX, wanted_chars(count))
    best = None
    for font in FONT_SIZES:
        options = [
            _fits(zone_key, count, w, h, font, columns) for columns in range(1, MAX_COLUMNS + 1)
        ]
        options = [option for option in options if option]
        if not options:
            continue
        roomiest = max(options, key=lambda option: (option.capacity, -option.columns))
        if roomiest.capacity >= wanted:
            # Among the ones that fit, the fewest columns: wider notes read more easily.
            return min(
                (option for option in options if option.capacity >= wanted),
                key=lambda option: option.columns,
            )
        best = roomiest
    return best


def zone_capacity(zone_key):
    """How many notes the zone shows before it keeps only the newest (see MIN_CHARS)."""
    count = 1
    while count < 200:
        layout = layout_zone(zone_key, count + 1, NOTE_MAX)
        if layout is None or layout.capacity < MIN_CHARS:
            break
        count += 1
    return count


ZONE_CAPACITY = {key: zone_capacity(key) for key in ZONE_RECTS}


def shorten(text, capacity):
    """The note as the wall shows it: whole, or cut at a word and ended with "…"."""
    if len(text) <= capacity:
        return text
    cut = text[: max(capacity - 1, 1)]
    space = cut.rfind(" ")
    if space > capacity * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def wrap_lines(text, layout):
    """The note in lines for the report's drawing (SVG text does not wrap by itself).

    The PDF's font (DejaVu Sans) runs wider than the wall's, so its lines hold fewer
    characters."""
    width = max(6, int(layout.chars_per_line * CHAR_WIDTH / REPORT_CHAR_WIDTH))
    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=True)
    if len(lines) > layout.lines:
        rest = " ".join(lines[layout.lines - 1 :])
        lines = lines[: layout.lines - 1] + [shorten(rest, width)]
    return lines


def is_rtl(text):
    """Does the text start (its first letter) in a right-to-left script, like Arabic?"""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _num(value):
    """A number for an SVG attribute: formatted here, so no locale writes a decimal comma."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class Zone:
    key: str
    name: str
    hint: str
    notes: list = field(default_factory=list)  # visible notes, oldest first
    shown: list = field(default_factory=list)  # what the wall shows: dicts
    more: int = 0
    layout: ZoneLayout | None = None
    svg: dict = field(default_factory=dict)  # the report drawing's positions

    @property
    def hidden_count(self):
        return sum(1 for note in self.notes if note.hidden)

    @property
    def color(self):
        return ZONE_COLORS[self.key]

    @property
    def count(self):
        return len(self.notes)


def zone_definitions(step):
    zones = []
    for zone in step.config.get("zones", []):
        if isinstance(zone, dict) and zone.get("key") in ZONE_RECTS:
            zones.append(zone)
    return zones


@register
class CooperationTree(Kind):
    slug = "tree"
    label = _("Tree of cooperation")
    counts_answers = True
    takes_input = True

    def zones(self, step, language):
        return [
            Zone(
                key=zone["key"],
                # The zone's own keys aside, every other key is a language.
                name=localized(
                    {k: v for k, v in zone.items() if k not in ("key", "hint")}, language
                ),
                hint=localized(zone.get("hint", {}), language),
            )
            for zone in zone_definitions(step)
        ]

    def zone_keys(self, step):
        return {zone["key"] for zone in zone_definitions(step)}

    # --- phone ---------------------------------------------------------------------------

    def phone_context(self, step, session, participant, chosen="", notes=None):
        zones = self.zones(step, translation.get_language())
        names = {zone.key: zone.name for zone in zones}
        notes = own_notes(step, participant) if notes is None else notes
        for note in notes:
            note.zone_name = names.get(note.slot, "")
        return {
            "zones": zones,
            "chosen": chosen,
            "my_notes": notes,
            "client_id": new_client_id(),
            "note_max": NOTE_MAX,
            "can_add": len(notes) < MAX_NOTES_PER_PARTICIPANT,
        }

    def save_answer(self, request, step, participant):
        chosen = request.POST.get("zone", "")
        if request.POST.get("action") == "delete":
            Contribution.objects.filter(
                step=step, participant=participant, pk=_pk(request.POST.get("note"))
            ).delete()
            return self._notes(request, step, participant, chosen=chosen)
        errors = []
        if not chosen:
            errors.append(_("Choose a part of the tree first."))
        elif chosen not in self.zone_keys(step):
            errors.append(_("That part of the tree does not exist. Choose one from the list."))
            chosen = ""
        try:
            text = clean_answer_text(request.POST.get("text"), NOTE_MAX, multiline=False)
        except forms.ValidationError as error:
            errors.extend(error.messages)
        if errors:
            return self._notes(request, step, participant, chosen=chosen, errors=errors)
        notes = own_notes(step, participant)
        error = add_note_within_limit(
            step,
            participant,
            notes,
            limit=MAX_NOTES_PER_PARTICIPANT,
            text=text,
            client_id=posted_client_id(request),
            slot=chosen,
        )
        if error:
            return self._notes(
                request, step, participant, chosen=chosen, notes=notes, errors=[error]
            )
        return self._notes(request, step, participant, chosen=chosen, notes=notes, saved=True)

    def _notes(self, request, step, participant, *, chosen="", notes=None, errors=(), saved=False):
        context = {
            "session": step.session,
            "step": step,
            "participant": participant,
            **self.phone_context(step, step.session, participant, chosen=chosen, notes=notes),
            "errors": errors,
            "saved": saved,
            "typed": request.POST.get("text", "")[: NOTE_MAX * 2] if errors else "",
        }
        status = 422 if errors else 200
        return render(request, self.partial("notes"), context, status=status)

    # --- wall, report, controls ----------------------------------------------------------

    def projector_context(self, step, session):
        zones = self.zones(step, session.language)
        by_key = {zone.key: zone for zone in zones}
        for note in visible(step).select_related("participant", "organisation"):
            zone = by_key.get(note.slot)
            if zone is not None:
                zone.notes.append(note)
        for zone in zones:
            self._lay_out(zone)
        return {
            "zones": zones,
            "zone_by_key": by_key,
            "note_count": sum(zone.count for zone in zones),
            "tree_w": TREE_W,
            "tree_h": TREE_H,
        }

    def _lay_out(self, zone):
        """What the wall shows of a zone, at which size; and the report drawing's positions."""
        capacity = ZONE_CAPACITY[zone.key]
        notes = zone.notes
        if len(notes) > capacity:
            zone.more = len(notes) - (capacity - 1)
            notes = notes[-(capacity - 1) :]  # the newest: the tree grows as they arrive
        longest = max((len(note.data.get("text", "")) for note in notes), default=0)
        boxes = len(notes) + (1 if zone.more else 0)
        layout = layout_zone(zone.key, boxes, longest)
        zone.layout = layout
        zone.shown = [
            {"note": note, "text": shorten(note.data.get("text", ""), layout.capacity)}
            for note in notes
        ]
        # The report's drawing: the same grid, as SVG text lines placed here.
        x0, y0, _w, _h = ZONE_RECTS[zone.key]
        heading = HEADINGS.get(zone.key, HEADING)
        cards = []
        for index, item in enumerate(zone.shown):
            row, column = divmod(index, layout.columns)
            x = x0 + ZONE_PAD + column * (layout.cell_w + GAP)
            y = y0 + heading + row * (layout.cell_h + GAP)
            lines = wrap_lines(item["note"].data.get("text", ""), layout)
            height = 2 * CARD_PAD_Y + len(lines) * layout.font * LINE_HEIGHT
            rtl = is_rtl(item["note"].data.get("text", ""))
            text_x = x + layout.cell_w - CARD_PAD_X if rtl else x + CARD_BORDER + CARD_PAD_X
            cards.append(
                {
                    "x": _num(x),
                    "y": _num(y),
                    "w": _num(layout.cell_w),
                    "h": _num(height),
                    "text_x": _num(text_x),
                    "rtl": rtl,
                    "language": item["note"].language,
                    "text_y": _num(y + CARD_PAD_Y + layout.font * 0.95),
                    "lines": lines,
                }
            )
        more = None
        if zone.more:
            row, column = divmod(len(zone.shown), layout.columns)
            more = {
                "x": _num(x0 + ZONE_PAD + column * (layout.cell_w + GAP) + CARD_PAD_X),
                "y": _num(y0 + heading + row * (layout.cell_h + GAP) + layout.font),
            }
        zone.svg = {
            "cards": cards,
            "more": more,
            "font": _num(layout.font),
            "line": _num(layout.font * LINE_HEIGHT),
            "heading_x": _num(x0 + ZONE_PAD),
            "heading_y": _num(y0 + 18),
            "hint_y": _num(y0 + 36) if zone.key in HEADINGS else None,
        }

    def controls_context(self, step, session):
        zones = self.zones(step, session.language)
        by_key = {zone.key: zone for zone in zones}
        for note in Contribution.objects.filter(step=step).select_related("participant"):
            zone = by_key.get(note.slot)
            if zone is not None:
                zone.notes.append(note)
        return {"zones": zones}

    def answered_count(self, step):
        return answered_participants(step)


def _pk(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
