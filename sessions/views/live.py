"""The live poll: "has anything changed since version N?" — asked every 1.5 s by every screen."""

from csp.decorators import csp_exempt
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.clickjacking import xframe_options_exempt

from ..models import Session

# One indexed read by the unique code. Written out once rather than built by the ORM on every
# request: composing the query cost more than running it (bench/, docs/benchmarks.md).
_quote = connection.ops.quote_name
POLL_SQL = (
    f"SELECT {_quote('version')}, {_quote('status')}, {_quote('current_step_id')}, "
    f"{_quote('phone_version')} FROM {_quote(Session._meta.db_table)} WHERE {_quote('code')} = %s"
)


# No document, so no policy or framing header to build (they would be stripped anyway).
@csp_exempt()
@xframe_options_exempt
def poll(request, code):
    """204 when nothing changed; else the new version, status, step and phone version (<100 B).

    No session, cookie or template work, and only the headers a poll needs
    (sessions.middleware.LivePollHeadersMiddleware): this is the hottest URL.
    """
    with connection.cursor() as cursor:
        cursor.execute(POLL_SQL, [code[:8]])
        row = cursor.fetchone()
    if row is None:
        response = HttpResponse(status=404)
    else:
        version, status, step, phone_version = row
        if request.GET.get("v") == str(version):
            response = HttpResponse(status=204)
        else:
            # "p" changes only when phones must rebuild their exercise panel (step, lock...).
            response = JsonResponse(
                {"v": version, "status": status, "step": step, "p": phone_version}
            )
    response.live_poll = True
    return response
