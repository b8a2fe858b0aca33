"""Facts of many cases read together, the first time a guard asks about one of them.

The 工作台 asks the engine about its forty most urgent candidate cases; several guards read a
row per case (the 法制审核 and its pinned finding, the agency's review catalogue and case rules,
the 不予处罚 proposal). ``read_together`` marks the cases as one batch: the first guard that
asks for a fact of one of them reads it for all of them in one query, and the others take it
from there. The case page marks its one case so (several guards and sections ask the same).

Only pages that draw mark their cases, and only for the request: a service taking a step
fetches its case afresh, not in a batch, and reads as before — nothing a step decides on is
ever read from an earlier load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanxiang.cases.models import Case

# A loader reads a fact for many cases at once: the cases in, the fact by case id out (a case
# missing from the answer has None).
Loader = Callable[[Sequence["Case"]], dict[int, Any]]


class CaseBatch:
    def __init__(self, cases: Sequence[Case]) -> None:
        self.cases = list(cases)
        self._facts: dict[str, dict[int, Any]] = {}

    def fact(self, name: str, case: Case, load: Loader) -> Any:
        """``name`` of ``case``, read for the whole batch with ``load`` on first need."""
        if name not in self._facts:
            self._facts[name] = load(self.cases)
        return self._facts[name].get(case.pk)


def read_together(cases: Sequence[Case]) -> None:
    """Mark ``cases`` as one batch (see the module's docstring)."""
    batch = CaseBatch(cases)
    for case in cases:
        case._batch = batch  # type: ignore[attr-defined]


def batch_of(case: Case) -> CaseBatch | None:
    """The batch ``case`` was read in, or None (then read its facts one by one)."""
    return getattr(case, "_batch", None)


def first_by_case(rows: Sequence[Any]) -> dict[int, Any]:
    """Rows in the order ``.first()`` would take them: each case's first row."""
    found: dict[int, Any] = {}
    for row in rows:
        found.setdefault(row.case_id, row)
    return found


def by_agency(cases: Sequence[Case], rows: Sequence[Any]) -> dict[int, Any]:
    """Each case's agency's rows, in their order (``rows`` carry ``agency_id``)."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.agency_id, []).append(row)
    return {case.pk: grouped.get(case.agency_id, []) for case in cases}
