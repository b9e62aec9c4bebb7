"""Step 13, "Wat staat in de weg?": three themes, quotes per theme, and how people react.

The facilitator enters quotes per theme while preparing (on the step's edit page) or during
the session (on the controls); they live in the session's own copy of the step's config as
{"id", "theme", "text"}. On the phone each participant says per quote whether they recognise
it (yes / partly / no) and may add a comment: one own answer per participant and quote
(slot = the quote's id). The wall shows the reactions per theme with the formal and the
informal side apart, so the room can see where they differ, and a few of the comments.
"""

import secrets
from itertools import zip_longest

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sessions.models import SessionStep, Side, localized

from ..answers import clean_answer_text, save_choice_and_comment, save_status, visible
from ..models import Contribution
from ..registry import Kind, register

QUOTE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 500
# A theme's quotes must fit one screen on the wall (from five on: two columns, no comments).
MAX_QUOTES_PER_THEME = 6
# Comments on the wall per quote: the newest few, when a theme or a quote is shown.
COMMENTS_PER_QUOTE = 2
COMMENTS_FOR_ONE_QUOTE = 4


def _percent(count, total):
    """An SVG width, formatted here so no locale writes a decimal comma into it."""
    return f"{100 * count / total:.1f}%" if total else "0%"


def _size(text):
    """How much room a quote needs on the wall: the one-quote view scales its type by it."""
    return "short" if len(text) <= 120 else "medium" if len(text) <= 260 else "long"


def _newest_first(contribution):
    return (-contribution.updated_at.timestamp(), -contribution.pk)


def _both_sides(comments):
    """The newest comments, taking turns between the sides so both are heard on the wall."""
    by_side = [[c for c in comments if c.side == side] for side in Side.values]
    others = [c for c in comments if c.side not in Side.values]
    turns = []
    for pair in zip_longest(*by_side):
        turns += sorted((c for c in pair if c is not None), key=_newest_first)
    return turns + others


