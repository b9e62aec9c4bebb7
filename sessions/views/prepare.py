"""The facilitator prepares sessions: create from the toolkit; details, organisations, steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exercises.registry import get_kind

from .. import retention
from ..access import get_session_for_facilitator
from ..forms import OrganisationForm, SessionCreateForm, SessionDetailsForm, ShareForm, StepForm
from ..languages import supported_phone_language
from ..models import AgendaTemplate, Session, Status
from ..roles import is_coordinator


@login_required
def facilitator_home(request):
    if is_coordinator(request.user):
        return redirect("reports_home")
    sessions = (
        Session.objects.filter(Q(owner=request.user) | Q(shared_with=request.user))
        .distinct()
        .select_related("owner")
    )
    return render(request, "facilitator/home.html", {"sessions": sessions})


@login_required
def create_session(request):
    if is_coordinator(request.user):
        raise PermissionDenied("Coordinators read reports; they don't run sessions")
    # The toolkit, or one of the facilitator's own templates (?template=slug).
    templates = AgendaTemplate.visible_to(request.user)
    chosen = request.POST.get("template") or request.GET.get("template") or "toolkit-2017"
    template = (
        templates.filter(slug=chosen).first() or templates.filter(slug="toolkit-2017").first()
    )
    if template is None:
        messages.error(request, _("The toolkit is not loaded. Run: python manage.py load_toolkit"))
        return redirect("facilitator_home")
    form = SessionCreateForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        session = form.save_for(request.user, template)
        messages.success(request, _("Session created. Check the agenda, then start it."))
        return redirect("prepare", session.code)
    return render(
        request,
        "facilitator/create.html",
        {"form": form, "template": template, "templates": templates.order_by("owner_id", "pk")},
    )


def _prepare_context(session, **extra):
    steps = list(session.steps.order_by("position"))
    return {
        "session": session,
        "steps": steps,
        "planned_minutes": sum(step.minutes for step in steps if not step.skipped),
        "organisations": session.organisations_by_side(),
        "details_form": SessionDetailsForm(instance=session),
        "organisation_form": OrganisationForm(session=session),
        "share_form": ShareForm(session=session),
        "shared_with": session.shared_with.all(),
        "coordinators": session.coordinators.all(),
        **extra,
    }


@login_required
def prepare(request, code):
    session = get_session_for_facilitator(request, code)
    return render(request, "facilitator/prepare.html", _prepare_context(session))


def _refuse_when_started(request, session):
    """The agenda is the facilitator's until the session starts; then it is what ran."""
    if session.status != Status.DRAFT:
        messages.error(request, _("The session has started: the agenda can no longer change."))
        return redirect("prepare", session.code)
    return None


@login_required
@require_POST
def edit_details(request, code):
    session = get_session_for_facilitator(request, code)
    form = SessionDetailsForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        session.bump()
        messages.success(request, _("Details saved."))
        return redirect("prepare", session.code)
    return render(request, "facilitator/prepare.html", _prepare_context(session, details_form=form))


@login_required
@require_POST
def add_organisation(request, code):
    session = get_session_for_facilitator(request, code)
    form = OrganisationForm(request.POST, session=session)
    if form.is_valid():
        form.save()
        session.bump()
        form = OrganisationForm(session=session)
    context = _prepare_context(session, organisation_form=form)
    if request.htmx:
        return render(request, "facilitator/prepare.html#organisations", context)
    if form.is_bound:
        return render(request, "facilitator/prepare.html", context)
    return redirect("prepare", session.code)


@login_required
@require_POST
def remove_organisation(request, code, organisation_id):
    session = get_session_for_facilitator(request, code)
    organisation = get_object_or_404(session.organisations, pk=organisation_id)
    if organisation.participants.exists():
        messages.error(
            request, _("Participants have joined for this organisation; it stays on the list.")
        )
    else:
        organisation.delete()
        session.bump()
    if request.htmx:
        return render(request, "facilitator/prepare.html#organisations", _prepare_context(session))
    return redirect("prepare", session.code)


@login_required
def edit_step(request, code, step_id):
    session = get_session_for_facilitator(request, code)
    step = get_object_or_404(session.steps, pk=step_id)
    language = supported_phone_language(request.GET.get("language")) or session.language
    if request.method == "POST":
        if refused := _refuse_when_started(request, session):
            return refused
        form = StepForm(request.POST, step=step, language=language)
        if form.is_valid():
            form.save()
            messages.success(request, _("Step saved."))
            return redirect("prepare", session.code)
    else:
        form = StepForm(step=step, language=language)
    kind = get_kind(step.kind)
    context = {
        "session": session,
        "step": step,
        "form": form,
        "kind": kind,
        "editing_language": language,
    }
    if kind.has_prepare:
        context.update(kind.prepare_context(step, session), prepare_partial=kind.partial("prepare"))
    return render(request, "facilitator/step_form.html", context)


@login_required
@require_POST
def change_step(request, code, step_id):
    """Move a step up or down, or switch it on or off. One POST per click."""
    session = get_session_for_facilitator(request, code)
    step = get_object_or_404(session.steps, pk=step_id)
    if refused := _refuse_when_started(request, session):
        return refused
    action = request.POST.get("action")
    if action in ("up", "down"):
        steps = list(session.steps.order_by("position"))
        index = steps.index(step)
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(steps):
            steps[index], steps[other] = steps[other], steps[index]
            with transaction.atomic():
                for position, each in enumerate(steps, start=1):
                    if each.position != position:
                        each.position = position
                        each.save(update_fields=["position"])
    elif action in ("skip", "include"):
        step.skipped = action == "skip"
        step.save(update_fields=["skipped"])
    else:
        return HttpResponseBadRequest("Unknown action")
    session.bump()
    if request.htmx:
        return render(request, "facilitator/prepare.html#steps", _prepare_context(session))
    return redirect("prepare", session.code)


@login_required
@require_POST
def share_session(request, code):
    session = get_session_for_facilitator(request, code)
    if session.owner_id != request.user.pk:
        messages.error(request, _("Only the session's own facilitator can share it."))
        return redirect("prepare", session.code)
    form = ShareForm(request.POST, session=session)
    if form.is_valid():
        user = form.cleaned_data["username"]
        # A coordinator gets the report, a facilitator the controls.
        (session.coordinators if is_coordinator(user) else session.shared_with).add(user)
        messages.success(request, _("Shared."))
        return redirect("prepare", session.code)
    return render(request, "facilitator/prepare.html", _prepare_context(session, share_form=form))


@login_required
@require_POST
def delete_session(request, code):
    """The session's own facilitator deletes it with all its personal data."""
    session = get_session_for_facilitator(request, code)
    if session.owner_id != request.user.pk:
        raise PermissionDenied("Only the session's own facilitator can delete it")
    if request.POST.get("confirm") != session.code:
        messages.error(request, _("Type the session's code to confirm the deletion."))
        return redirect("prepare", session.code)
    title = session.title
    retention.delete_session(session)
    messages.success(request, _("“%(title)s” and all its data are deleted.") % {"title": title})
    return redirect("facilitator_home")
