"""The demo's own clock: ``sanxiang demo`` replays a year of work at the moments it happened.

The services read the time from ``django.utils.timezone.now`` (directly, or through
``localdate``/``localtime``, and Django's ``auto_now`` fields), never from a ``now`` argument.
To record a case opened last March *in* last March, demo generation — and nothing else — replaces
that one function while it runs and puts it back afterwards. The replacement ticks forward from
the moment set, so ledger events keep their order; moments are only ever moved forward.
This is a demo tool, not a test dependency (time_machine is one, and is not installed in
production); it never runs in a served process.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.utils import timezone


class DemoClock:
    """A clock set to a past moment that ticks on in real time from there."""

    def __init__(self, start: datetime) -> None:
        self._at = start
        self._set = time.monotonic()

    def now(self) -> datetime:
        # In UTC, as ``timezone.now`` gives it: a digest taken over a row's datetime before it
        # is saved (``record_digest``) must equal one taken over the row read back.
        return (self._at + timedelta(seconds=time.monotonic() - self._set)).astimezone(UTC)

    def set(self, moment: datetime) -> None:
        """Move to ``moment``, or stay where the clock already is if that is later (so the
        ledger's recorded times never run backwards)."""
        self._at = max(moment, self.now())
        self._set = time.monotonic()


@contextmanager
def demo_clock(start: datetime) -> Iterator[DemoClock]:
    """Within the block, ``timezone.now()`` reads ``DemoClock`` (for demo generation only)."""
    clock = DemoClock(start)
    original = timezone.now
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = original
