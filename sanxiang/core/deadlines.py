"""Legal time limits as typed values: a deadline always names its clock and its basis.

行政处罚法第八十五条: 二日、三日、五日、七日 are working days; other periods (九十日 for deciding,
十五日 for paying) are calendar days. Writing ``WorkingDays(7)`` or ``CalendarDays(90)`` — never a
bare number — keeps that distinction in the code, where a reviewer can check it against the
statute (DESIGN.md rule 2).

A period runs from the day after its starting event ("期间开始的日，不计算在期间内"), so a
decision made on day D must be served by ``WorkingDays(7).due(D)``.
"""

from __future__ import annotations

import calendar as calendar_module
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from sanxiang.core.workdays import CalendarYearUnknownError, Due, WorkdayCalendar

logger = logging.getLogger(__name__)

# How often one process repeats the WARNING for the same missing year. A case page computes
# several period ends: in December, with next year not yet entered, every page view would
# otherwise log the same warning several times. The repeats go to DEBUG.
UNROLLED_WARNING_EVERY_SECONDS = 3600.0
_unrolled_warned: dict[int, float] = {}
_unrolled_lock = threading.Lock()
_clock = time.monotonic  # tests move it


def _log_unrolled(exc: CalendarYearUnknownError) -> None:
    """The warning that a period end was not rolled: once per missing year per process per
    ``UNROLLED_WARNING_EVERY_SECONDS``, at DEBUG in between."""
    year = exc.year
    now = _clock()
    with _unrolled_lock:
        last = _unrolled_warned.get(year)
        due = last is None or now - last >= UNROLLED_WARNING_EVERY_SECONDS
        if due:
            _unrolled_warned[year] = now
    level = logging.WARNING if due else logging.DEBUG
    logger.log(level, "period end not rolled past holidays: %s", exc.log_message)


@dataclass(frozen=True)
class WorkingDays:
    """A period counted in working days (行政处罚法第八十五条)."""

    days: int

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"a period needs at least one day, got {self.days}")

    def due(self, start: date, calendar: WorkdayCalendar) -> date:
        return calendar.add_workdays(start, self.days)

    def due_provisional(self, start: date, calendar: WorkdayCalendar) -> Due:
        """The end, counted Monday to Friday where a year's schedule is unknown (暂定)."""
        return calendar.add_workdays_provisional(start, self.days)

    def __str__(self) -> str:
        return f"{self.days}个工作日"


@dataclass(frozen=True)
class CalendarDays:
    """A period counted in calendar days (自然日).

    Holidays inside the period count, but a period whose last day is a 法定休假日 (a weekend or
    holiday that is not an adjusted working day) ends on the next working day: 民事诉讼法第八十五条
    第三款, which 行政诉讼法第一百零一条 applies to administrative cases and which practice borrows
    for the 行政处罚法's own periods (it has no counting rule of its own). ``rolls=False`` is for a
    limit that is really counted in hours (行政强制法第十九条: 二十四小时).

    The roll needs the holiday schedule of the last day's year. Where that year is not entered
    yet, the unrolled date is returned — never later than the true end, so the agency's own
    limits are at worst shown early, not missed — and a warning is logged. For the party's
    periods early is against him, so entering the year (``sanxiang workdays import-year``) moves
    the stored 缴款期限 that end in it (``cases.services.payment_deadlines_recompute``).
    """

    days: int
    rolls: bool = True

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"a period needs at least one day, got {self.days}")

    def due(self, start: date, calendar: WorkdayCalendar | None = None) -> date:
        end = start + timedelta(days=self.days)
        if not self.rolls or calendar is None:
            return end
        try:
            while not calendar.is_workday(end):
                end += timedelta(days=1)
        except CalendarYearUnknownError as exc:
            _log_unrolled(exc)
            return start + timedelta(days=self.days)
        return end

    def __str__(self) -> str:
        return f"{self.days}日"


@dataclass(frozen=True)
class Months:
    """A period counted in months (行政诉讼法第四十六条 六个月, 行政强制法第五十三条 三个月): it
    ends on the same day of the month ``months`` later, or on that month's last day if it is
    shorter, and, like ``CalendarDays``, a last day that is a 法定休假日 moves to the next
    working day (民事诉讼法第八十五条第三款 via 行政诉讼法第一百零一条); unrolled, with a
    warning, where that year's holiday schedule is not entered yet."""

    months: int

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError(f"a period needs at least one month, got {self.months}")

    def due(self, start: date, calendar: WorkdayCalendar | None = None) -> date:
        index = start.month - 1 + self.months
        year, month = start.year + index // 12, index % 12 + 1
        end = date(year, month, min(start.day, calendar_module.monthrange(year, month)[1]))
        if calendar is None:
            return end
        rolled = end
        try:
            while not calendar.is_workday(rolled):
                rolled += timedelta(days=1)
        except CalendarYearUnknownError as exc:
            _log_unrolled(exc)
            return end
        return rolled

    def __str__(self) -> str:
        return f"{self.months}个月"


Period = WorkingDays | CalendarDays | Months


@dataclass(frozen=True)
class Deadline:
    """A time limit of a step: its period, from which event, and the law that sets it."""

    period: Period
    starts: str  # the event the period runs from, e.g. "立案之日"
    basis: str  # e.g. "行政处罚法第六十条"

    def due(self, start: date, calendar: WorkdayCalendar) -> date:
        return self.period.due(start, calendar)

    def due_provisional(self, start: date, calendar: WorkdayCalendar) -> Due:
        """Working-day periods: possibly provisional (see ``WorkingDays.due_provisional``);
        other periods are never provisional here (they fall back on their own)."""
        if isinstance(self.period, WorkingDays):
            return self.period.due_provisional(start, calendar)
        return Due(on=self.period.due(start, calendar))

    def __str__(self) -> str:
        return f"自{self.starts}起{self.period}（{self.basis}）"
