"""The facilitator's handout: a prepared session's agenda on paper, with the time of day of
each step, so the meeting can be rehearsed, and run without a laptop if the projector fails."""

import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.joining import qr_svg
from sessions.models import localized

DEFAULT_START = datetime.time(9, 30)

# What to have at hand per kind of step, for running it on paper as well as on phones.
MATERIALS = {
    "cover": [_("The join code, large on paper at the door and on the tables")],
    "org_presentation": [
        _("Per organisation: the four questions on paper, and a logo or photo"),
        _("Flip-over sheets and markers, for organisations without a phone"),
    ],
    "strength": [_("Post-its in two colours (formal, informal) and markers")],
    "examples": [_("The five examples printed, one set per table")],
    "group_proposal": [_("A flip-over sheet and markers per group"), _("Stickers for the vote")],
    "obstacles": [_("The quotes below printed, one set per table")],
    "cooperation_plan": [
        _(
            "A flip-over sheet per partnership with the five parts: goals, concrete form, "
            "roles formal, roles informal, conditions"
        )
    ],
    "tree": [_("The tree poster (fruits, roots, trunk, sun, watering can) and post-its")],
    "pitfalls": [_("The pitfalls printed with a scale from 1 to 5")],
    "closing": [
        _("An agreements sheet: what, who, which side, by when"),
        _("Evaluation slips: a rating from 1 to 5, what worked, what could be better"),
    ],
    "review": [_("The agreements register printed from the cooperation's page")],
}


def clock_times(start, minutes):
    """The time of day each step starts, and the end, from a start time and the steps' minutes.

    clock_times(09:30, [10, 5, 20]) → ([09:30, 09:40, 09:45], 10:05); past midnight it wraps.
    """
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    starts = []
    for step_minutes in minutes:
        starts.append(moment.time())
        moment += datetime.timedelta(minutes=step_minutes)
    return starts, moment.time()


def _quotes(step, language):
    """Quotes the facilitator entered (the obstacles step), grouped under their themes."""
    quotes = [q for q in step.config.get("quotes", []) if isinstance(q, dict) and q.get("text")]
    if not quotes:
        return []
    themes = [t for t in step.config.get("themes", []) if isinstance(t, dict) and t.get("key")]
    grouped = [
        {
            "label": localized(theme, language),
            "quotes": [q["text"] for q in quotes if q.get("theme") == theme["key"]],
        }
        for theme in themes
    ]
    known = {theme["key"] for theme in themes}
    others = [q["text"] for q in quotes if q.get("theme") not in known]
    if others:
        grouped.append({"label": "", "quotes": others})
    return [group for group in grouped if group["quotes"]]


def handout_context(session, start, *, open_agreements=()):
    language = session.language
    steps = list(session.active_steps())
    starts, end = clock_times(start, [step.minutes for step in steps])
    rows = []
    for step, begins in zip(steps, starts, strict=True):
        text = step.text(language)
        rows.append(
            {
                "step": step,
                "starts": begins,
                "title": text["title"],
                "body": text["body"],
                "instruction": text["instruction"],
                "materials": MATERIALS.get(step.kind, []),
                "quotes": _quotes(step, language),
                "agreements": list(open_agreements) if step.kind == "review" else [],
            }
        )
    return {
        "session": session,
        "rows": rows,
        "start": start,
        "end": end,
        "planned_minutes": sum(step.minutes for step in steps),
        "organisations": session.organisations_by_side(),
    }


def render_handout_html(session, start, *, join_url="", open_agreements=()):
    with translation.override(session.language):
        context = handout_context(session, start, open_agreements=open_agreements)
        context.update(join_url=join_url, qr=qr_svg(join_url) if join_url else "")
        return render_to_string("cooperations/handout.html", context)
