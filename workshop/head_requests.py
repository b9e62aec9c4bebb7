"""WSGI: the answer to a HEAD request is the GET's status and headers, without the body."""


class BodilessHead:
    """Django renders a HEAD like a GET, so the headers (Content-Length included) are those
    of the GET; the body must not be sent (RFC 9110, 9.3.2). gunicorn drops it itself, but
    logs a warning for each such response, and uptime monitors probe with HEAD every minute:
    the operator's log would fill with warnings about nothing.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        body = self.application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return body
        # Closing ends the request as sending it would: Django's request_finished signal
        # (database connections returned) fires from the response's close().
        close = getattr(body, "close", None)
        if close is not None:
            close()
        return []
