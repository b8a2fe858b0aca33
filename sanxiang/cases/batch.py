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

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import prefetch_related_objects

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


# A relation's lookups: what ``prefetch_related_objects`` takes to load it for many cases.
Lookups = dict[str, tuple[Any, ...]]
# How ``relations_on_demand`` reads each relation for many cases: its lookups, or a function
# that puts the rows in each case's ``_prefetched_objects_cache`` itself.
Relations = Mapping[str, tuple[Any, ...] | Callable[[list["Case"]], None]]


class _Relations:
    """The relations of one batch of cases not read yet, and how to read each for all."""

    def __init__(self, cases: Sequence[Case], lookups: Relations) -> None:
        self.cases = list(cases)
        self.lookups = lookups
        self.loading: set[str] = set()
        self.loaded: set[str] = set()

    def load(self, name: str) -> bool:
        """Read ``name`` for every case of the batch; False when it is not one of the batch's
        relations, or is being read right now (Django asks the cache while it fills it)."""
        if name not in self.lookups or name in self.loading or name in self.loaded:
            return False
        self.loading.add(name)
        how = self.lookups[name]
        try:
            if callable(how):
                how(self.cases)
            else:
                prefetch_related_objects(self.cases, *how)
        finally:
            self.loading.discard(name)
        self.loaded.add(name)
        return True


class RelationsOnDemand(dict[str, Any]):
    """A case's ``_prefetched_objects_cache`` (where Django keeps the rows
    ``prefetch_related`` read) that reads a relation for the whole batch the first time one
    case's is asked for.

    The 工作台 asks the engine about its candidates; which relations the guards read depends on
    the steps open to the officer in each case's state and on the first guard that refuses
    (a 承办人's candidates never reach the guards that read the legal basis, a 负责人's rarely
    those that read 执行 records). Reading every relation up front cost a query each for rows
    nobody looked at; reading each case's on its own would cost a query per case. Here a
    relation no guard reads is never read, and one that any guard reads costs one query.

    Django's related managers look their rows up with ``cache[name]`` (a miss lands in
    ``__missing__``); ``documents_of`` and ``GuardContext.handlers`` use ``.get``, which
    does the same here. ``name in cache`` does not read (Django's ``prefetch_related_objects``
    asks it to learn what is loaded already).
    """

    def __init__(self, relations: _Relations) -> None:
        super().__init__()
        self._relations = relations

    def __missing__(self, name: str) -> Any:
        if self._relations.load(name) and dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default


def relations_on_demand(cases: Sequence[Case], lookups: Relations) -> None:
    """Let ``cases`` read each relation in ``lookups`` for all of them, on first need (see
    ``RelationsOnDemand``). For pages that draw, like ``read_together``."""
    relations = _Relations(cases, lookups)
    for case in cases:
        case._prefetched_objects_cache = RelationsOnDemand(relations)  # type: ignore[attr-defined]
