"""The live poll as a Django view; production answers it in front of Django (sessions/live.py)."""

from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt

from ..live import poll_answer


# No document, so no policy or framing header to build (they would be stripped anyway).
@csp_exempt()
@xframe_options_exempt
def poll(request, code):
    status, body = poll_answer(code, request.GET.get("v", ""), request)
    response = HttpResponse(
        body, status=status, content_type="application/json" if body else "text/plain"
    )
    # Only the headers a poll needs (sessions.middleware.LivePollHeadersMiddleware).
    response.live_poll = True
    return response
