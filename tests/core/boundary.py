"""A calendar that does not know next year, whatever ``chinesecalendar`` version is installed.

The year-boundary tests pin the clock to late 2026 and need 2027 to be unknown; a future
package that ships 2027 must not make them pass vacuously, so the package's calendar is cut
after ``LAST_KNOWN`` instead of relying on what it happens to know today.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import sanxiang.core.services as core_services
from sanxiang.core import workdays
from sanxiang.core.workdays import WorkdayCalendar

LAST_KNOWN = 2026
UNKNOWN = LAST_KNOWN + 1
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def calendar_up_to(last: int) -> WorkdayCalendar:
    """The package's schedules for the years up to ``last`` only."""
    real = workdays.package_calendar()
    assert last in real.years, f"the package no longer ships {last}"
    return WorkdayCalendar(
        years=frozenset(y for y in real.years if y <= last),
        exceptions={d: w for d, w in real.exceptions.items() if d.year <= last},
    )


@pytest.fixture
def next_year_unknown(monkeypatch: pytest.MonkeyPatch) -> int:
    """``UNKNOWN`` (2027) has no schedule in this installation; returns it."""
    cut = calendar_up_to(LAST_KNOWN)
    monkeypatch.setattr(workdays, "package_calendar", lambda: cut)
    monkeypatch.setattr(core_services, "package_calendar", lambda: cut)
    return UNKNOWN
