"""Reads of the public portal and the read-only JSON API from a streaming replica.

Active only when ``DATABASE_REPLICA_URL`` is set (settings add the ``replica`` alias, this router
and the middleware). The middleware decides once per request, before the view runs:

- only ``GET``/``HEAD`` requests under ``/gongshi/`` and ``/api/v1/`` may read the replica, not
  the pages of a person's own business there (a party's 案件查询, one's complaint), which must see
  what was just written;
- only while the replica is up and no more than ``SANXIANG_REPLICA_MAX_LAG`` seconds behind, as
  the replica itself reports it (``pg_last_xact_replay_timestamp()``, and no lag at all when it
  has replayed all it received). Each process looks at most once per
  ``SANXIANG_REPLICA_CHECK_INTERVAL`` seconds.

The router then sends that request's reads to the replica, except reads inside a transaction and
every read after the request's first write (both on the primary: a request never reads from the
replica a row it has just written). Sessions, users and log-in throttling always stay on the
primary. Writes always go to the primary. If the replica fails while the view runs (stopped,
connection lost, a query cancelled by replay), the view runs again on the primary: the visitor
gets his page, not an error.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
#: Where the public reads: the portal and the JSON API.
READ_PREFIXES = ("/gongshi/", "/api/v1/")
#: Pages there that show a person what he has just done or sent: always the primary.
PRIMARY_PREFIXES = ("/gongshi/query/", "/gongshi/complaints/")
#: Apps whose rows belong to one visitor's session: always the primary.
PRIMARY_APPS = frozenset({"sessions", "auth", "axes", "admin", "contenttypes"})

#: Lag in seconds: none when the standby is streaming and has replayed everything it received,
#: else the age of the last replayed commit (a standby that lost its primary receives nothing
#: and so looks caught up: without a WAL receiver it is judged by that age); NULL when the server
#: is not a standby (then it is no replica of ours).
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
         AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


@dataclass
class _RequestState:
    use_replica: bool = False
    wrote: bool = False
    used_replica: bool = False


_state: ContextVar[_RequestState | None] = ContextVar("sanxiang_replica_state", default=None)


@dataclass
class _Verdict:
    usable: bool
    lag: float | None
    until: float


_lock = threading.Lock()
_verdict: _Verdict | None = None


def replica_lag() -> float | None:
    """The replica's lag in seconds, asked now; None if it is down or not a standby."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_QUERY)
            row = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unreachable, reading from the primary: %s", error)
        _close_replica()
        return None
    if row is None or row[0] is None:
        logger.warning("DATABASE_REPLICA_URL is not a standby (promoted?): reading the primary")
        return None
    return float(row[0])


def replica_usable() -> bool:
    """Whether the replica may serve reads now (cached for the check interval per process)."""
    global _verdict
    now = time.monotonic()
    with _lock:
        if _verdict is not None and now < _verdict.until:
            return _verdict.usable
    lag = replica_lag()
    usable = lag is not None and lag <= settings.REPLICA_MAX_LAG
    interval = settings.REPLICA_CHECK_INTERVAL
    with _lock:
        # A replica found down is looked at less often: each look may cost a connect timeout.
        _verdict = _Verdict(usable, lag, now + (interval if lag is not None else 5 * interval))
    return usable


def replica_forget() -> None:
    """Drop the cached verdict: the next request looks at the replica again."""
    global _verdict
    with _lock:
        _verdict = None


def _close_replica() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def _primary_only(model: type[Any] | None) -> bool:
    return model is not None and model._meta.app_label in PRIMARY_APPS


class ReplicaRouter:
    """Reads of a replica-eligible request to ``replica``; everything else to ``default``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        state = _state.get()
        if state is None or not state.use_replica or state.wrote or _primary_only(model):
            return "default"
        if connections["default"].in_atomic_block:
            return "default"
        state.used_replica = True
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


def _eligible(request: HttpRequest) -> bool:
    path = request.path
    return (
        request.method in ("GET", "HEAD")
        and path.startswith(READ_PREFIXES)
        and not path.startswith(PRIMARY_PREFIXES)
    )


class ReplicaMiddleware:
    """Chooses the database of each request's reads (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _state.set(_RequestState())
        try:
            return self.get_response(request)
        finally:
            _state.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        state = _state.get()
        if state is not None and _eligible(request) and replica_usable():
            state.use_replica = True
            request._replica_view = (view, args, kwargs)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        state = _state.get()
        if (
            state is None
            or not state.used_replica
            or state.wrote
            or not isinstance(exception, OperationalError | InterfaceError)
        ):
            return None
        logger.warning("replica failed mid-request, answering from the primary: %s", exception)
        _close_replica()
        replica_forget()
        state.use_replica = False
        view, args, kwargs = request._replica_view  # type: ignore[attr-defined]
        response: HttpResponse = view(request, *args, **kwargs)
        return response
