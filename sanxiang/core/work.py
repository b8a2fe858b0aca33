"""The kinds of background work, by name (each app registers its own from its
``AppConfig.ready``), and running one: see ``core.background`` for where it runs."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

TASKS: dict[str, Callable[..., object]] = {}
# Called with the work's arguments when the queue gives the work up (its workers kept dying).
ABANDONED: dict[str, Callable[..., object]] = {}
# Work run on a schedule by the job queue's workers (name -> cron line); without the queue an
# operator's cron or timer runs the matching command instead (docs/operations/jobs.md).
PERIODIC: dict[str, str] = {}

# The queue's attempt at the work now running in this thread (0: the first, or no queue).
_attempt: ContextVar[int] = ContextVar("sanxiang_background_attempt", default=0)


def register(
    name: str,
    function: Callable[..., object],
    *,
    on_abandoned: Callable[..., object] | None = None,
    cron: str = "",
) -> None:
    """Make ``function`` runnable as background work called ``name`` (keyword arguments:
    JSON values only, since a queue stores them). ``on_abandoned`` (same arguments) is called
    when the queue stops trying (its worker died at every run), to say so to whoever waits.
    ``cron`` (``"17 3 * * *"``): the queue's workers also run it, without arguments, on that
    schedule (once per tick across all workers)."""
    TASKS[name] = function
    if cron:
        PERIODIC[name] = cron
    if on_abandoned is not None:
        ABANDONED[name] = on_abandoned


def abandoned(name: str, arguments: dict[str, Any]) -> None:
    """The queue gave up the work ``name`` with these arguments."""
    function = ABANDONED.get(name)
    if function is not None:
        function(**arguments)


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
