"""Working days (工作日) for every legal deadline.

行政处罚法第八十五条: "二日""三日""五日""七日" mean working days, excluding statutory holidays;
the publication deadlines of 国办发〔2018〕118号 (7 and 20 working days) and the 3-working-day
withdrawal (第四十八条) count the same way.

A day is a working day according to, in order:

1. an administrator's override (``CalendarDay``), for local corrections and new years;
2. the State Council schedules shipped in the ``chinesecalendar`` package (holidays and the
   weekend days declared working days, 调休上班);
3. Monday to Friday, but only for a year that is *known*: covered by the package, or declared
   complete by an administrator (``CalendarYear``).

A date in any other year raises :class:`CalendarYearUnknownError`. Guessing "weekends only"
would silently shorten or lengthen a statutory deadline, so the strict methods fail closed.

At the year boundary (from mid-December, before next year's schedule is entered) the work must
not stop, so :meth:`WorkdayCalendar.add_workdays_provisional` counts the unknown part Monday to
Friday and says so: it returns a :class:`Due` whose ``provisional`` flag is set. Callers that
store such a date record it (``core.services.provisional_deadline_note``), show it as 暂定 and
have it recomputed when the year is entered. Callers that must not guess keep
:meth:`WorkdayCalendar.add_workdays`.

The provisional date is never later than the real one, with one exception. The real schedule
of the unknown part removes working days (holidays on weekdays: 元旦, 春节 ...), which only
moves the real date later, and adds working days (调休上班: a Saturday or Sunday declared a
working day), which moves it earlier. A window that holds more 调休上班 weekend days than
weekday holidays therefore ends earlier in reality than provisionally — e.g. a window that
reaches the working Sunday before 春节 but stops before the festival, in a year whose 1 January
falls on a weekend. The State Council pairs every 调休上班 day with a longer holiday around it,
so the difference is at most the one or two working days of that pairing. We did not make the
guess more pessimistic (that would be a guess of a different kind); instead the recompute
on entering the year logs a warning, and records in the ledger, every date that moved
*earlier*, so the office can check those few deadlines at once (docs/operations/calendar.md).

``WorkdayCalendar`` is the pure core (no database); the module functions build one from the
package and the override tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar

from sanxiang.errors import DomainError

_ONE_DAY = timedelta(days=1)


class CalendarYearUnknownError(DomainError):
    """The official holiday schedule of ``year`` is not known to this installation."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日安排尚未录入，无法按工作日计算期限。"
            f"请系统管理员按国务院办公厅公布的《关于{year}年部分节假日安排的通知》，"
            f"在“管理后台 › 基础设置 › 节假日安排年度”中录入该年度（含调休上班日），"
            f"或运行 sanxiang workdays import-year 导入后重试。",
            log_message=(
                f"no working-day schedule known for year {year}: enter the State Council "
                f"schedule as CalendarYear {year} with its CalendarDay rows (admin, or "
                f"`sanxiang workdays import-year FILE --year {year} --source ...`)"
            ),
        )


@dataclass(frozen=True)
class Due:
    """A computed due date; ``provisional`` when part of the count fell in a year whose
    schedule is not known and was counted Monday to Friday (暂定)."""

    on: date
    provisional: bool = False


@dataclass(frozen=True)
class WorkdayCalendar:
    """Which days are working days, for a fixed set of known years.

    ``exceptions`` maps the dates that differ from Monday-to-Friday (holidays that fall on
    weekdays, weekend days that are working days) to whether they are working days.
    """

    years: frozenset[int]
    exceptions: Mapping[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day; raises for a day in an unknown year."""
        if day.year not in self.years:
            raise CalendarYearUnknownError(day.year)
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted.

        行政处罚法第八十五条 counts a period of working days from the day after the event, so
        "within 7 working days of the decision" ends on ``add_workdays(decided_on, 7)``.
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of working days, got {n}")
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def is_workday_provisional(self, day: date) -> bool:
        """Like :meth:`is_workday`, but a day of an unknown year is a working day when it is a
        Monday to Friday (an administrator's override for that day, if any, still wins)."""
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5

    def add_workdays_provisional(self, start: date, n: int) -> Due:
        """The ``n``-th working day after ``start``, counting the days of unknown years Monday
        to Friday; ``provisional`` says whether any counted day needed that guess.

        Equal to :meth:`add_workdays` (and not provisional) whenever every day counted lies in
        a known year. See the module docstring for when the guess can be later than the real
        date.
        """
        if n < 1:
            raise ValueError(f"n must be a positive number of working days, got {n}")
        day = start
        remaining = n
        guessed = False
        while remaining:
            day += _ONE_DAY
            if day.year not in self.years:
                guessed = True
            if self.is_workday_provisional(day):
                remaining -= 1
        return Due(on=day, provisional=guessed)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        ``workdays_between(d, add_workdays(d, n)) == n``. When ``end`` is before ``start``
        the count is negative: -workdays_between(end, start).
        """
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def workdays_between_provisional(self, start: date, end: date) -> int:
        """Like :meth:`workdays_between`, counting the days of unknown years Monday to Friday:
        for figures that only describe (a turnaround in working days), never for a limit."""
        if end < start:
            return -self.workdays_between_provisional(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_workday_provisional(day):
                count += 1
        return count


@cache
def package_calendar() -> WorkdayCalendar:
    """The State Council schedules shipped in ``chinesecalendar`` (2004 to its last year)."""
    exceptions: dict[date, bool] = {}
    for day in chinese_calendar.holidays:
        exceptions[day] = False
    for day in chinese_calendar.workdays:
        exceptions[day] = True
    years = frozenset(day.year for day in exceptions)
    return WorkdayCalendar(years=years, exceptions=exceptions)


def merge_overrides(
    base: WorkdayCalendar, *, years: Iterable[int], overrides: Mapping[date, bool]
) -> WorkdayCalendar:
    """``base`` plus administrator-declared years and day overrides (overrides win)."""
    years = frozenset(years)
    if not years and not overrides:
        return base
    exceptions = dict(base.exceptions)
    exceptions.update(overrides)
    return WorkdayCalendar(years=base.years | years, exceptions=exceptions)
