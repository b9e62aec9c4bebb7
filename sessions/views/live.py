"""The live poll: "has anything changed since version N?" — asked every 1.5 s by every screen."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from ..models import Session


@never_cache
def poll(request, code):
    """204 when nothing changed; else the new version, status, step and phone version (<100 B).

    One indexed read and no session, cookie or template work: this is the hottest URL.
    """
    row = (
        Session.objects.filter(code=code)
        .values_list("version", "status", "current_step_id", "phone_version")
        .first()
    )
    if row is None:
        return HttpResponse(status=404)
    version, status, step, phone_version = row
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    # "p" changes only when phones must rebuild their exercise panel (step, lock, groups...).
    return JsonResponse({"v": version, "status": status, "step": step, "p": phone_version})
