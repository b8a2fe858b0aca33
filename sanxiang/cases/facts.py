"""Facts of the steps a case took, kept as columns of the case: when the hearing was held, which
负责人 approved the 立案 and the 结案. Pages, guards and documents read the columns, never the
ledger; ``sanxiang ledger verify`` compares them with the steps' events (``facts_problem``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer

# step -> (the column it sets the first time it is taken, what it sets it to)
STEP_FACTS: dict[str, tuple[str, str]] = {
    "hold_hearing": ("hearing_held_on", "day"),
    "register": ("registered_by", "actor"),
    "close": ("closed_by", "actor"),
}


def step_facts_stamp(case: Case, actor: Officer, action: str, today: date) -> list[str]:
    """Set the columns ``action`` records on ``case`` (not saved); returns the fields set."""
    if action not in STEP_FACTS:
        return []
    field, kind = STEP_FACTS[action]
    if getattr(case, f"{field}_id" if kind == "actor" else field) is not None:
        return []
    setattr(case, field, actor if kind == "actor" else today)
    return [field]


def _actor(user_id: int | None, officer_id: int | None) -> str | None:
    if officer_id is None:
        return None
    return f"user:{user_id}" if user_id else f"officer:{officer_id}"


def _load(cache: dict[Any, Any]) -> None:
    """What the step events say of each case, and what its columns say (once per verify run)."""
    from sanxiang.ledger.models import LedgerEntry

    said: dict[str, dict[str, object]] = {}
    rows = (
        LedgerEntry.objects.filter(
            object_type="cases.case", action__in=[f"cases.case.{a}" for a in STEP_FACTS]
        )
        .order_by("sequence")
        .values_list("object_id", "action", "actor", "recorded_at")
    )
    for object_id, action, actor, recorded_at in rows.iterator(5000):
        field, kind = STEP_FACTS[action.removeprefix("cases.case.")]
        value = actor if kind == "actor" else timezone.localdate(recorded_at)
        said.setdefault(object_id, {}).setdefault(field, value)
    stored: dict[str, dict[str, object]] = {}
    columns = Case.objects.values_list(
        "pk", "hearing_held_on", "registered_by__user_id", "registered_by_id",
        "closed_by__user_id", "closed_by_id",
    )  # fmt: skip
    for pk, held_on, *officers in columns.iterator(5000):
        stored[str(pk)] = {
            "hearing_held_on": held_on,
            "registered_by": _actor(officers[0], officers[1]),
            "closed_by": _actor(officers[2], officers[3]),
        }
    cache["case_facts"] = (said, stored, set())


def facts_problem(entry: Any, cache: dict[Any, Any]) -> str | None:
    """Once per case (at its first event seen): do its fact columns agree with its events?"""
    if "case_facts" not in cache:
        _load(cache)
    said, stored, checked = cache["case_facts"]
    if entry.object_id in checked or entry.object_id not in stored:
        return None  # checked already, or deleted: the state check reports a deleted case
    checked.add(entry.object_id)
    expected, columns = said.get(entry.object_id, {}), stored[entry.object_id]
    for field in ("registered_by", "closed_by"):
        if columns[field] != expected.get(field):
            return f"case {entry.object_id}: {field} differs from the step's event"
    held_on, heard = columns["hearing_held_on"], expected.get("hearing_held_on")
    # The step stamps its own day; its event is written moments later (perhaps after midnight).
    if (held_on is None) != (heard is None) or (
        isinstance(heard, date) and held_on not in (heard, heard - timedelta(days=1))
    ):
        return f"case {entry.object_id}: hearing_held_on differs from the hearing's event"
    return None
