"""What the log records of one request share (its id, method, path, route, user).

Standard library only: the logging configuration imports it before Django is set up.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestInfo:
    request_id: str
    method: str
    path: str
    route: str = ""
    request: Any = field(default=None, repr=False)

    def user_id(self) -> int | None:
        """The signed-in user's id once something in the request has looked him up; never
        loads him just for the log (that would cost a session and a user query)."""
        user = getattr(self.request, "_cached_user", None) if self.request is not None else None
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        pk = getattr(user, "pk", None)
        return pk if isinstance(pk, int) else None


current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "sanxiang_request", default=None
)
