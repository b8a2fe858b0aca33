"""The kinds of background work, by name (each app registers its own from its
``AppConfig.ready``), and running one: see ``core.background`` for where it runs."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

TASKS: dict[str, Callable[..., object]] = {}

# The queue's attempt at the work now running in this thread (0: the first, or no queue).
_attempt: ContextVar[int] = ContextVar("sanxiang_background_attempt", default=0)


def register(name: str, function: Callable[..., object]) -> None:
    """Make ``function`` runnable as background work called ``name`` (keyword arguments:
    JSON values only, since a queue stores them)."""
    TASKS[name] = function


def attempt() -> int:
    """Which attempt of the queue the current work is: 0 the first, 1 the first retry…"""
    return _attempt.get()


def run(name: str, arguments: dict[str, Any], *, attempt_number: int = 0) -> object:
    """Run registered work now (a worker thread or a queue's worker)."""
    token = _attempt.set(attempt_number)
    try:
        return TASKS[name](**arguments)
    finally:
        _attempt.reset(token)
