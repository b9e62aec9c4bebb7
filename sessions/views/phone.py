"""The participant's phone: join with a code, follow the session, send a question."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from exercises.rendering import step_context

from ..access import (
    SESSION_BY_CODE,
    get_participant,
    get_phone_participant,
    remember_participant,
)
from ..codes import normalize_join_code
from ..forms import JoinCodeForm, JoinForm, QuestionForm
from ..languages import phone_language, remember_phone_language, supported_phone_language
from ..ratelimit import join_attempts_exhausted, record_failed_join

MAX_PARTICIPANTS = 1000
MAX_QUESTIONS_PER_PARTICIPANT = 20


def home(request):
    """The landing page: a participant types the code read from the wall."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("join", form.cleaned_data["code"].strip().upper().replace(" ", "") or "-")
    return render(request, "phone/home.html", {"form": form})


def _join_refused(request, message, status, typed_code=""):
    return render(
        request,
        "phone/home.html",
        {"form": JoinCodeForm(), "error": message, "typed_code": typed_code},
        status=status,
    )


def join(request, code):
    if join_attempts_exhausted(request):
        return _join_refused(
            request,
            _("Too many attempts with a wrong code. Wait a few minutes and try again."),
            429,
        )
    session = SESSION_BY_CODE.first(code=normalize_join_code(code))
    if session is None:
        record_failed_join(request)
        return _join_refused(
            request,
            _("There is no session with the code “%(code)s”. Check the code on the screen.")
            % {"code": code[:20]},
            404,
            typed_code=code[:20],
        )
    if get_participant(request, session):
        return redirect("phone", session.code)
    if not session.accepts_participants:
        return _join_refused(
            request, _("This session has closed. Joining is no longer possible."), 410
        )
    # The join page speaks the phone's browser language (or the one picked at the top),
    # and offers it as the participant's own language.
    form = JoinForm(
        request.POST or None, session=session, initial={"language": translation.get_language()}
    )
    if request.method == "POST":
        if session.participant_count >= MAX_PARTICIPANTS:
            form.add_error(None, _("This session is full."))
        elif form.is_valid():
            participant = form.save()
            response = remember_participant(redirect("phone", session.code), participant)
            if participant.language:
                remember_phone_language(response, participant.language)
            return response
    context = {"session": session, "form": form, "retention_days": settings.RETENTION_DAYS}
    return render(request, "phone/join.html", context)


def _phone_session(request, code):
    """(session, participant) for this phone; (None, None) if it hasn't joined the session."""
    participant = get_phone_participant(request, code)
    return (participant.session if participant else None), participant


@vary_on_headers("HX-Request")
def phone(request, code):
    session, participant = _phone_session(request, code)
    if participant is None:
        return redirect("join", code)
    with translation.override(phone_language(participant)):
        return _render_phone(request, session, participant)


# How long a room's phones spread the fetching of a new exercise over (static/js/live.js):
# 8 ms per participant, times the room's size the poll reports at the change ("n"), so a room
# of 30 waits a quarter of a second at most and a hall of 1,000 phones asks over 8 s instead
# of all at once.
SPREAD_MS_PER_PARTICIPANT = 8


def _render_phone(request, session, participant):
    context = {
        "session": session,
        "participant": participant,
        "spread_ms_per_participant": SPREAD_MS_PER_PARTICIPANT,
        "question_form": QuestionForm(),
        **step_context(session, session.current_step, surface="phone", participant=participant),
    }
    if request.htmx:
        part = "question" if request.GET.get("part") == "question" else "panel"
        template = f"phone/session.html#{part}"
    else:
        template = "phone/session.html"
    return render(request, template, context)


@require_POST
def set_phone_language(request, code):
    """The participant switches their phone to another language, at any moment."""
    session, participant = _phone_session(request, code)
    if participant is None:
        return redirect("join", code)
    language = supported_phone_language(request.POST.get("language"))
    if language is None:
        return HttpResponseBadRequest("Unknown language")
    participant.language = language
    participant.save(update_fields=["language"])
    return remember_phone_language(redirect("phone", session.code), language)


@require_POST
def ask_question(request, code):
    session, participant = _phone_session(request, code)
    if participant is None:
        return redirect("join", code)
    with translation.override(phone_language(participant)):
        return _ask_question(request, session, participant)


def _ask_question(request, session, participant):
    form = QuestionForm(request.POST)
    sent = False
    if session.is_closed:
        form.add_error(None, _("The session has closed."))
    elif participant.questions.count() >= MAX_QUESTIONS_PER_PARTICIPANT:
        form.add_error(None, _("You have sent the maximum number of questions."))
    elif form.is_valid():
        form.instance.session = session
        form.instance.participant = participant
        form.save()
        session.bump()
        sent = True
        form = QuestionForm()
    context = {"session": session, "participant": participant, "question_form": form, "sent": sent}
    if request.htmx:
        return render(request, "phone/session.html#question", context)
    if sent:
        messages.success(request, _("Sent to the facilitator."))
        return redirect("phone", session.code)
    return render(
        request,
        "phone/session.html",
        {
            **context,
            **step_context(session, session.current_step, surface="phone", participant=participant),
        },
        status=400,
    )
