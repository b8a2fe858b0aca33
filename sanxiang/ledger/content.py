"""How apps above the ledger let ``verify`` check what their events promise.

An app registers a check per object type. ``sanxiang ledger verify`` calls it for every event
about such an object, so a stored file altered in storage, a record row changed behind the
triggers' back, or an access record deleted after its event, is found too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanxiang.ledger.models import LedgerEntry

# (entry, a dict the check may use as a cache for one verify run) -> a problem, or None.
EventCheck = Callable[[LedgerEntry, dict[Any, Any]], str | None]

_checks: dict[str, EventCheck] = {}


def register_event_check(object_type: str, check: EventCheck) -> None:
    """Let ``verify`` check every event about ``object_type`` against the stored records."""
    _checks[object_type] = check


def event_check_for(object_type: str) -> EventCheck | None:
    return _checks.get(object_type)


def event_checks() -> dict[str, EventCheck]:
    """Every registered check, by object type (``verify`` looks one up per entry)."""
    return dict(_checks)
