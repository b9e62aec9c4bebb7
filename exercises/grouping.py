"""Small mixed groups for the group exercises, and the answers each group writes together.

Used by step 12 ("Zelf een voorbeeld bedenken", kind `group_proposal`) and step 14
("Opzetten van een samenwerking", kind `cooperation_plan`). A session has one grouping: a
participant is in at most one group, and both steps use the same groups.

- The facilitator forms the groups automatically, mixed by side: formal and informal
  participants are dealt round-robin, so every group gets both sides when there are enough
  of each, and group sizes differ by at most one. Colleagues of one organisation are spread
  over the groups too. Forming again replaces the groups only while no group has written
  anything (deleting a group would delete its answer); after that it only adds newcomers to
  the smallest groups. Then the facilitator adjusts by hand: move anyone to any group.
- A group's answer is one shared Contribution (group set, no participant) with one field
  per part, saved field by field with a version check (`answers.save_shared_field`). The
  group always comes from the writer's membership, never from the POST.
"""

from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.models import Session, Side, localized

from .answers import clean_answer_text, parse_version, save_shared_field_response, save_status
from .deck import STAY, neighbour
from .models import Contribution, Group, GroupMember
from .registry import Kind

DEFAULT_GROUP_SIZE = 4
MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 8
FIELD_MAX_LENGTH = 1000
NO_GROUP_MESSAGE = _("You are not in a group yet. Ask the facilitator to add you to a group.")

# Text length of a group's answer from which the wall steps down a type size.
DENSITY_STEPS = (300, 550, 900, 1400, 2600, 4200)


def parse_int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# --- forming the groups ------------------------------------------------------------------


def deal_mixed(participants, size):
    """Split participants into groups of about `size`, mixed by side: a list of lists.

    The number of groups is the total divided by the size, rounded (at least one). Formal
    participants are dealt round-robin first and the informal ones continue the same round,
    so sizes differ by at most one and every group gets someone of a side that has at least
    as many people as there are groups. Within a side, colleagues of one organisation come
    one after the other, so the round spreads them over different groups.
    """
    participants = list(participants)
    if not participants:
        return []
    count = max(1, int(len(participants) / max(1, size) + 0.5))

    def order(person):
        return (person.organisation_id or 0, person.pk or 0)

    formal = sorted((p for p in participants if p.side == Side.FORMAL), key=order)
    informal = sorted((p for p in participants if p.side != Side.FORMAL), key=order)
    groups = [[] for _ in range(count)]
    for index, person in enumerate(formal + informal):
        groups[index % count].append(person)
    return groups


@dataclass
class Formed:
    """What `form_groups` did: "formed" new groups, or "added" newcomers to existing ones."""

    mode: str
    groups: int
    placed: int


def has_group_answers(session):
    """Has any group of this session written anything (in any step)?"""
    return Contribution.objects.filter(session=session, group__isnull=False).exists()


@transaction.atomic
def form_groups(session, size=DEFAULT_GROUP_SIZE):
    """Form the session's groups automatically; None when nobody has joined yet.

    Replaces existing groups only while no group has an answer; otherwise places only the
    participants without a group, each in the smallest group (one lacking their side first).
    """
    # One forming at a time per session (a double click must not make two sets of groups).
    Session.objects.select_for_update().filter(pk=session.pk).exists()
    participants = list(session.participants.order_by("joined_at", "pk"))
    if not participants:
        return None
    if has_group_answers(session):
        return add_newcomers(session)
    Group.objects.filter(session=session).delete()
    dealt = deal_mixed(participants, size)
    groups = Group.objects.bulk_create(
        [Group(session=session, number=number) for number in range(1, len(dealt) + 1)]
    )
    GroupMember.objects.bulk_create(
        [
            GroupMember(group=group, participant=person)
            for group, people in zip(groups, dealt, strict=True)
            for person in people
        ]
    )
    return Formed("formed", len(groups), len(participants))


