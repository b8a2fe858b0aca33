"""Reads of the calendar tables: the installation's working-day calendar (the package's
schedules merged with what administrators entered) and the provisional (暂定) marks.

``core.workdays`` is the pure calendar arithmetic; it reads no table.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.db import connections, models, router
from django.utils.functional import SimpleLazyObject

from sanxiang.core.models import CalendarDay, CalendarYear, ProvisionalDeadline
from sanxiang.core.workdays import Due, WorkdayCalendar, merge_overrides, package_calendar


def provisional_marks(object_type: str) -> set[tuple[int, str]]:
    """``(object_id, field)`` of the stored provisional (暂定) due dates of ``object_type``,
    e.g. ``"review.review"``: one query, for a whole page of rows."""
    return set(
        ProvisionalDeadline.objects.filter(object_type=object_type).values_list(
            "object_id", "field"
        )
    )


def is_provisional(instance: models.Model, field: str) -> bool:
    """Whether ``instance.<field>`` is a provisional (暂定) due date."""
    return ProvisionalDeadline.objects.filter(
        object_type=instance._meta.label_lower, object_id=instance.pk, field=field
    ).exists()


def calendar_rows() -> tuple[list[int], dict[date, bool]]:
    """The entered years (``CalendarYear.year``) and the day overrides (``CalendarDay``:
    date → is_workday), read in one query.

    Hand-written: the two small tables are read on every page that counts working days (the
    case page among them), and the ORM cannot read two unrelated tables in one query. The
    values pass through the ORM's converters for the columns' fields (SQLite keeps dates as
    text and booleans as integers).
    """
    connection = connections[router.db_for_read(CalendarDay)]
    quote = connection.ops.quote_name
    day, is_workday = CalendarDay._meta.get_field("date"), CalendarDay._meta.get_field("is_workday")
    year = CalendarYear._meta.get_field("year")
    sql = (
        f"SELECT {quote(day.column)}, {quote(is_workday.column)}, NULL"  # noqa: S608 - our table
        f" FROM {quote(CalendarDay._meta.db_table)}"
        f" UNION ALL SELECT NULL, NULL, {quote(year.column)}"
        f" FROM {quote(CalendarYear._meta.db_table)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    day_col = day.get_col(CalendarDay._meta.db_table)
    flag_col = is_workday.get_col(CalendarDay._meta.db_table)
    to_day = connection.ops.get_db_converters(day_col) + day_col.get_db_converters(connection)
    to_flag = connection.ops.get_db_converters(flag_col) + flag_col.get_db_converters(connection)
    years: list[int] = []
    overrides: dict[date, bool] = {}
    for day_value, flag, year_value in rows:
        if year_value is not None:
            years.append(int(year_value))
            continue
        for converter in to_day:
            day_value = converter(day_value, day_col, connection)
        for converter in to_flag:
            flag = converter(flag, flag_col, connection)
        overrides[day_value] = bool(flag)
    return years, overrides


def get_calendar() -> WorkdayCalendar:
    """The installation's calendar: the package's schedules and the override tables.

    One small query per call; code computing many deadlines at once should call this once
    and use the returned calendar's methods.
    """
    years, overrides = calendar_rows()
    return merge_overrides(package_calendar(), years=years, overrides=overrides)


def lazy_calendar() -> WorkdayCalendar:
    """``get_calendar()``, read the first time one of its methods is called: for a page that
    may or may not count working days (the case page's guards count them in some states)."""
    return cast(WorkdayCalendar, SimpleLazyObject(get_calendar))


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day in this installation's calendar."""
    return get_calendar().is_workday(day)


def add_workdays(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` not counted)."""
    return get_calendar().add_workdays(start, n)


def workdays_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return get_calendar().workdays_between(start, end)


def add_workdays_provisional(start: date, n: int) -> Due:
    """The ``n``-th working day after ``start``, provisional where a year is not known."""
    return get_calendar().add_workdays_provisional(start, n)


def next_year_missing(today: date) -> int | None:
    """Next year, when ``today`` is on or after 1 November and next year's schedule is not
    known yet (the office then reminds administrators to enter it); else None."""
    if today.month < 11:
        return None
    year = today.year + 1
    if year in package_calendar().years:
        return None
    return None if CalendarYear.objects.filter(year=year).exists() else year
