"""Apps above ``review`` that must know of a 法制审核 step register here (e.g. the
notifications tell the handlers that their case came back). Like the case steps' observers
(``cases/workflow/observers.py``): an observer runs inside the step's transaction, after the
review's new state was saved and before its ledger record; if one raises, the step rolls back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer
    from sanxiang.review.models import Review

Observer = Callable[["Review", "Case", "Officer", str], None]

_observers: dict[str, Observer] = {}


def register(name: str, observer: Observer) -> None:
    """Add (or replace, by name) an observer of every review step."""
    _observers[name] = observer


def notify(review: Review, case: Case, actor: Officer, action: str) -> None:
    for observer in list(_observers.values()):
        observer(review, case, actor, action)
