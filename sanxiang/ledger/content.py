"""How apps above the ledger let ``verify`` check what their events promise.

An app registers a check per object type. ``sanxiang ledger verify`` calls it for every event
about such an object, so a stored file altered in storage, a record row changed behind the
triggers' back, or an access record deleted after its event, is found too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class RecordedEvent(Protocol):
    """What a check reads of an entry: a ``LedgerEntry``, or the row ``verify`` read (it does
    not build a model instance per event)."""

    @property
    def sequence(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def object_type(self) -> str: ...
    @property
    def object_id(self) -> str: ...
    @property
    def content_sha256(self) -> str: ...


# (entry, a dict the check may use as a cache for one verify run) -> a problem, or None.
EventCheck = Callable[[RecordedEvent, dict[Any, Any]], str | None]
# (a batch of entries about one object type) -> what their checks need, read in a few queries.
EventPrefetch = Callable[[list[RecordedEvent]], object]

_checks: dict[str, EventCheck] = {}
_prefetches: dict[str, EventPrefetch] = {}


def register_event_check(
    object_type: str, check: EventCheck, *, prefetch: EventPrefetch | None = None
) -> None:
    """Let ``verify`` check every event about ``object_type`` against the stored records.

    With ``prefetch``, ``verify`` hands the entries to check in batches to it first and puts
    what it returns in the cache under :func:`batch_key` while it checks that batch (then
    drops it), so that the check reads rows without a query per entry. The check must still
    work alone (``check(entry, {})``): without a batch it queries for its entry.
    """
    _checks[object_type] = check
    if prefetch is None:
        _prefetches.pop(object_type, None)
    else:
        _prefetches[object_type] = prefetch


def batch_key(object_type: str) -> tuple[str, str]:
    """Where a check finds its prefetched batch in the cache (absent: no batch)."""
    return ("batch", object_type)


def event_prefetch_for(object_type: str) -> EventPrefetch | None:
    return _prefetches.get(object_type)


def event_check_for(object_type: str) -> EventCheck | None:
    return _checks.get(object_type)


def event_checks() -> dict[str, EventCheck]:
    """Every registered check, by object type (``verify`` looks one up per entry)."""
    return dict(_checks)
