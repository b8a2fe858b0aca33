"""A case's state as the ledger records it with every event about the case.

One recipe, used by ``ledger_append`` when a service records an event and by ``sanxiang ledger
verify`` when it recomputes the digest from the database: the case's columns, its handlers and
articles, and its parties with all their columns. An edit made in the database — the state, the
fine, the facts, a party's name — no longer matches the case's latest event.
"""

from __future__ import annotations

from typing import Any

from sanxiang.cases.workflow.states import LEGACY_REVIEW_STATES
from sanxiang.ledger.state import columns, register_state_recipe

# Left out: ``updated_at`` changes with every save, and the current step's due date is derived
# from the recorded dates and the calendar (and moved without an event when a payment follows).
DERIVED = ("updated_at", "step_due_on", "step_due_basis")
# Facts of the steps (``cases.facts``): each is what a step's event records, and ``verify`` checks
# it against that event; left out so that the cases recorded before the columns still match.
STEP_FACT_COLUMNS = ("hearing_held_on", "registered_by", "closed_by")
# Columns added later that are part of the state only once set: a case recorded before the
# column existed (its value empty) still matches its events.
LATER_COLUMNS = ("violation_place", "handlers_drawn", "discretion_violation_id")


def case_state(case: Any) -> dict[str, object]:
    """The canonical state of ``case`` and of the rows that belong to it (JSON-ready)."""
    # ``.all()``: ``verify`` prefetches these relations for a chunk of cases (``RELATED``).
    own = columns(case, exclude=DERIVED + STEP_FACT_COLUMNS)
    for name in LATER_COLUMNS:
        if own.get(name) in ("", None, False):
            own.pop(name, None)
    return {
        **own,
        "handlers": sorted(row.pk for row in case.handlers.all()),
        "violated_articles": sorted(row.pk for row in case.violated_articles.all()),
        "penalty_articles": sorted(row.pk for row in case.penalty_articles.all()),
        "parties": [columns(party) for party in sorted(case.parties.all(), key=_pk)],
    }


RELATED = ("handlers", "violated_articles", "penalty_articles", "parties")
# 法制审核 became a sub-process (migration ``cases/0021``): a case that was in one of these
# states is now in ``under_review``, and its events from before still carry the old name.
RENAMED = {"state": {"under_review": tuple(LEGACY_REVIEW_STATES)}}


def _pk(row: Any) -> Any:
    return row.pk


def register_case_state() -> None:
    from sanxiang.cases.models import Case

    register_state_recipe(
        "cases.case", rows=lambda: Case.objects.all(), document=case_state, related=RELATED,
        renamed=RENAMED,
    )  # fmt: skip
