"""Step 17, "Afsluiting": a short evaluation, the agreements for the follow-up, a letter.

- *Evaluation*: one own answer per participant (slot "evaluation", data {"rating", "worked",
  "better"}). Each field is sent on its own (the rating on a tap, the texts as they are typed)
  and merged into the stored answer, so saving one never wipes another.
- *Agreements*: one contribution per agreement (slot "agreement", data {"what", "who", "side",
  "due"}). Participants add them from their phones (once per client id, like notes) and may
  change or delete their own; the facilitator adds, changes, deletes and hides any of them
  from the controls. Everyone's phone lists the visible ones.
- *Letter*, only when the session switched it on (config["letter_enabled"]): one own answer
  (slot "letter", data {"text"}) to the partners or to one's future self. It goes into the
  report only, never on the wall.

The wall shows the agreements (the default) or the evaluation summary: state["view"].
"""

import datetime
import re

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sessions.models import localized
from sessions.text import clean_text

from ..answers import (
    clean_answer_text,
    new_client_id,
    posted_client_id,
    save_own_answer,
    save_status,
    visible,
)
from ..models import Contribution
from ..registry import Kind, register

EVALUATION, AGREEMENT, LETTER = "evaluation", "agreement", "letter"
RATINGS = (1, 2, 3, 4, 5)
EVALUATION_TEXTS = ("worked", "better")
EVALUATION_TEXT_MAX = 500
WHAT_MAX = 300
WHO_MAX = 120
LETTER_MAX = 3000
MAX_AGREEMENTS_PER_PARTICIPANT = 15
MAX_AGREEMENTS_PER_STEP = 200
# What fits on the wall at a readable size; the report has them all.
WALL_AGREEMENTS = 8
WALL_QUOTES = 3
WALL_QUOTE_CHARS = 180
# "By when": not more than a year ago (an agreement being written down late), not absurdly far.
DUE_PAST_DAYS = 365
DUE_FUTURE_YEARS = 5

