"""The exercise views: one for a phone's answer, a few for the facilitator's moderation.

They check who may do what and then hand over to the step's kind; none names a kind.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sessions.access import get_phone_participant, get_session_for_facilitator
from sessions.codes import normalize_join_code
from sessions.languages import phone_language
from sessions.models import Session
from sessions.views.run import after_change

from .answers import save_status
from .models import Contribution
from .registry import get_kind


@require_POST
def answer(request, code, step_id):
    """A phone saves (part of) its answer to a step. Autosaved, so it must be cheap and safe."""
    participant = get_phone_participant(request, code)
    if participant is None:
        session = get_object_or_404(Session, code=normalize_join_code(code))
        return redirect("join", session.code)
    session = participant.session
    # What the phone gets back, and the language stored with the text, is the phone's own.
    with translation.override(phone_language(participant)):
        return _save_answer(request, session, participant, step_id)


def _save_answer(request, session, participant, step_id):
    step = _answered_step(session, step_id)
    if session.is_closed:
        return save_status(request, errors=[_("The session has closed.")], status=409)
    if step.locked:
        return save_status(
            request, errors=[_("The facilitator has closed this exercise.")], status=409
        )
    response = get_kind(step.kind).save_answer(request, step, participant)
    if 200 <= response.status_code < 300:
        session.bump()  # the wall shows it; phones keep their forms
    return response


def _answered_step(session, step_id):
    """The step a phone answers: nearly always the current one, loaded with the session."""
    step = session.current_step
    if step is None or step.pk != step_id or step.skipped:
        return get_object_or_404(session.steps, pk=step_id, skipped=False)
    step.session = session  # as `session.steps` sets it: the kind reads step.session
    return step


@login_required
@require_POST
def lock_step(request, code, step_id):
    session = get_session_for_facilitator(request, code)
    step = get_object_or_404(session.steps, pk=step_id)
    step.locked = request.POST.get("locked") == "1"
    step.save(update_fields=["locked"])
    session.bump(phones=True)
    return after_change(request, session)


@login_required
@require_POST
def hide_contribution(request, code, contribution_id):
    """Hide a contribution from the wall and the report; it stays stored, marked hidden."""
    session = get_session_for_facilitator(request, code)
    contribution = get_object_or_404(Contribution, pk=contribution_id, session=session)
    contribution.hidden = request.POST.get("hidden") == "1"
    contribution.save(update_fields=["hidden"])
    session.bump(phones=True)  # phones that list it (agreements) drop it too
    return after_change(request, session)


@login_required
@require_POST
def set_anonymous(request, code):
    session = get_session_for_facilitator(request, code)
    session.anonymous = request.POST.get("anonymous") == "1"
    session.save(update_fields=["anonymous"])
    session.bump()
    return after_change(request, session)


@login_required
@require_POST
def step_action(request, code, step_id):
    """A kind's own facilitator action: spotlight a note, show the next card, form groups..."""
    session = get_session_for_facilitator(request, code)
    step = get_object_or_404(session.steps, pk=step_id, skipped=False)
    action = request.POST.get("action", "")
    changed = get_kind(step.kind).facilitator_action(request, step, action)
    if changed:
        session.bump(phones=request.POST.get("phones") == "1")
    if request.POST.get("next") == "prepare":
        # Set up from the step's edit page (quotes...): back to that page, where the kind's
        # message says what was refused, if anything.
        return redirect("edit_step", session.code, step.pk)
    if not changed:
        return HttpResponseBadRequest("Action refused")
    if session.current_step_id == step.pk:
        session.current_step = step  # the controls show the state the action just set
    return after_change(request, session)
