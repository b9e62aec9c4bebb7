"""Step 10, "De kracht van de ander": each side writes notes on the strength of the other side.

A formal participant's phone asks about the strength of informal workers, an informal one's
about formal workers. The wall shows both sides facing each other, live; the facilitator can
spotlight one note for the plenary conversation.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sessions.models import Side
from sessions.text import parse_id

from ..answers import (
    NOTE_MAX_LENGTH,
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

MAX_NOTES_PER_PARTICIPANT = 12
# What a wall shows legibly per side, with the count line below it, at 1280×720 (three columns
# of nine, seen on screen): the newest, and how many came before. A hall of 1,000 phones
# writes thousands; all of them are in the report.
WALL_NOTES_PER_SIDE = 27
# The facilitator's list to spotlight or hide from: the newest per side, hidden ones too, so
# what is on the wall is on the list even after some were hidden. All of a hall's notes made
# every change of the controls render thousands of rows (2 s for 3,000 notes).
MODERATION_NOTES_PER_SIDE = 60


def density(count):
    if count > 24:
        return "very-dense"
    if count > 10:
        return "dense"
    return ""


@register
class StrengthOfTheOther(Kind):
    slug = "strength"
    label = _("Strength of the other")
    counts_answers = True
    takes_input = True

    def prompt(self, step, side, language):
        from sessions.models import localized

        return localized(step.config.get("prompts", {}).get(side, {}), language)

    def phone_context(self, step, session, participant, notes=None):
        notes = own_notes(step, participant) if notes is None else notes
        return {
            "prompt": self.prompt(step, participant.side, get_language()),
            "my_notes": notes,
            "client_id": new_client_id(),
            "note_max": NOTE_MAX_LENGTH,
            "can_add": len(notes) < MAX_NOTES_PER_PARTICIPANT,
        }

    def projector_context(self, step, session):
        spotlight_id = step.state.get("spotlight")
        # The formal side writes about informal workers, and the other way round.
        about_informal, more_about_informal = self._newest(step, Side.FORMAL)
        about_formal, more_about_formal = self._newest(step, Side.INFORMAL)
        spotlight = None
        if spotlight_id:
            spotlight = visible(step).select_related("participant").filter(pk=spotlight_id).first()
        return {
            "about_informal": about_informal,
            "about_formal": about_formal,
            "more_about_informal": more_about_informal,
            "more_about_formal": more_about_formal,
            # Many notes: smaller type in more columns, so a full room still fits the wall.
            "density": density(max(len(about_informal), len(about_formal))),
            "spotlight": spotlight,
            "prompt_formal": self.prompt(step, Side.FORMAL, session.language),
            "prompt_informal": self.prompt(step, Side.INFORMAL, session.language),
        }

    def report_context(self, step, session):
        """The report holds every note, not only what fits the wall."""
        notes = list(visible(step).select_related("participant", "organisation"))
        return {
            "about_informal": [n for n in notes if n.side == Side.FORMAL],
            "about_formal": [n for n in notes if n.side == Side.INFORMAL],
            "prompt_formal": self.prompt(step, Side.FORMAL, session.language),
            "prompt_informal": self.prompt(step, Side.INFORMAL, session.language),
        }

    def _newest(self, step, side, limit=WALL_NOTES_PER_SIDE, notes=None):
        """The newest `limit` notes written by `side` (of `notes`, else the visible ones),
        oldest first, and how many more there are."""
        notes = (visible(step) if notes is None else notes).filter(side=side)
        newest = list(
            notes.select_related("participant", "organisation").order_by("-created_at", "-pk")[
                :limit
            ]
        )
        more = notes.count() - len(newest) if len(newest) == limit else 0
        return newest[::-1], more

    def controls_context(self, step, session):
        every_note = Contribution.objects.filter(step=step)
        formal, more_formal = self._newest(
            step, Side.FORMAL, MODERATION_NOTES_PER_SIDE, notes=every_note
        )
        informal, more_informal = self._newest(
            step, Side.INFORMAL, MODERATION_NOTES_PER_SIDE, notes=every_note
        )
        return {
            "notes": sorted(formal + informal, key=lambda note: (note.created_at, note.pk)),
            "more_notes": more_formal + more_informal,
            "spotlight_id": step.state.get("spotlight"),
        }

    def answered_count(self, step):
        return answered_participants(step)

    def save_answer(self, request, step, participant):
        if request.POST.get("action") == "delete":
            Contribution.objects.filter(
                step=step, participant=participant, pk=parse_id(request.POST.get("note"))
            ).delete()
            return self._notes(request, step, participant)
        try:
            text = clean_answer_text(request.POST.get("text"), NOTE_MAX_LENGTH, multiline=False)
        except forms.ValidationError as error:
            return self._notes(request, step, participant, errors=error.messages, status=422)
        notes = own_notes(step, participant)
        error = add_note_within_limit(
            step,
            participant,
            notes,
            limit=MAX_NOTES_PER_PARTICIPANT,
            text=text,
            client_id=posted_client_id(request),
        )
        if error:
            return self._notes(request, step, participant, notes=notes, errors=[error], status=422)
        return self._notes(request, step, participant, notes=notes, saved=True)

    def _notes(self, request, step, participant, notes=None, errors=(), saved=False, status=200):
        context = {
            "session": step.session,
            "step": step,
            "participant": participant,
            **self.phone_context(step, step.session, participant, notes=notes),
            "errors": errors,
            "saved": saved,
            "typed": request.POST.get("text", "") if errors else "",
        }
        return render(request, self.partial("notes"), context, status=status)

    def facilitator_action(self, request, step, action):
        if action == "spotlight":
            note = Contribution.objects.filter(
                step=step, pk=parse_id(request.POST.get("note"))
            ).first()
            if note is None:
                raise Http404("No such note in this step")
            step.state = {**step.state, "spotlight": note.pk}
        elif action == "clear":
            step.state = {**step.state, "spotlight": None}
        else:
            return False
        step.save(update_fields=["state"])
        return True
