"""Reading a session afterwards: the coordinator's list, the PDF report and the exports."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from .. import exports
from ..access import get_session_for_reader
from ..downloads import download
from ..models import Session
from ..roles import is_coordinator


@login_required
def reports_home(request):
    """Coordinators see the sessions shared with them; facilitators also their own."""
    sessions = (
        Session.objects.filter(
            Q(coordinators=request.user) | Q(owner=request.user) | Q(shared_with=request.user)
        )
        .distinct()
        .select_related("owner")
    )
    return render(
        request,
        "facilitator/reports.html",
        {"sessions": sessions, "is_coordinator": is_coordinator(request.user)},
    )


@login_required
def report_pdf(request, code):
    from ..report import render_report_pdf

    session = get_session_for_reader(request, code)
    return download(render_report_pdf(session), "application/pdf", f"report-{session.code}.pdf")


@login_required
def export(request, code, what):
    session = get_session_for_reader(request, code)
    if what == "contributions.csv":
        content, kind = exports.contributions_csv(session), "text/csv; charset=utf-8"
    elif what == "agreements.csv":
        content, kind = exports.agreements_csv(session), "text/csv; charset=utf-8"
    elif what == "session.json":
        content, kind = exports.session_json(session), "application/json"
    else:
        raise Http404("No such export")
    return download(content, kind, f"{session.code}-{what}")