@register
class Obstacles(Kind):
    slug = "obstacles"
    label = _("What stands in the way?")
    counts_answers = True
    takes_input = True
    has_prepare = True

    # --- content -------------------------------------------------------------------------

    def themes(self, step, language=None):
        language = language or translation.get_language()
        return [
            {"key": theme["key"], "label": localized(theme, language)}
            for theme in step.config.get("themes", [])
            if isinstance(theme, dict) and theme.get("key")
        ]

    def answers(self, step, language=None):
        language = language or translation.get_language()
        return [
            {"key": answer["key"], "label": localized(answer, language)}
            for answer in step.config.get("answers", [])
            if isinstance(answer, dict) and answer.get("key")
        ]

    def quotes(self, step):
        """The facilitator's quotes, in the order entered, each under a theme of this step."""
        themes = {theme["key"] for theme in self.themes(step)}
        return [
            quote
            for quote in step.config.get("quotes", [])
            if isinstance(quote, dict) and quote.get("id") and quote.get("theme") in themes
        ]

    def _by_theme(self, step, quotes):
        themes = self.themes(step)
        for theme in themes:
            theme["quotes"] = [quote for quote in quotes if quote["theme"] == theme["key"]]
        return themes

    def _reaction_counts(self, step):
        """{quote id: number of reactions}, hidden ones included (for the facilitator)."""
        rows = (
            Contribution.objects.filter(step=step, participant__isnull=False)
            .values("slot")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {row["slot"]: row["n"] for row in rows}

    # --- what the wall shows ---------------------------------------------------------------

    def _bars(self, answers, counts):
        """Per side: its counts per answer as segments of one bar, and a summary in words.

        `counts` is {side: {answer: n}}; each side's bar is its own 100%, so a side with
        fewer participants in the room reads as fairly as the other.
        """
        sides = []
        for side in Side:
            by_answer = counts.get(side.value, {})
            total = sum(by_answer.get(answer["key"], 0) for answer in answers)
            segments, x = [], 0.0
            for answer in answers:
                n = by_answer.get(answer["key"], 0)
                segments.append(
                    {
                        "key": answer["key"],
                        "label": answer["label"],
                        "n": n,
                        "x": f"{x:.1f}%",
                        "width": _percent(n, total),
                    }
                )
                x += 100 * n / total if total else 0
            sides.append(
                {
                    "key": side.value,
                    "label": side.label,
                    "total": total,
                    "segments": segments,
                    "summary": "; ".join(f"{s['label']}: {s['n']}" for s in segments),
                }
            )
        return sides

    def _results(self, step, reactions):
        """Each quote with its counts per side and answer, the bars, and its comments."""
        answers = self.answers(step)
        answer_keys = {answer["key"] for answer in answers}
        results = {
            q["id"]: {**q, "counts": {}, "comments": [], "size": _size(q["text"])}
            for q in self.quotes(step)
        }
        for item in reactions:  # newest first
            result = results.get(item.slot)
            if result is None:  # a reaction to a quote that was removed
                continue
            answer = item.data.get("answer")
            if answer in answer_keys:
                by_answer = result["counts"].setdefault(item.side, {})
                by_answer[answer] = by_answer.get(answer, 0) + 1
            if item.data.get("comment"):
                result["comments"].append(item)
        for result in results.values():
            result["comment_count"] = len(result["comments"])
            result["sides"] = self._bars(answers, result["counts"])
        return results

    def _theme_totals(self, step, themes):
        """Each theme's reactions over all its quotes, for the overview."""
        answers = self.answers(step)
        for theme in themes:
            counts = {}
            for quote in theme["quotes"]:
                for side, by_answer in quote["counts"].items():
                    total = counts.setdefault(side, {})
                    for answer, n in by_answer.items():
                        total[answer] = total.get(answer, 0) + n
            theme["sides"] = self._bars(answers, counts)
            theme["comment_count"] = sum(quote["comment_count"] for quote in theme["quotes"])

    def shown(self, step):
        """(theme key, quote id) on the wall; (None, None) for the overview of all themes."""
        quotes = {quote["id"]: quote for quote in self.quotes(step)}
        quote = quotes.get(step.state.get("quote"))
        if quote:
            return quote["theme"], quote["id"]
        theme = step.state.get("theme")
        if theme in {t["key"] for t in self.themes(step)}:
            return theme, None
        return None, None

    def _reactions(self, queryset):
        return list(
            queryset.filter(participant__isnull=False)
            .select_related("participant", "organisation")
            .order_by("-updated_at", "-pk")
        )

    def projector_context(self, step, session, reactions=None):
        if reactions is None:
            reactions = self._reactions(visible(step))
        results = self._results(step, reactions)
        themes = self._by_theme(step, list(results.values()))
        self._theme_totals(step, themes)
        theme_key, quote_id = self.shown(step)
        on_wall = COMMENTS_FOR_ONE_QUOTE if quote_id else COMMENTS_PER_QUOTE
        for result in results.values():
            result["wall_comments"] = _both_sides(result["comments"])[:on_wall]
            result["on_wall"] = quote_id == result["id"] or (
                quote_id is None and theme_key == result["theme"]
            )
        return {
            "themes": themes,
            "answers": self.answers(step),
            "shown_theme": next((t for t in themes if t["key"] == theme_key), None),
            "shown_quote": results.get(quote_id),
            "has_quotes": bool(results),
        }

    def report_context(self, step, session):
        return self.projector_context(step, session)

    def controls_context(self, step, session):
        everything = self._reactions(Contribution.objects.filter(step=step))
        context = self.projector_context(
            step, session, reactions=[item for item in everything if not item.hidden]
        )
        # The facilitator moderates the comments of the quotes on the wall, hidden ones too.
        comments, counts = {}, {}
        for item in everything:
            counts[item.slot] = counts.get(item.slot, 0) + 1
            if item.data.get("comment"):
                comments.setdefault(item.slot, []).append(item)
        for theme in context["themes"]:
            for quote in theme["quotes"]:
                quote["moderation"] = comments.get(quote["id"], [])
                quote["hidden_count"] = sum(1 for item in quote["moderation"] if item.hidden)
                quote["reactions"] = counts.get(quote["id"], 0)
        context.update(quote_max=QUOTE_MAX_LENGTH, max_per_theme=MAX_QUOTES_PER_THEME)
        return context

    def prepare_context(self, step, session):
        counts = self._reaction_counts(step)
        quotes = [{**quote, "reactions": counts.get(quote["id"], 0)} for quote in self.quotes(step)]
        return {
            "themes": self._by_theme(step, quotes),
            "quote_max": QUOTE_MAX_LENGTH,
            "max_per_theme": MAX_QUOTES_PER_THEME,
        }

    def phone_context(self, step, session, participant):
        mine = dict(
            Contribution.objects.filter(
                step=step, participant=participant, client_id=""
            ).values_list("slot", "data")
        )
        quotes = []
        for quote in self.quotes(step):
            data = mine.get(quote["id"])
            data = data if isinstance(data, dict) else {}
            quotes.append(
                {**quote, "answer": data.get("answer", ""), "comment": data.get("comment", "")}
            )
        return {
            "themes": self._by_theme(step, quotes),
            "answers": self.answers(step),
            "has_quotes": bool(quotes),
            "comment_max": COMMENT_MAX_LENGTH,
        }

    def answered_count(self, step):
        return (
            visible(step).filter(participant__isnull=False).values("participant").distinct().count()
        )

    # --- a phone's reaction ------------------------------------------------------------------

    def save_answer(self, request, step, participant):
        quote_id = request.POST.get("quote", "")
        if quote_id not in {quote["id"] for quote in self.quotes(step)}:
            message = _t("This quote is no longer on the list.")
            return save_status(request, errors=[message], status=422)
        return save_choice_and_comment(
            request,
            step,
            participant,
            slot=quote_id,
            choice_field="answer",
            choices={a["key"] for a in self.answers(step)},
            choice_error=_t("Choose one of the answers."),
            comment_max=COMMENT_MAX_LENGTH,
        )

    # --- the facilitator ---------------------------------------------------------------------

    def facilitator_action(self, request, step, action):
        if action == "add_quote":
            return self._add_quote(request, step)
        if action == "remove_quote":
            return self._change_quotes(step, remove=self._quote_id(request, step))
        if action == "show_theme":
            theme = request.POST.get("theme", "")
            if theme and theme not in {t["key"] for t in self.themes(step)}:
                raise Http404("No such theme in this step")
            state = {"theme": theme or None, "quote": None}
        elif action == "show_quote":
            quote_id = self._quote_id(request, step)
            theme = next(q["theme"] for q in self.quotes(step) if q["id"] == quote_id)
            state = {"theme": theme, "quote": quote_id}
        else:
            return False
        step.state = {**step.state, **state}
        step.save(update_fields=["state"])
        return True

    def _quote_id(self, request, step):
        quote_id = request.POST.get("quote", "")
        if quote_id not in {quote["id"] for quote in self.quotes(step)}:
            raise Http404("No such quote in this step")
        return quote_id

    def _refuse(self, request, message):
        # The step's edit page shows messages; the controls show the browser's own checks.
        if request.POST.get("next") == "prepare":
            messages.error(request, message)
        return False

    def _add_quote(self, request, step):
        theme = request.POST.get("theme", "")
        if theme not in {t["key"] for t in self.themes(step)}:
            raise Http404("No such theme in this step")
        try:
            text = clean_answer_text(request.POST.get("text"), QUOTE_MAX_LENGTH)
        except forms.ValidationError as error:
            return self._refuse(request, " ".join(error.messages))
        quote = {"id": secrets.token_hex(4), "theme": theme, "text": text}
        return self._change_quotes(step, add=quote, request=request)

    def _change_quotes(self, step, *, add=None, remove=None, request=None):
        """Add or remove one quote, re-reading the step under a lock so no edit is lost."""
        with transaction.atomic():
            fresh = SessionStep.objects.select_for_update().get(pk=step.pk)
            quotes = [q for q in fresh.config.get("quotes", []) if isinstance(q, dict)]
            if add:
                same_theme = [q for q in quotes if q.get("theme") == add["theme"]]
                if any(q.get("text") == add["text"] for q in same_theme):
                    return True  # sent twice (a double click): it is there once
                if len(same_theme) >= MAX_QUOTES_PER_THEME:
                    message = _t("At most %(max)d quotes per theme.") % {
                        "max": MAX_QUOTES_PER_THEME
                    }
                    return self._refuse(request, message)
                quotes.append(add)
            if remove:
                quotes = [q for q in quotes if q.get("id") != remove]
                # Reactions to it stay stored; the wall and the report no longer show them.
                if fresh.state.get("quote") == remove:
                    fresh.state = {**fresh.state, "quote": None}
            fresh.config = {**fresh.config, "quotes": quotes}
            fresh.save(update_fields=["config", "state"])
        step.config, step.state = fresh.config, fresh.state
        return True
