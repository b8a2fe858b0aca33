"""Log records that carry their request, and a JSON format for log collectors.

``RequestContextFilter`` sits on every handler (settings.LOGGING): it gives each record the id
of the request it was made in (``-`` outside requests) and a ``request_tag`` for the plain
format. ``JsonFormatter`` (``SANXIANG_LOG_FORMAT=json``) writes one JSON object per line.

What the records hold is what the code logs, in English, with row ids (never passwords,
tokens or parties' personal data: the code does not log them), plus the request's method and
path *without* its query string (a search can carry a name), its route name, status, duration
and the user's id. Standard library only: loaded by the logging configuration.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from sanxiang.core.request_context import current

# Fields the request middleware's own line adds (``extra=``); copied into the JSON object.
REQUEST_FIELDS = ("status", "duration_ms", "route")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        info = current.get()
        if info is None:
            record.request_id = getattr(record, "request_id", "-")
            record.request_tag = ""
            return True
        record.request_id = info.request_id
        record.request_tag = f" [request {info.request_id}]"
        record.request_method = info.method
        record.request_path = info.path
        record.user_id = info.user_id()
        return True


class JsonFormatter(logging.Formatter):
    """One line per record: time (UTC, ISO 8601), level, logger, message, request_id and, inside
    a request, method, path, user_id; the request line adds route, status and duration_ms."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if hasattr(record, "request_method"):
            line["method"] = getattr(record, "request_method", "")
            line["path"] = getattr(record, "request_path", "")
            line["user_id"] = getattr(record, "user_id", None)
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
