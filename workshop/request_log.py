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
        if logger.isEnabledFor(logging.INFO):
            match = request.resolver_match
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path[:200],
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


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
