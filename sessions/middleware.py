"""Keep the live poll's answers small: every screen asks every 1.5 s, mostly to hear "no"."""

# Headers that protect documents (framing, scripts, referrers, language negotiation) and say
# nothing to a script reading a 204 or a few bytes of JSON.
DOCUMENT_ONLY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Language",
    "Vary",
    "Expires",
)


class LivePollHeadersMiddleware:
    """Strip what other middleware added to a poll's response (views mark it `live_poll`).

    First in MIDDLEWARE, so it sees the response last. A 204 that finds nothing new is then
    under 200 bytes on the wire, headers included, instead of about 650.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "live_poll", False):
            for header in DOCUMENT_ONLY_HEADERS:
                if header in response.headers:
                    del response.headers[header]
            # Never cached by a browser or a proxy: the answer changes from one second to the next.
            response.headers["Cache-Control"] = "no-store"
            if response.status_code == 204:
                del response.headers["Content-Type"]
        return response
