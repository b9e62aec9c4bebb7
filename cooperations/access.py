"""Who may open a cooperation. Views call these and never check inline.

Its owner and shared facilitators change it (the register's statuses, follow-ups); the
coordinators of its meetings read it; anyone else gets 403, an unknown one 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Cooperation


def _get(pk):
    cooperation = Cooperation.objects.select_related("owner").filter(pk=pk).first()
    if cooperation is None:
        raise Http404("No such cooperation")
    return cooperation


def get_cooperation_for_facilitator(request, pk):
    cooperation = _get(pk)
    if not cooperation.is_run_by(request.user):
        raise PermissionDenied("Not your cooperation")
    return cooperation


def get_cooperation_for_reader(request, pk):
    cooperation = _get(pk)
    if not cooperation.is_readable_by(request.user):
        raise PermissionDenied("Not your cooperation")
    return cooperation
