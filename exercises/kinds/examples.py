"""Step 11, "Voorbeelden van samenwerking": five examples, one per slide, and what inspires.

The facilitator steps through the five examples on the wall (or shows the overview with the
tally). Participants mark on their phones the examples that inspire them: one own answer per
participant and example (slot = the example's key, data {"inspires": true/false}), so a
toggle replaces the previous one and a retried request is harmless. The overview shows a bar
per example, formal and informal counted apart.
"""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sessions.models import Side, localized

from ..answers import save_own_answer, save_status, visible
from ..models import Contribution
from ..registry import Kind, register

LONG_BODY = 380
LONG_LINES = 8


def _percent(count, scale):
    """A bar's width as an SVG percentage, formatted here so no locale puts a comma in it."""
    return f"{100 * count / scale:.1f}%" if scale else "0%"


@register
class Examples(Kind):
    slug = "examples"
    label = _("Examples of cooperation")
    counts_answers = True
    takes_input = True

    # --- content -------------------------------------------------------------------------

    def examples(self, step, language=None):
        """The step's examples in a language: key, number, title and body (deck text)."""
        language = language or translation.get_language()
        items = []
        for number, example in enumerate(step.config.get("examples", []), start=1):
            if not isinstance(example, dict) or not example.get("key"):
                continue
            texts = localized({k: v for k, v in example.items() if k != "key"}, language) or {}
            items.append(
                {
                    "key": example["key"],
                    "number": number,
                    "title": texts.get("title", ""),
                    "body": texts.get("body", ""),
                    # A long example (a list or two) gets a smaller size in two columns.
                    "long": len(texts.get("body", "")) > LONG_BODY
                    or texts.get("body", "").count("\n") > LONG_LINES,
                }
            )
        return items

    def keys(self, step):
        return [example["key"] for example in self.examples(step)]

    def shown_key(self, step):
        """The example on the wall, or None for the overview with the tally."""
        key = step.state.get("example")
        return key if key in self.keys(step) else None

    # --- context ---------------------------------------------------------------------------

    def tally(self, step):
        """Per example: formal, informal and total marks; the bars' widths; most chosen."""
        counts = {}
        rows = (
            visible(step)
            .filter(participant__isnull=False, data__inspires=True)
            .values("slot", "side")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts.setdefault(row["slot"], {})[row["side"]] = row["n"]
        examples = self.examples(step)
        for example in examples:
            by_side = counts.get(example["key"], {})
            example["formal"] = by_side.get(Side.FORMAL, 0)
            example["informal"] = by_side.get(Side.INFORMAL, 0)
            example["total"] = example["formal"] + example["informal"]
        scale = max((example["total"] for example in examples), default=0)
        for example in examples:
            example["formal_width"] = _percent(example["formal"], scale)
            example["informal_width"] = _percent(example["informal"], scale)
            example["informal_x"] = example["formal_width"]
            example["most"] = scale > 0 and example["total"] == scale
        return examples

    def projector_context(self, step, session):
        examples = self.tally(step)
        shown = self.shown_key(step)
        current = next((example for example in examples if example["key"] == shown), None)
        return {
            "examples": examples,
            "current": current,
            "example_count": len(examples),
            "marks": sum(example["total"] for example in examples),
        }

    def controls_context(self, step, session):
        context = self.projector_context(step, session)
        examples, current = context["examples"], context["current"]
        order = [None, *examples]  # the overview, then each example; "next" wraps round
        index = order.index(current)
        context["next_item"] = order[(index + 1) % len(order)]
        context["previous_item"] = order[index - 1]
        return context

    def report_context(self, step, session):
        return {"examples": self.tally(step)}

    def phone_context(self, step, session, participant):
        mine = dict(
            Contribution.objects.filter(
                step=step, participant=participant, client_id=""
            ).values_list("slot", "data")
        )
        shown = self.shown_key(step)
        examples = self.examples(step)
        for example in examples:
            data = mine.get(example["key"])
            example["inspires"] = bool(isinstance(data, dict) and data.get("inspires") is True)
            example["on_screen"] = example["key"] == shown
        return {"examples": examples}

    def answered_count(self, step):
        return (
            visible(step)
            .filter(participant__isnull=False, data__inspires=True)
            .values("participant")
            .distinct()
            .count()
        )

    # --- writes ----------------------------------------------------------------------------

    def save_answer(self, request, step, participant):
        key = request.POST.get("example", "")
        if key not in self.keys(step):
            return save_status(
                request, errors=[_t("This example is not part of this step.")], status=422
            )
        value = request.POST.get("inspires", "0")
        if value not in ("0", "1"):
            return save_status(request, errors=[_t("Something went wrong: try again.")], status=422)
        save_own_answer(step, participant, slot=key, data={"inspires": value == "1"})
        if not request.htmx:  # a phone without JavaScript: back to the page
            return redirect("phone", step.session.code)
        return save_status(request, saved=True)

    def facilitator_action(self, request, step, action):
        keys = self.keys(step)
        shown = self.shown_key(step)
        order = [None, *keys]
        if action == "next_example":
            target = order[(order.index(shown) + 1) % len(order)]
        elif action == "previous_example":
            target = order[order.index(shown) - 1]
        elif action == "show_example":
            target = request.POST.get("example", "")
            if target not in keys:
                raise Http404("No such example in this step")
        elif action == "show_tally":
            target = None
        else:
            return False
        step.state = {**step.state, "example": target}
        step.save(update_fields=["state"])
        return True
