"""A cooperation's pages, the follow-up, the handout and the facilitator's own templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sessions.access import get_session_for_facilitator
from sessions.downloads import download
from sessions.joining import join_url
from sessions.models import AgendaTemplate
from sessions.roles import is_coordinator

from . import follow_up, register, templates_io
from .access import get_cooperation_for_facilitator, get_cooperation_for_reader
from .forms import EntryStatusForm, FollowUpForm, HandoutForm, ImportTemplateForm, SaveTemplateForm
from .handout import DEFAULT_START, render_handout_html
from .models import Cooperation, EntryStatus, RegisterChange, RegisterEntry
from .pdf import html_to_pdf

# --- cooperations ------------------------------------------------------------------------------


@login_required
def cooperation_list(request):
    user = request.user
    cooperations = (
        Cooperation.objects.filter(
            Q(owner=user) | Q(shared_with=user) | Q(meetings__session__coordinators=user)
        )
        .distinct()
        .annotate(meeting_count=Count("meetings", distinct=True))
        .select_related("owner")
    )
    return render(request, "cooperations/list.html", {"cooperations": cooperations})


def _meetings(cooperation):
    return list(
        cooperation.meetings.select_related("session").annotate(
            formal=Count("session__participants", filter=Q(session__participants__side="formal")),
            informal=Count(
                "session__participants", filter=Q(session__participants__side="informal")
            ),
        )
    )


def _entries(cooperation):
    changes = RegisterChange.objects.select_related("session__meeting")
    return list(cooperation.entries.prefetch_related(Prefetch("changes", queryset=changes)))


def _register_counts(entries):
    return [
        {"status": value, "label": label, "n": sum(1 for e in entries if e.status == value)}
        for value, label in EntryStatus.choices
    ]


@login_required
def cooperation_page(request, pk):
    cooperation = get_cooperation_for_reader(request, pk)
    can_change = cooperation.is_run_by(request.user)
    # Meetings closed before they became part of the cooperation bring their agreements now.
    register.copy_closed_meetings(cooperation)
    meetings = _meetings(cooperation)
    entries = _entries(cooperation)
    last = meetings[-1].session if meetings else None
    follow_up_form = FollowUpForm(
        initial={"title": last.title if last else "", "date": timezone.localdate()}
    )
    return render(
        request,
        "cooperations/detail.html",
        {
            "cooperation": cooperation,
            "meetings": meetings,
            "entries": entries,
            "counts": _register_counts(entries),
            "can_change": can_change,
            "last_session": last,
            "follow_up_form": follow_up_form,
            "statuses": EntryStatus.choices,
            "note_max": register.NOTE_MAX,
        },
    )


@login_required
@require_POST
def change_entry(request, pk, entry_id):
    cooperation = get_cooperation_for_facilitator(request, pk)
    entry = get_object_or_404(RegisterEntry, pk=entry_id, cooperation=cooperation)
    form = EntryStatusForm(request.POST)
    if form.is_valid():
        change = register.change_status(
            entry, form.cleaned_data["status"], note=form.cleaned_data["note"], user=request.user
        )
        if change:
            messages.success(
                request,
                _("“%(text)s” is now: %(status)s.")
                % {"text": entry.text[:60], "status": change.get_to_status_display()},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{cooperation.get_absolute_url()}#entry-{entry.pk}")


def render_cooperation_html(cooperation, language):
    """The cooperation report: every meeting, and the register with each change over time."""
    from django.template.loader import render_to_string
    from django.utils import translation

    meetings = _meetings(cooperation)
    with translation.override(language):
        entries = _entries(cooperation)
        return render_to_string(
            "cooperations/report.html",
            {
                "cooperation": cooperation,
                "meetings": meetings,
                "entries": entries,
                "counts": _register_counts(entries),
                "language": language,
                "made_on": timezone.localdate(),
            },
        )


@login_required
def cooperation_report(request, pk):
    cooperation = get_cooperation_for_reader(request, pk)
    register.copy_closed_meetings(cooperation)
    last = cooperation.meetings.select_related("session").last()
    # In the language of the latest meeting, like each meeting's own report.
    language = last.session.language if last else request.LANGUAGE_CODE
    html = render_cooperation_html(cooperation, language)
    return download(html_to_pdf(html), "application/pdf", f"cooperation-{cooperation.pk}.pdf")


# --- the follow-up -----------------------------------------------------------------------------


@login_required
@require_POST
def plan_follow_up(request, code):
    session = get_session_for_facilitator(request, code)
    meeting = follow_up.meeting_of(session)
    if meeting and not meeting.cooperation.is_run_by(request.user):
        raise PermissionDenied("Not your cooperation")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            new = follow_up.plan_follow_up(session, request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("prepare", session.code)
        messages.success(
            request, _("Follow-up planned. It starts with a review of the open agreements.")
        )
        return redirect("prepare", new.code)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("prepare", session.code)


# --- the handout ------------------------------------------------------------------------------


@login_required
def handout(request, code):
    session = get_session_for_facilitator(request, code)
    form = HandoutForm(request.GET or None)
    start = form.cleaned_data["start"] if form.is_valid() else DEFAULT_START
    meeting = follow_up.meeting_of(session)
    open_agreements = []
    if meeting:
        open_agreements = RegisterEntry.objects.filter(
            cooperation=meeting.cooperation,
            meeting_number__lt=meeting.number,
            status=EntryStatus.OPEN,
        )
    html = render_handout_html(
        session, start, join_url=join_url(request, session), open_agreements=open_agreements
    )
    return download(html_to_pdf(html, session), "application/pdf", f"handout-{session.code}.pdf")


# --- templates ---------------------------------------------------------------------------------


def _visible_template(request, slug):
    template = AgendaTemplate.visible_to(request.user).filter(slug=slug).first()
    if template is None:
        raise Http404("No such template")
    return template


@login_required
def template_list(request, import_form=None):
    if is_coordinator(request.user):
        raise PermissionDenied("Coordinators read reports; they don't prepare sessions")
    templates = (
        AgendaTemplate.visible_to(request.user)
        .annotate(step_count=Count("steps"))
        .order_by("owner_id", "pk")
    )
    return render(
        request,
        "cooperations/templates.html",
        {"templates": templates, "import_form": import_form or ImportTemplateForm()},
    )


@login_required
def export_template(request, slug):
    template = _visible_template(request, slug)
    return download(
        templates_io.export_json(template), "application/json", f"agenda-{template.slug}.json"
    )


@login_required
@require_POST
def import_template(request):
    if is_coordinator(request.user):
        raise PermissionDenied("Coordinators read reports; they don't prepare sessions")
    form = ImportTemplateForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > templates_io.MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("The file is too large: at most %(max)d KB.")
                % {"max": templates_io.MAX_FILE_BYTES // 1024},
            )
        else:
            try:
                template = templates_io.import_template(request.user, upload.read())
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request, _("Template “%(title)s” imported.") % {"title": str(template)}
                )
                return redirect("agenda_templates")
    response = template_list(request, import_form=form)
    response.status_code = 422
    return response


@login_required
@require_POST
def save_template(request, code):
    session = get_session_for_facilitator(request, code)
    form = SaveTemplateForm(request.POST)
    if form.is_valid():
        template = templates_io.save_session_as_template(
            session, request.user, form.cleaned_data["title"]
        )
        messages.success(
            request,
            _("Saved as your template “%(title)s”. Start new sessions from it.")
            % {"title": str(template)},
        )
        return redirect("agenda_templates")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("prepare", session.code)