VIEWS = ("agreements", "evaluation")
SIDES = {
    "formal": _("Formal"),
    "informal": _("Informal"),
    "both": _("Both sides"),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _pk(value):
    """An id from a POST, or 0 (which matches nothing) for anything that is not one."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _percent(count, scale):
    """A bar's height as an SVG percentage, formatted here so no locale puts a comma in it."""
    return f"{100 * count / scale:.1f}%" if scale else "0%"


def due_bounds(today=None):
    today = today or timezone.localdate()
    earliest = today - datetime.timedelta(days=DUE_PAST_DAYS)
    try:
        latest = today.replace(year=today.year + DUE_FUTURE_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + DUE_FUTURE_YEARS, day=28)
    return earliest, latest


def parse_due(value):
    """A stored "by when" as a date, or None."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def clean_due(value, today=None):
    """An ISO date (yyyy-mm-dd) within the bounds, or "" for no date."""
    value = (value if isinstance(value, str) else "").strip()
    if not value:
        return ""
    due = parse_due(value)
    if due is None:
        raise forms.ValidationError(_("“By when” is not a date. Pick one, or leave it empty."))
    earliest, latest = due_bounds(today)
    if due < earliest:
        raise forms.ValidationError(_("“By when” is more than a year ago."))
    if due > latest:
        raise forms.ValidationError(
            _("“By when” is too far ahead: at most %(years)d years from now.")
            % {"years": DUE_FUTURE_YEARS}
        )
    return due.isoformat()


def clean_agreement(post):
    """The agreement's data from a POST, or raise ValidationError with every message."""
    errors, data = [], {}
    what = post.get("what")
    if not clean_text(what if isinstance(what, str) else ""):
        errors.append(_t("Write what was agreed."))
    else:
        try:
            data["what"] = clean_answer_text(what, WHAT_MAX, multiline=False)
        except forms.ValidationError as error:
            errors.extend(_t("What: %(message)s") % {"message": m} for m in error.messages)
    try:
        data["who"] = clean_answer_text(post.get("who"), WHO_MAX, required=False, multiline=False)
    except forms.ValidationError as error:
        errors.extend(_t("Who: %(message)s") % {"message": m} for m in error.messages)
    side = post.get("side", "")
    if side not in SIDES:
        errors.append(_t("Choose a side: formal, informal or both."))
    data["side"] = side
    try:
        data["due"] = clean_due(post.get("due"))
    except forms.ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise forms.ValidationError(errors)
    return data


def typed_agreement(post):
    """What was typed, to show again with the messages (the template escapes it)."""
    return {key: (post.get(key) or "")[:4000] for key in ("what", "who", "side", "due")}


def agreement_row(item):
    data = item.data if isinstance(item.data, dict) else {}
    side = data.get("side", "")
    side = side if side in SIDES else ""
    due = parse_due(data.get("due"))
    what, who = data.get("what", ""), data.get("who", "")
    return {
        "item": item,
        "pk": item.pk,
        "fid": f"closing-a{item.pk}",
        "what": what,
        "who": who,
        "language": item.language,
        "side": side,
        "side_label": SIDES.get(side, ""),
        "due": due,
        # The values of its edit form: the date as the date field wants it.
        "form": {"what": what, "who": who, "side": side, "due": due.isoformat() if due else ""},
    }


@register
class Closing(Kind):
    slug = "closing"
    label = _("Closing")
    counts_answers = True
    takes_input = True

    # --- reading ---------------------------------------------------------------------------

    def view(self, step):
        view = step.state.get("view")
        return view if view in VIEWS else "agreements"

    def letter_enabled(self, step):
        return bool(step.config.get("letter_enabled"))

    def agreement_rows(self, step, *, include_hidden=False):
        """The agreements as rows for the templates (each with its contribution as "item")."""
        queryset = Contribution.objects.filter(step=step, slot=AGREEMENT)
        if not include_hidden:
            queryset = queryset.filter(hidden=False)
        return [agreement_row(item) for item in queryset.select_related("participant")]

    def agreements(self, step):
        """The visible agreements for the report's own table and the exports (see Kind)."""
        keys = ("what", "who", "side", "side_label", "due")
        return [{key: row[key] for key in keys} for row in self.agreement_rows(step)]

    def evaluation_summary(self, step, *, quotes=None):
        """Average, count and distribution of the visible ratings, and the visible texts.

        Evaluations are summed up without names, on the wall and in the report alike.
        """
        rows = visible(step).filter(slot=EVALUATION).order_by("-updated_at", "-pk")
        ratings, worked, better = [], [], []
        for data, language in rows.values_list("data", "language"):
            if not isinstance(data, dict):
                continue
            rating = data.get("rating")
            if type(rating) is int and rating in RATINGS:  # not True, not 4.0
                ratings.append(rating)
            for field, texts in (("worked", worked), ("better", better)):
                if isinstance(data.get(field), str) and data[field]:
                    texts.append({"text": data[field], "language": language})
        counts = {rating: ratings.count(rating) for rating in RATINGS}
        scale = max(counts.values())
        bars = [
            {
                "rating": rating,
                "count": counts[rating],
                # Columns stand on the baseline: y is what is left above the bar.
                "height": _percent(counts[rating], scale),
                "y": _percent(scale - counts[rating], scale),
            }
            for rating in RATINGS
        ]
        if quotes is not None:
            worked, better = worked[:quotes], better[:quotes]
        return {
            "count": len(ratings),
            "average": round(sum(ratings) / len(ratings), 1) if ratings else None,
            "bars": bars,
            "worked": worked,
            "better": better,
        }

    def config_texts(self, step, language):
        evaluation = step.config.get("evaluation") or {}
        return {
            "rating_question": localized(evaluation.get("rating", {}), language)
            or _t("How would you rate this meeting?"),
            "worked_question": localized(evaluation.get("worked", {}), language)
            or _t("What worked well?"),
            "better_question": localized(evaluation.get("better", {}), language)
            or _t("What could be better?"),
            "letter_title": localized(step.config.get("letter", {}), language) or _t("Letter"),
        }

    def form_context(self):
        earliest, latest = due_bounds()
        return {
            "sides": list(SIDES.items()),
            "due_min": earliest.isoformat(),
            "due_max": latest.isoformat(),
            "what_max": WHAT_MAX,
            "who_max": WHO_MAX,
        }

    # --- context for each partial ---------------------------------------------------------

    def phone_context(self, step, session, participant):
        language = translation.get_language()
        mine = {
            slot: data
            for slot, data in Contribution.objects.filter(
                step=step, participant=participant, slot__in=(EVALUATION, LETTER), client_id=""
            ).values_list("slot", "data")
        }
        evaluation = mine.get(EVALUATION) or {}
        letter = mine.get(LETTER) or {}
        return {
            **self.config_texts(step, language),
            **self.form_context(),
            **self._agreement_list_context(step, participant),
            "evaluation": evaluation,
            "ratings": RATINGS,
            "text_max": EVALUATION_TEXT_MAX,
            "letter_enabled": self.letter_enabled(step),
            "letter_text": letter.get("text", "") if isinstance(letter, dict) else "",
            "letter_max": LETTER_MAX,
            "client_id": new_client_id(),
            "new_agreement": {"side": "both"},
        }

    def _agreement_list_context(self, step, participant):
        rows = self.agreement_rows(step)
        own = sum(1 for row in rows if row["item"].participant_id == participant.pk)
        for row in rows:
            row["mine"] = row["item"].participant_id == participant.pk
        return {
            "agreements": rows,
            "can_add": own < MAX_AGREEMENTS_PER_PARTICIPANT and len(rows) < MAX_AGREEMENTS_PER_STEP,
        }

    def projector_context(self, step, session):
        view = self.view(step)
        context = {"view": view, **self.config_texts(step, session.language)}
        if view == "evaluation":
            context["summary"] = self.evaluation_summary(step, quotes=WALL_QUOTES)
            context["quote_chars"] = WALL_QUOTE_CHARS
        else:
            rows = self.agreement_rows(step)
            context["agreements"] = rows[-WALL_AGREEMENTS:]
            context["agreements_left_out"] = max(0, len(rows) - WALL_AGREEMENTS)
        return context

    def controls_context(self, step, session):
        language = translation.get_language()
        items = (
            Contribution.objects.filter(step=step, slot__in=(EVALUATION, LETTER))
            .select_related("participant")
            .order_by("slot", "-updated_at")
        )
        evaluations, letters = [], []
        for item in items:
            data = item.data if isinstance(item.data, dict) else {}
            if item.slot == EVALUATION and (data.get("worked") or data.get("better")):
                evaluations.append(item)
            elif item.slot == LETTER and data.get("text"):
                letters.append(item)
        return {
            **self.config_texts(step, language),
            **self.form_context(),
            "view": self.view(step),
            "summary": self.evaluation_summary(step),
            "all_agreements": self.agreement_rows(step, include_hidden=True),
            "evaluations": evaluations,
            "letter_enabled": self.letter_enabled(step),
            "letters": letters,
            "client_id": new_client_id(),
            "new_agreement": {"side": "both"},
        }

    def report_context(self, step, session):
        letters = []
        if self.letter_enabled(step):
            letters = [
                item
                for item in visible(step)
                .filter(slot=LETTER, participant__isnull=False)
                .select_related("participant", "organisation")
                if isinstance(item.data, dict) and item.data.get("text")
            ]
        return {
            **self.config_texts(step, session.language),
            "summary": self.evaluation_summary(step),
            "agreements": self.agreement_rows(step),
            "letter_enabled": self.letter_enabled(step),
            "letters": letters,
        }

    def answered_count(self, step):
        """Participants who gave a rating."""
        return (
            Contribution.objects.filter(
                step=step, slot=EVALUATION, participant__isnull=False, data__has_key="rating"
            )
            .values("participant")
            .distinct()
            .count()
        )

    # --- phone writes -----------------------------------------------------------------------

    def save_answer(self, request, step, participant):
        part = request.POST.get("part", "")
        if part == EVALUATION:
            return self._save_evaluation(request, step, participant)
        if part == AGREEMENT:
            return self._save_agreement(request, step, participant)
        if part == LETTER:
            return self._save_letter(request, step, participant)
        return save_status(
            request, errors=[_t("Something went wrong: reload the page.")], status=422
        )

    def _done(self, request, step, response):
        """Phones without JavaScript post the whole page: send them back to it."""
        if not request.htmx:
            return redirect("phone", step.session.code)
        return response

    def _save_evaluation(self, request, step, participant):
        changes, errors = {}, []
        if "rating" in request.POST:
            rating = _pk(request.POST.get("rating"))
            if rating in RATINGS:
                changes["rating"] = rating
            else:
                errors.append(_t("Choose a rating from 1 to 5."))
        for field in EVALUATION_TEXTS:
            if field in request.POST:
                try:
                    changes[field] = clean_answer_text(
                        request.POST.get(field), EVALUATION_TEXT_MAX, required=False
                    )
                except forms.ValidationError as error:
                    errors.extend(error.messages)
        if not errors and not changes:
            errors.append(_t("Choose a rating or write something first."))
        if errors:
            return save_status(request, errors=errors, status=422)
        merge_own_answer(step, participant, slot=EVALUATION, changes=changes)
        return self._done(request, step, save_status(request, saved=True))

    def _save_letter(self, request, step, participant):
        if not self.letter_enabled(step):
            return save_status(
                request, errors=[_t("A letter is not part of this session.")], status=422
            )
        try:
            text = clean_answer_text(request.POST.get("text"), LETTER_MAX, required=False)
        except forms.ValidationError as error:
            return save_status(request, errors=error.messages, status=422)
        save_own_answer(step, participant, slot=LETTER, data={"text": text})
        return self._done(request, step, save_status(request, saved=True))

    def _save_agreement(self, request, step, participant):
        action = request.POST.get("action", "add")
        if action == "add":
            return self._add_agreement(request, step, participant)
        if action not in ("edit", "delete"):
            return save_status(
                request, errors=[_t("Something went wrong: reload the page.")], status=422
            )
        # Only one's own, visible agreements: another's id is a 404 and changes nothing.
        agreement = Contribution.objects.filter(
            step=step,
            slot=AGREEMENT,
            participant=participant,
            hidden=False,
            pk=_pk(request.POST.get("agreement")),
        ).first()
        if agreement is None:
            raise Http404("No such agreement of yours in this step")
        if action == "delete":
            agreement.delete()
            return self._done(request, step, self._list(request, step, participant))
        try:
            data = clean_agreement(request.POST)
        except forms.ValidationError as error:
            return self._list(
                request,
                step,
                participant,
                editing=agreement.pk,
                errors=error.messages,
                typed=typed_agreement(request.POST),
                status=422,
            )
        agreement.data = data
        agreement.save(update_fields=["data", "updated_at"])
        return self._done(request, step, self._list(request, step, participant, saved=agreement.pk))

    def _add_agreement(self, request, step, participant):
        try:
            data = clean_agreement(request.POST)
        except forms.ValidationError as error:
            return self._region(request, step, participant, errors=error.messages, status=422)
        client_id = posted_client_id(request)
        existing = Contribution.objects.filter(step=step, participant=participant, slot=AGREEMENT)
        is_retry = existing.filter(client_id=client_id).exists()
        if not is_retry:
            if existing.count() >= MAX_AGREEMENTS_PER_PARTICIPANT:
                message = _t("You have added the maximum of %(max)d agreements.") % {
                    "max": MAX_AGREEMENTS_PER_PARTICIPANT
                }
                return self._region(request, step, participant, errors=[message], status=422)
            if Contribution.objects.filter(step=step, slot=AGREEMENT).count() >= (
                MAX_AGREEMENTS_PER_STEP
            ):
                message = _t("The list of agreements is full.")
                return self._region(request, step, participant, errors=[message], status=422)
            add_agreement(step, data=data, client_id=client_id, participant=participant)
        return self._done(request, step, self._region(request, step, participant, saved=True))

    def _render(self, request, step, participant, partial, extra, status):
        context = {
            "session": step.session,
            "step": step,
            "participant": participant,
            "language": translation.get_language(),
            **self.form_context(),
            **self._agreement_list_context(step, participant),
            "client_id": new_client_id(),
            "new_agreement": {"side": "both"},
            **extra,
        }
        return render(request, self.partial(partial), context, status=status)

    def _region(self, request, step, participant, *, errors=(), saved=False, status=200):
        """The agreements block: the list and the add form (kept filled in on an error)."""
        extra = {"add_errors": errors, "added": saved}
        if errors:
            extra["new_agreement"] = typed_agreement(request.POST)
            extra["client_id"] = posted_client_id(request)
        return self._render(request, step, participant, "agreements", extra, status)

    def _list(
        self,
        request,
        step,
        participant,
        *,
        editing=None,
        errors=(),
        typed=None,
        saved=None,
        status=200,
    ):
        """Only the list, so an add form someone is typing in stays as it is."""
        extra = {"editing": editing, "edit_errors": errors, "edit_typed": typed, "saved_pk": saved}
        return self._render(request, step, participant, "agreement_list", extra, status)

    # --- facilitator -------------------------------------------------------------------------

    def facilitator_action(self, request, step, action):
        if action == "show":
            view = request.POST.get("view", "")
            if view not in VIEWS:
                return False
            step.state = {**step.state, "view": view}
            step.save(update_fields=["state"])
            return True
        if action == "add_agreement":
            try:
                data = clean_agreement(request.POST)
            except forms.ValidationError:
                return False
            if Contribution.objects.filter(step=step, slot=AGREEMENT).count() >= (
                MAX_AGREEMENTS_PER_STEP
            ):
                return False
            add_agreement(step, data=data, client_id=posted_client_id(request))
            return True
        if action in ("edit_agreement", "delete_agreement"):
            agreement = Contribution.objects.filter(
                step=step, slot=AGREEMENT, pk=_pk(request.POST.get("agreement"))
            ).first()
            if agreement is None:
                raise Http404("No such agreement in this step")
            if action == "delete_agreement":
                agreement.delete()
                return True
            try:
                agreement.data = clean_agreement(request.POST)
            except forms.ValidationError:
                return False
            agreement.save(update_fields=["data", "updated_at"])
            return True
        return False


def add_agreement(step, *, data, client_id="", participant=None):
    """Store a new agreement once per client id (a retried request finds the first one)."""
    client_id = client_id or new_client_id()
    defaults = {
        "session": step.session,
        "data": data,
        "side": participant.side if participant else "",
        "organisation": participant.organisation if participant else None,
    }
    with transaction.atomic():
        agreement, _created = Contribution.objects.get_or_create(
            step=step,
            participant=participant,
            slot=AGREEMENT,
            client_id=client_id,
            defaults=defaults,
        )
    return agreement


def merge_own_answer(step, participant, *, slot, changes):
    """Update some fields of a participant's own answer, keeping the others.

    The row is locked while it is read and written, so two fields sent at the same moment
    (a flush sends every unsaved form at once) both end up in it.
    """
    with transaction.atomic():
        answer = (
            Contribution.objects.select_for_update()
            .filter(step=step, participant=participant, slot=slot, client_id="")
            .first()
        )
        if answer is None:
            return save_own_answer(step, participant, slot=slot, data=changes)
        data = answer.data if isinstance(answer.data, dict) else {}
        answer.data = {**data, **changes}
        answer.save(update_fields=["data", "updated_at"])
        return answer
