"""Step 16 (optional), "Valkuilen": how much does each pitfall play in our cooperation?

Every participant rates each of the six pitfalls (step.config["pitfalls"]) on the scale of
step.config["scale"] (1 = not at all, 5 = very much) and may write what could be done about
it. One own answer per participant and pitfall: slot = the pitfall's key, data {"rating": n,
"action": text}. The phone sends the rating on a tap and the text as it is typed; whatever
arrives is merged into the stored answer, so saving one never loses the other.

The wall shows, per pitfall, the average rating of the formal and the informal participants
as two bars side by side (solid and hatched, labelled, so they differ without colour), with
the averages, the counts and the spread of the ratings. The facilitator can put one pitfall
on the wall on its own, with the suggested actions (state["focus"]).
"""

from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.models import Side, localized

from ..answers import clean_answer_text, save_own_answer, save_status, visible
from ..models import Contribution
from ..registry import Kind, register

ACTION_MAX = 500
# What of the suggested actions fits on the wall beside a pitfall's chart; the report has all.
WALL_ACTIONS = 9
WALL_ACTION_CHARS = 180  # with up to 6 on the wall; shorter when there are more
WALL_ACTION_CHARS_DENSE = 90
DEFAULT_SCALE = (1, 5)

# The chart's geometry, in units of its SVG (CHART_W wide): the side's name, the bar of the
# average on the scale 0..max, the average in figures, the spread of the ratings.
CHART_W = 700
BAR_X, BAR_W = 130, 340
VALUE_X = BAR_X + BAR_W + 14
SPREAD_X, SPREAD_COL, SPREAD_GAP, SPREAD_H = 596, 16, 5, 34
ROWS = {Side.FORMAL: 6, Side.INFORMAL: 52}  # top of each side's row
ROW_H = 38