def add_newcomers(session):
    """Put everyone without a group into the smallest group; returns Formed("added", ...)."""
    groups = groups_with_members(session)
    newcomers = list(without_group(session))
    if not groups:
        if not newcomers:
            return Formed("added", 0, 0)
        group = Group.objects.create(session=session, number=1)
        groups = [group]
        group.people = []
    sizes = {group.pk: len(group.people) for group in groups}
    sides = {group.pk: {person.side for person in group.people} for group in groups}
    placed = 0
    for person in newcomers:
        target = min(groups, key=lambda g: (sizes[g.pk], person.side in sides[g.pk], g.number))
        try:
            with transaction.atomic():
                GroupMember.objects.create(group=target, participant=person)
        except IntegrityError:  # placed by a move at this very moment: leave it there
            continue
        sizes[target.pk] += 1
        sides[target.pk].add(person.side)
        placed += 1
    return Formed("added", len(groups), placed)


@transaction.atomic
def move_member(session, participant_id, target):
    """Move a participant of this session into group number `target` (or "new" for a new one).

    Raises Http404 for a participant or group number that isn't this session's. A group left
    empty without any answer disappears.
    """
    person_id = parse_int(participant_id)
    participant = session.participants.filter(pk=person_id).first() if person_id else None
    if participant is None:
        raise Http404("No such participant in this session")
    if target == "new":
        Session.objects.select_for_update().filter(pk=session.pk).exists()
        last = session.groups.order_by("-number").values_list("number", flat=True).first()
        group = Group.objects.create(session=session, number=(last or 0) + 1)
    else:
        number = parse_int(target)
        group = session.groups.filter(number=number).first() if number is not None else None
        if group is None:
            raise Http404("No such group in this session")
    old = GroupMember.objects.filter(participant=participant).select_related("group").first()
    if old and old.group_id == group.pk:
        return group
    GroupMember.objects.update_or_create(participant=participant, defaults={"group": group})
    if old:
        left = old.group
        if not left.members.exists() and not left.contributions.exists():
            left.delete()
    return group


# --- reading the groups ------------------------------------------------------------------


def groups_with_members(session):
    """The session's groups, each with `people` (its participants) and `sides`: two queries."""
    members = Prefetch(
        "members",
        queryset=GroupMember.objects.select_related(
            "participant", "participant__organisation"
        ).order_by("participant__side", "participant__name", "participant__pk"),
    )
    groups = list(session.groups.prefetch_related(members).order_by("number"))
    for group in groups:
        group.people = [member.participant for member in group.members.all()]
        group.sides = {person.side for person in group.people}
        group.is_mixed = len(group.sides) > 1
    return groups


def without_group(session):
    """Participants who joined after the groups were formed (or were never placed)."""
    return session.participants.filter(group_membership__isnull=True).order_by("joined_at", "pk")


def group_of(participant):
    """The participant's group, or None."""
    member = GroupMember.objects.filter(participant=participant).select_related("group").first()
    return member.group if member else None


def group_action(request, step, action):
    """The facilitator's group actions, shared by both group kinds.

    Returns True/False like `Kind.facilitator_action`, or None for an action that isn't one
    of these.
    """
    session = step.session
    if action == "form_groups":
        size = parse_int(request.POST.get("size", DEFAULT_GROUP_SIZE))
        if size is None or not MIN_GROUP_SIZE <= size <= MAX_GROUP_SIZE:
            return False
        return form_groups(session, size) is not None
    if action == "move_member":
        move_member(session, request.POST.get("participant"), request.POST.get("group", ""))
        return True
    return None


def groups_overview(session):
    """For the controls: the groups with their members, and who has no group yet."""
    groups = groups_with_members(session)
    loose = list(without_group(session).select_related("organisation"))
    return {
        "groups": groups,
        "without_group": loose,
        "can_reform": not has_group_answers(session),
        "group_size": DEFAULT_GROUP_SIZE,
        "min_group_size": MIN_GROUP_SIZE,
        "max_group_size": MAX_GROUP_SIZE,
    }


# --- the answer a group writes together ----------------------------------------------------


def density(length):
    return sum(1 for threshold in DENSITY_STEPS if length > threshold)


