"""The live poll: "has anything changed since version N?" — asked every 1.5 s by every screen.

Nine in ten requests a live session makes are this question, so it is answered twice over:
by the Django view `sessions.views.live.poll` (development server, tests, reverse()) and, in
production, by `LivePollFastPath` in front of Django (workshop/wsgi.py), which skips the
middleware a poll has no use for: no session, user, CSRF, language, policy or template. Both
call `poll_answer`, so they cannot disagree.
"""

import json
import re
import time
from urllib.parse import parse_qs

from django.core import signals
from django.db import DatabaseError, connection

from workshop.request_log import log_request

from .models import Session
from .ratelimit import join_attempts_exhausted, record_failed_join

# One indexed read by the unique code. Written out once rather than built by the ORM on every
# request: composing the query cost more than running it (docs/benchmarks.md).
_quote = connection.ops.quote_name
POLL_SQL = (
    f"SELECT {_quote('version')}, {_quote('status')}, {_quote('current_step_id')}, "
    f"{_quote('phone_version')}, {_quote('participant_count')} "
    f"FROM {_quote(Session._meta.db_table)} WHERE {_quote('code')} = %s"
)


def poll_answer(code, known_version, client):
    """(HTTP status, JSON body or b"") for a screen that last saw `known_version`.

    204 when nothing changed; else the version, status, step, phone version and how many
    have joined (< 100 bytes): "p" changes only when phones must rebuild their exercise panel
    (step, lock, groups...); "n" sets how long phones spread fetching it (static/js/live.js).
    An unknown code counts as a wrong join code for `client` (anything with the request's
    META): otherwise the poll would tell a guesser which codes exist, without any limit.
    """
    with connection.cursor() as cursor:
        cursor.execute(POLL_SQL, [code[:8]])
        row = cursor.fetchone()
    if row is None:
        if join_attempts_exhausted(client):
            return 429, b""
        record_failed_join(client)
        return 404, b""
    version, status, step, phone_version, joined = row
    if known_version == str(version):
        return 204, b""
    state = {"v": version, "status": status, "step": step, "p": phone_version, "n": joined}
    return 200, json.dumps(state, separators=(",", ":")).encode()


POLL_PATH = re.compile(r"^/live/([A-Za-z0-9]{1,8})$")
REASONS = {
    200: "200 OK",
    204: "204 No Content",
    404: "404 Not Found",
    429: "429 Too Many Requests",
    503: "503 Service Unavailable",
}


class _Client:
    """What the join-code counter needs of a request: its META (the WSGI environ)."""

    def __init__(self, environ):
        self.META = environ


class LivePollFastPath:
    """WSGI: answer GET /live/<code> directly; hand every other request to Django.

    The request still goes through Django's request_started/request_finished signals, so
    database connections are reused and closed as for any request, and it is logged like any
    request. The Host header is not checked: the answer holds no link and no secret, only the
    state anyone with the code sees on the wall.
    """

    def __init__(self, django_application):
        self.django_application = django_application

    def __call__(self, environ, start_response):
        match = POLL_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET":
            return self.django_application(environ, start_response)
        started = time.perf_counter()
        signals.request_started.send(sender=self.__class__, environ=environ)
        # No health check ("SELECT 1" before the query, CONN_HEALTH_CHECKS): on PostgreSQL
        # it doubled the poll's round trips. A connection that broke meanwhile fails this
        # one poll with a 503, phones poll again, and request_finished closes it.
        connection.health_check_done = True
        try:
            known = parse_qs(environ.get("QUERY_STRING", "")).get("v", [""])[0]
            try:
                status, body = poll_answer(match.group(1), known, _Client(environ))
            except DatabaseError:  # phones back off and try again (static/js/live.js)
                status, body = 503, b""
        finally:
            signals.request_finished.send(sender=self.__class__)
        headers = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        if status == 200:
            headers.append(("Content-Type", "application/json"))
        if status != 204:
            headers.append(("Content-Length", str(len(body))))
        start_response(REASONS[status], headers)
        log_request("GET", environ["PATH_INFO"], "poll", status, started)
        return [body]
