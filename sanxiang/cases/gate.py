"""The 法制审核 gate: how the case workflow asks the legal-review app, which sits above it.

Cases may not import ``review`` (imports point downward, DESIGN.md), yet a decision in the
review catalogue must wait for a passed review. The review app installs its answers here when
Django starts (``ReviewConfig.ready``). Until something is installed the gate is *closed*:
every case needs review and no review passes, so a missing app can never open the way to a
decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db.models import Q

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer


@dataclass(frozen=True)
class ReviewNeed:
    """Whether a case needs 法制审核, and why (the catalogue rules that matched)."""

    required: bool
    reason: str


class ReviewGate(Protocol):
    def need(self, case: Case) -> ReviewNeed:
        """Whether the case, as it stands, is in the agency's review catalogue."""

    def refusal(self, case: Case, actor: Officer, step: str) -> str | None:
        """Why the review step ``step`` may not be recorded on the case now, or None."""

    def scope(self, officer: Officer) -> Q:
        """Cases the officer may read because they were sent to him for review."""

    def on_transition(self, case: Case, actor: Officer, action: str) -> None:
        """Called inside the transaction of every case step, after its guards passed."""


class ClosedGate:
    """The gate with no review app behind it: review is always needed and never passed."""

    def need(self, case: Case) -> ReviewNeed:
        return ReviewNeed(True, "法制审核模块未启用，按须经法制审核处理")

    def refusal(self, case: Case, actor: Officer, step: str) -> str | None:
        return "法制审核模块未启用；未经法制审核或者审核未通过的，不得作出决定"

    def scope(self, officer: Officer) -> Q:
        return Q(pk__in=[])

    def on_transition(self, case: Case, actor: Officer, action: str) -> None:
        return None


_gate: ReviewGate = ClosedGate()


def install(gate: ReviewGate) -> None:
    global _gate
    _gate = gate


def review_gate() -> ReviewGate:
    return _gate
