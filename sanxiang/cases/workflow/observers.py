"""Apps above ``cases`` that must act inside a case step's or record's transaction register
here (e.g. 执法公示 marks a publication's withdrawal due when a 复议决定 revokes the decision;
opening the publication itself is a declared effect, ``effects.OpenPublication``). Observers run
after the step's guards passed and its changes were saved; if one raises, the step rolls back,
so nothing the law requires to follow a decision can be lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer

Observer = Callable[["Case", "Officer", str], None]

_observers: dict[str, Observer] = {}


def register(name: str, observer: Observer) -> None:
    """Add (or replace, by name) an observer of every case step."""
    _observers[name] = observer


def notify(case: Case, actor: Officer, action: str) -> None:
    for observer in list(_observers.values()):
        observer(case, actor, action)
