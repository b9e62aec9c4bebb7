"""The facilitator runs a session: the controls on the laptop, the projector on the wall."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from exercises.rendering import step_context

from ..access import get_session_for_facilitator
from ..joining import join_url, qr_svg
from ..text import parse_id


def _live_context(request, session):
    step = session.current_step
    return {
        "session": session,
        "steps": list(session.steps.order_by("position")),
        "counts": session.join_counts(),
        "questions": session.questions.select_related("participant")[:50],
        "next_step": session.next_step(),
        "previous_step": session.previous_step(),
        # The controls follow the facilitator's own language, the wall the session's.
        "instruction": step.text()["instruction"] if step else "",
        "join_url": join_url(request, session),
        **step_context(session, step, surface="controls"),
    }


@login_required
@vary_on_headers("HX-Request")
def controls(request, code):
    session = get_session_for_facilitator(request, code)
    template = "facilitator/controls.html#live" if request.htmx else "facilitator/controls.html"
    return render(request, template, _live_context(request, session))


@login_required
@vary_on_headers("HX-Request")
def projector(request, code):
    session = get_session_for_facilitator(request, code)
    # The wall speaks the session's language, whatever the facilitator's laptop is set to.
    with translation.override(session.language):
        url = join_url(request, session)
        step = session.current_step or session.active_steps().first()
        context = {
            "session": session,
            "join_url": url,
            "join_url_short": url.split("://", 1)[-1],
            "qr": qr_svg(url),
            "counts": session.join_counts(),
            **step_context(session, step, surface="projector", language=session.language),
        }
        template = "projector/stage.html#stage" if request.htmx else "projector/stage.html"
        response = render(request, template, context)
    return response


@login_required
@require_POST
def navigate(request, code):
    """Next, previous or a jump to any step; the first move starts the session."""
    session = get_session_for_facilitator(request, code)
    action = request.POST.get("action")
    if session.is_closed:
        target = None
    elif action == "next":
        target = session.next_step()
    elif action == "previous":
        target = session.previous_step()
    elif action == "go":
        step_id = parse_id(request.POST.get("step"))
        target = get_object_or_404(session.active_steps(), pk=step_id)
    else:
        return HttpResponseBadRequest("Unknown action")
    if target is not None and target != session.current_step:
        session.go_to(target)
    return after_change(request, session)


@login_required
@require_POST
def timer(request, code):
    session = get_session_for_facilitator(request, code)
    action = request.POST.get("action")
    handlers = {
        "start": session.timer_start,
        "pause": session.timer_pause,
        "reset": session.timer_reset,
    }
    if action not in handlers:
        return HttpResponseBadRequest("Unknown action")
    if session.current_step_id and not session.is_closed:
        handlers[action]()
    return after_change(request, session)


@login_required
@require_POST
def close_session(request, code):
    session = get_session_for_facilitator(request, code)
    if request.POST.get("action") == "reopen":
        if session.is_closed:
            session.reopen()
    elif not session.is_closed:
        session.close()
    return after_change(request, session)


def after_change(request, session):
    """htmx callers get the refreshed controls; the projector's keys only need 'done'."""
    if request.headers.get("X-Requested-By") == "projector":
        return HttpResponse(status=204)
    if request.htmx:
        return render(request, "facilitator/controls.html#live", _live_context(request, session))
    return redirect("controls", session.code)