class GroupWork(Kind):
    """A kind in which each group fills in one shared answer of several fields.

    The fields are in step.config["fields"] ([{"key", "nl", "en"}]); each is its own
    autosaving form on the phones. The wall shows the answers group by group (state
    "group" = the group number on the wall) or an overview.
    """

    takes_input = True
    # Per field: its maximum length; single-line fields (a title) are an <input>.
    field_limits: dict = {}
    single_line: frozenset = frozenset()
    # Element ids on the phone: "<prefix>-<field key>".
    field_prefix = "group"

    # --- the parts ---------------------------------------------------------------------

    def fields(self, step, language=None):
        language = language or translation.get_language()
        return [
            {
                "key": field["key"],
                "label": localized({k: v for k, v in field.items() if k != "key"}, language),
                "max": self.field_limits.get(field["key"], FIELD_MAX_LENGTH),
                "single_line": field["key"] in self.single_line,
            }
            for field in step.config.get("fields", [])
            if isinstance(field, dict) and field.get("key")
        ]

    def keys(self, step):
        return [field["key"] for field in self.fields(step)]

    def group_answers(self, step):
        """The step's group answers by group id: one query."""
        answers = {}
        for answer in Contribution.objects.filter(
            step=step, group__isnull=False, participant__isnull=True, slot="", client_id=""
        ).order_by("pk"):
            answers.setdefault(answer.group_id, answer)
        return answers

    def answer_of(self, step, group):
        return (
            Contribution.objects.filter(
                step=step, group=group, participant__isnull=True, slot="", client_id=""
            )
            .order_by("pk")
            .first()
        )

    @staticmethod
    def has_content(answer, keys):
        return bool(answer) and any(answer.data.get(key) for key in keys)

    # --- the board: every group with its answer ------------------------------------------

    def board(self, step, session, language=None):
        """Rows of (group, its people, its answer, progress) and the deck the wall steps
        through (groups with a visible answer). Three queries, whatever the number of groups.
        """
        fields = self.fields(step, language)
        keys = [field["key"] for field in fields]
        answers = self.group_answers(step)
        rows = []
        for group in groups_with_members(session):
            answer = answers.get(group.pk)
            filled = sum(1 for key in keys if answer and answer.data.get(key))
            started = filled > 0
            rows.append(
                {
                    "group": group,
                    "number": group.number,
                    "people": group.people,
                    "answer": answer,
                    "hidden": bool(answer and answer.hidden),
                    "filled": filled,
                    "total": len(keys),
                    "complete": bool(keys) and filled == len(keys),
                    "started": started,
                    "shown": started and not answer.hidden,
                    "title": (answer.data.get("title", "") if answer else ""),
                    # The language of the last member who wrote in it.
                    "language": answer.language if answer else "",
                }
            )
        deck = [row for row in rows if row["shown"]]
        for index, row in enumerate(deck):
            row["index"] = index
        return rows, deck, fields

    def current(self, step, deck):
        number = step.state.get("group")
        return next((row for row in deck if row["number"] == number), None)

    def answer_view(self, row, fields):
        """A row with its parts (label + text, the title apart) and its density on the wall."""
        answer = row["answer"]
        parts = [
            {
                "key": field["key"],
                "label": field["label"],
                "text": answer.data.get(field["key"], "") if answer else "",
                "language": answer.language if answer else "",
            }
            for field in fields
            if field["key"] != "title"
        ]
        length = sum(len(part["text"]) for part in parts)
        return {**row, "parts": parts, "density": density(length)}

    # --- context -----------------------------------------------------------------------

    def phone_context(self, step, session, participant):
        group = group_of(participant)
        if group is None:
            return {
                "group": None,
                "groups_exist": session.groups.exists(),
                "field_prefix": self.field_prefix,
            }
        people = list(
            group.members.select_related("participant")
            .order_by("participant__side", "participant__name", "participant__pk")
            .values_list("participant__pk", "participant__name", "participant__side")
        )
        answer = self.answer_of(step, group)
        return {
            "group": group,
            "members": [{"pk": pk, "name": name, "side": side} for pk, name, side in people],
            "answer": answer,
            "field_prefix": self.field_prefix,
            "fields": [
                {
                    **field,
                    "text": answer.data.get(field["key"], "") if answer else "",
                    "version": int(answer.versions.get(field["key"], 0)) if answer else 0,
                }
                for field in self.fields(step)
            ],
        }

    def wall_context(self, step, session):
        """What the projector needs for the group stepping and the overview."""
        rows, deck, fields = self.board(step, session, session.language)
        current = self.current(step, deck)
        visible_rows = [row for row in rows if not row["hidden"]]
        return {
            "rows": visible_rows,
            "fields": fields,
            "deck_size": len(deck),
            "started_count": sum(1 for row in visible_rows if row["started"]),
            "current": self.answer_view(current, fields) if current else None,
            "crowd": crowd(len(visible_rows)),
            "show_titles": any(field["key"] == "title" for field in fields),
        }

    def projector_context(self, step, session):
        return self.wall_context(step, session)

    def controls_context(self, step, session):
        rows, deck, fields = self.board(step, session)
        current = self.current(step, deck)
        position = current["index"] if current else None
        return {
            **groups_overview_from_rows(session, rows),
            "rows": [self.answer_view(row, fields) for row in rows],
            "fields": fields,
            "deck_size": len(deck),
            "current": current,
            "has_previous": current is not None,
            "has_next": bool(deck) and (position is None or position + 1 < len(deck)),
        }

    def report_context(self, step, session):
        rows, deck, fields = self.board(step, session, session.language)
        return {"answers": [self.answer_view(row, fields) for row in deck], "fields": fields}

    # --- writes from phones -----------------------------------------------------------

    def save_answer(self, request, step, participant):
        return self.save_field(request, step, participant)

    def save_field(self, request, step, participant):
        # The answer is always the participant's own group's: a group id in the POST is
        # never read.
        base_version = parse_version(request.POST.get("base_version"))
        extra = {"base_version": base_version}
        group = group_of(participant)
        if group is None:
            return save_status(
                request,
                errors=[
                    _("You are not in a group yet. Ask the facilitator to add you to a group.")
                ],
                extra=extra,
                status=409,
            )
        fields = {field["key"]: field for field in self.fields(step)}
        field = fields.get(request.POST.get("field", ""))
        if field is None:
            return save_status(
                request, errors=[_("This part is not in the form.")], extra=extra, status=422
            )
        try:
            text = clean_answer_text(
                request.POST.get("text"),
                field["max"],
                required=False,
                multiline=not field["single_line"],
            )
        except forms.ValidationError as error:
            return save_status(request, errors=error.messages, extra=extra, status=422)
        return save_shared_field_response(
            request,
            step,
            owner={"group": group},
            field_name=field["key"],
            text=text,
            base_version=base_version,
        )

    # --- the facilitator ----------------------------------------------------------------

    def facilitator_action(self, request, step, action):
        handled = group_action(request, step, action)
        if handled is not None:
            return handled
        return bool(self.step_through(request, step, action))

    def step_through(self, request, step, action):
        """next_group, previous_group, show_group (number), overview: the group on the wall."""
        if action not in ("next_group", "previous_group", "show_group", "overview"):
            return None
        _rows, deck, _fields = self.board(step, step.session)
        numbers = [row["number"] for row in deck]
        if action in ("next_group", "previous_group"):
            direction = 1 if action == "next_group" else -1
            target = neighbour(numbers, step.state.get("group"), direction)
            if target is STAY:
                return False
        elif action == "show_group":
            number = parse_int(request.POST.get("group"))
            if number is None or not step.session.groups.filter(number=number).exists():
                raise Http404("No such group in this session")
            if number not in numbers:
                return False  # nothing (visible) to show yet
            target = number
        else:
            target = None
        step.state = {**step.state, "group": target}
        step.save(update_fields=["state"])
        return True


def groups_overview_from_rows(session, rows):
    """`groups_overview` reusing the groups the board already read (one query less)."""
    groups = [row["group"] for row in rows]
    smallest = min(groups, key=lambda g: (len(g.people), g.number), default=None)
    return {
        "groups": groups,
        # Where a participant without a group goes by default: the smallest group.
        "smallest_group": smallest.number if smallest else None,
        "without_group": list(without_group(session).select_related("organisation")),
        "can_reform": not any(row["answer"] for row in rows) and not has_group_answers(session),
        "group_size": DEFAULT_GROUP_SIZE,
        "min_group_size": MIN_GROUP_SIZE,
        "max_group_size": MAX_GROUP_SIZE,
    }


def crowd(count):
    """How full the wall's overview is: "" (few), "many", "very-many"."""
    if count > 16:
        return "very-many"
    if count > 6:
        return "many"
    return ""