def _num(value):
    """A number for an SVG attribute: formatted here, so no locale writes a decimal comma."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def scale_of(step):
    scale = step.config.get("scale") or {}
    try:
        low, high = int(scale.get("min", DEFAULT_SCALE[0])), int(scale.get("max", DEFAULT_SCALE[1]))
    except (TypeError, ValueError):
        return DEFAULT_SCALE
    return (low, high) if 0 <= low < high <= 10 else DEFAULT_SCALE


def parse_rating(value, low, high):
    """The rating as a whole number on the scale, or None for anything else."""
    value = value.strip() if isinstance(value, str) else ""
    if not (value.isascii() and value.isdigit()) or len(value) > 2:
        return None
    rating = int(value)
    return rating if low <= rating <= high else None


@dataclass
class SideResult:
    side: str
    ratings: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # visible contributions with an action
    spread: list = field(default_factory=list)  # [{"rating", "count", "x", "y", "h"}]
    bar_w: str = "0"
    y: str = "0"
    mid_y: str = "0"

    @property
    def count(self):
        return len(self.ratings)

    @property
    def average(self):
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


@dataclass
class Pitfall:
    number: int
    key: str
    text: str
    formal: SideResult
    informal: SideResult
    highest: bool = False
    widest: bool = False

    @property
    def sides(self):
        return (self.formal, self.informal)

    @property
    def actions(self):
        return sorted(self.formal.actions + self.informal.actions, key=lambda c: c.created_at)

    @property
    def average(self):
        ratings = self.formal.ratings + self.informal.ratings
        return sum(ratings) / len(ratings) if ratings else None

    @property
    def difference(self):
        if self.formal.average is None or self.informal.average is None:
            return None
        return abs(self.formal.average - self.informal.average)


@register
class Pitfalls(Kind):
    slug = "pitfalls"
    label = _("Pitfalls")
    counts_answers = True
    takes_input = True

    def definitions(self, step):
        return [
            item
            for item in step.config.get("pitfalls", [])
            if isinstance(item, dict) and item.get("key")
        ]

    def keys(self, step):
        return [item["key"] for item in self.definitions(step)]

    def _scale_context(self, step):
        low, high = scale_of(step)
        return {"scale": list(range(low, high + 1)), "scale_min": low, "scale_max": high}

    # --- phone ---------------------------------------------------------------------------

    def phone_context(self, step, session, participant):
        language = translation.get_language()
        mine = {
            answer.slot: answer.data
            for answer in Contribution.objects.filter(
                step=step, participant=participant, client_id=""
            )
        }
        pitfalls = [
            {
                "number": number,
                "key": item["key"],
                "text": localized(item, language),
                "rating": mine.get(item["key"], {}).get("rating"),
                "action": mine.get(item["key"], {}).get("action", ""),
            }
            for number, item in enumerate(self.definitions(step), start=1)
        ]
        return {"pitfalls": pitfalls, "action_max": ACTION_MAX, **self._scale_context(step)}

    def save_answer(self, request, step, participant):
        post = request.POST
        key = post.get("pitfall", "")
        if key not in self.keys(step):
            return save_status(
                request, errors=[_("This pitfall is not part of the exercise.")], status=422
            )
        changes = {}
        if "rating" in post:
            low, high = scale_of(step)
            rating = parse_rating(post.get("rating"), low, high)
            if rating is None:
                message = _("Choose a number from %(min)d to %(max)d.") % {"min": low, "max": high}
                return save_status(request, errors=[message], status=422)
            changes["rating"] = rating
        if "action" in post:
            try:
                changes["action"] = clean_answer_text(
                    post.get("action"), ACTION_MAX, required=False, multiline=True
                )
            except forms.ValidationError as error:
                return save_status(request, errors=error.messages, status=422)
        if not changes:
            return save_status(request, errors=[_("Nothing to save.")], status=422)
        with transaction.atomic():
            stored = (
                Contribution.objects.select_for_update()
                .filter(step=step, participant=participant, slot=key, client_id="")
                .first()
            )
            data = {**(stored.data if stored else {}), **changes}
            save_own_answer(step, participant, slot=key, data=data)
        return save_status(request, saved=True)

    # --- wall, report, controls ----------------------------------------------------------

    def results(self, step, language, answers):
        """Per pitfall, each side's ratings, their average and spread, and the actions."""
        low, high = scale_of(step)
        pitfalls = [
            Pitfall(
                number=number,
                key=item["key"],
                text=localized(item, language),
                formal=SideResult(Side.FORMAL),
                informal=SideResult(Side.INFORMAL),
            )
            for number, item in enumerate(self.definitions(step), start=1)
        ]
        by_key = {pitfall.key: pitfall for pitfall in pitfalls}
        for answer in answers:
            pitfall = by_key.get(answer.slot)
            if pitfall is None or answer.side not in ROWS:
                continue
            result = pitfall.formal if answer.side == Side.FORMAL else pitfall.informal
            rating = answer.data.get("rating")
            if isinstance(rating, int) and low <= rating <= high:
                result.ratings.append(rating)
            if answer.data.get("action"):
                result.actions.append(answer)
        for pitfall in pitfalls:
            for result in pitfall.sides:
                self._chart(result, low, high)
        rated = [pitfall for pitfall in pitfalls if pitfall.average is not None]
        if rated:
            max(rated, key=lambda pitfall: pitfall.average).highest = True
        compared = [pitfall for pitfall in pitfalls if pitfall.difference]
        if compared:
            max(compared, key=lambda pitfall: pitfall.difference).widest = True
        return pitfalls

    def _chart(self, result, low, high):
        """The SVG geometry of one side's row: its bar and its spread, as attribute strings."""
        top = ROWS[result.side]
        result.y = _num(top)
        result.mid_y = _num(top + ROW_H / 2 + 7)
        average = result.average
        result.bar_w = _num(BAR_W * average / high) if average is not None else "0"
        counts = [result.ratings.count(value) for value in range(low, high + 1)]
        most = max(counts) or 1
        spread = []
        for index, count in enumerate(counts):
            height = SPREAD_H * count / most
            spread.append(
                {
                    "rating": low + index,
                    "count": count,
                    "x": _num(SPREAD_X + index * (SPREAD_COL + SPREAD_GAP)),
                    "y": _num(top + ROW_H - height),
                    "h": _num(height),
                }
            )
        result.spread = spread

    def _answers(self, step):
        return list(
            visible(step)
            .filter(participant__isnull=False, client_id="")
            .select_related("participant", "organisation")
        )

    def _chart_context(self, step):
        low, high = scale_of(step)
        ticks = [
            {"value": value, "x": _num(BAR_X + BAR_W * value / high)}
            for value in range(max(low, 1), high + 1)
        ]
        spread_labels = [
            {"value": value, "x": _num(SPREAD_X + i * (SPREAD_COL + SPREAD_GAP) + SPREAD_COL / 2)}
            for i, value in enumerate(range(low, high + 1))
        ]
        return {
            "chart": {
                "w": CHART_W,
                "bar_x": BAR_X,
                "bar_w": BAR_W,
                "value_x": VALUE_X,
                "count_x": VALUE_X + 50,
                "spread_x": SPREAD_X,
                "spread_col": SPREAD_COL,
                "row_h": ROW_H,
                "ticks": ticks,
                "spread_labels": spread_labels,
            },
            **self._scale_context(step),
        }

    def projector_context(self, step, session):
        pitfalls = self.results(step, session.language, self._answers(step))
        focus = next((p for p in pitfalls if p.key == step.state.get("focus")), None)
        context = {"pitfalls": pitfalls, "focus": focus, **self._chart_context(step)}
        if focus is not None:
            actions = focus.actions
            context["wall_actions"] = actions[-WALL_ACTIONS:]  # the newest
            context["actions_left_out"] = max(0, len(actions) - WALL_ACTIONS)
            context["action_chars"] = (
                WALL_ACTION_CHARS if len(actions) <= 6 else WALL_ACTION_CHARS_DENSE
            )
        return context

    def report_context(self, step, session):
        pitfalls = self.results(step, session.language, self._answers(step))
        return {"pitfalls": pitfalls, "focus": None, **self._chart_context(step)}

    def controls_context(self, step, session):
        answers = list(
            Contribution.objects.filter(
                step=step, participant__isnull=False, client_id=""
            ).select_related("participant")
        )
        pitfalls = self.results(step, session.language, [a for a in answers if not a.hidden])
        by_key = {pitfall.key: pitfall for pitfall in pitfalls}
        for pitfall in pitfalls:
            pitfall.moderated = []
        for answer in answers:
            if answer.data.get("action") and answer.slot in by_key:
                by_key[answer.slot].moderated.append(answer)
        return {"pitfalls": pitfalls, "focus_key": step.state.get("focus")}

    def answered_count(self, step):
        return (
            Contribution.objects.filter(
                step=step, participant__isnull=False, client_id="", data__has_key="rating"
            )
            .values("participant")
            .distinct()
            .count()
        )

    def facilitator_action(self, request, step, action):
        if action == "focus":
            key = request.POST.get("pitfall", "")
            if key not in self.keys(step):
                return False
            step.state = {**step.state, "focus": key}
        elif action == "overview":
            step.state = {**step.state, "focus": None}
        else:
            return False
        step.save(update_fields=["state"])
        return True
