"""One line of JSON per request, for the operator: what was asked, how it ended, how long.

Nothing personal: no client address, no user agent, no cookies, no query string (the only
one the app uses is the poll's version number), no user name and nothing anyone typed. The
path holds at most a session's join code and numeric ids.
"""

import json
import logging
import time
from datetime import UTC, datetime

logger = logging.getLogger("workshop.requests")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match else None
        log_request(request.method, request.path, view, response.status_code, started)
        return response


def log_request(method, path, view, status, started):
    """`started`: time.perf_counter() when the request came in."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "request",
            extra={
                "method": method,
                "path": path[:200],
                "view": view,
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """{"time": ..., "level": ..., "logger": ..., "message": ..., <extra fields>}"""

    def format(self, record):
        entry = {
            # UTC with milliseconds, whatever TIME_ZONE says, like gunicorn's own lines.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
