"""Uploaded photos and logos: only for the session's facilitators, coordinators and participants."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..access import get_participant
from ..models import Session


def media(request, code, filename):
    session = get_object_or_404(Session, code=code)
    if not (session.is_readable_by(request.user) or get_participant(request, session)):
        raise PermissionDenied("Not in this session")
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / code / filename).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404("No such file")
    response = FileResponse(path.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
