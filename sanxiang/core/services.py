"""Writes to the calendar tables."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.signals import calendar_year_entered
from sanxiang.core.workdays import package_calendar
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import SYSTEM, ledger_append, sha256_hex

_TRUE = {"是", "工作日", "上班", "1", "true", "yes", "y"}
_FALSE = {"否", "休息日", "放假", "0", "false", "no", "n"}


@dataclass(frozen=True)
class ScheduleDay:
    """One line of a year's schedule: a holiday or a weekend working day."""

    day: date
    is_workday: bool
    note: str


def parse_schedule_csv(text: str) -> list[ScheduleDay]:
    """Parse ``日期,是否工作日,说明`` lines (header optional).

    Any bad line refuses the whole file, with every bad line named.
    """
    rows: list[ScheduleDay] = []
    problems: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip() in {"日期", "date"}:
            continue
        if len(row) < 3:
            problems.append(f"第 {number} 行：应有“日期,是否工作日,说明”三列。")
            continue
        raw_day, raw_flag, note = (cell.strip() for cell in row[:3])
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            problems.append(f"第 {number} 行：日期“{raw_day}”格式不正确，应为 YYYY-MM-DD。")
            continue
        if raw_flag.lower() in _TRUE:
            flag = True
        elif raw_flag.lower() in _FALSE:
            flag = False
        else:
            problems.append(f"第 {number} 行：是否工作日应填“是”或“否”，而不是“{raw_flag}”。")
            continue
        if not note:
            problems.append(f"第 {number} 行：请填写说明（如“春节”“调休上班”）。")
            continue
        rows.append(ScheduleDay(day=day, is_workday=flag, note=note))
    if problems:
        raise DomainError("\n".join(problems), log_message=f"schedule file refused: {problems}")
    return rows


@transaction.atomic
def calendar_year_import(
    *, year: int, source: str, days: list[ScheduleDay], actor: str = SYSTEM
) -> CalendarYear:
    """Declare ``year`` known, with its holidays and weekend working days, all or nothing."""
    if year in package_calendar().years:
        raise DomainError(
            f"{year} 年的国务院节假日安排已随系统提供，无需导入。",
            log_message=f"year {year} is already in the chinesecalendar package",
        )
    if not source.strip():
        raise DomainError(
            "请注明依据（国务院办公厅通知名称及文号）。", log_message="source missing"
        )
    if CalendarYear.objects.filter(year=year).exists():
        raise DomainError(
            f"{year} 年已录入；如需更正，请在管理后台逐日修改。",
            log_message=f"CalendarYear {year} exists",
        )
    outside = [d.day for d in days if d.day.year != year]
    if outside:
        raise DomainError(
            f"文件中有不属于 {year} 年的日期：{'、'.join(map(str, outside))}。",
            log_message=f"dates outside {year}: {outside}",
        )
    seen: set[date] = set()
    for entry in days:
        if entry.day in seen:
            raise DomainError(f"日期 {entry.day} 重复出现。", log_message=f"duplicate {entry.day}")
        seen.add(entry.day)
    if not any(not entry.is_workday for entry in days):
        raise DomainError(
            "文件中没有任何放假日期，不像是一份节假日安排，请核对。",
            log_message=f"schedule for {year} has no holidays",
        )
    existing = set(CalendarDay.objects.filter(date__in=seen).values_list("date", flat=True))
    if existing:
        raise DomainError(
            f"以下日期已有调整记录：{'、'.join(map(str, sorted(existing)))}，请先核对。",
            log_message=f"CalendarDay rows exist for {sorted(existing)}",
        )
    record = CalendarYear(year=year, source=source.strip())
    record.full_clean()
    record.save()
    ordered = sorted(days, key=lambda entry: entry.day)
    schedule = [[entry.day.isoformat(), entry.is_workday, entry.note] for entry in ordered]
    ledger_append(
        actor=actor,
        action="core.calendaryear.imported",
        object_type="core.calendaryear",
        object_id=record.pk,
        content_sha256=sha256_hex(canonical_json({"source": record.source, "days": schedule})),
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(date=e.day, is_workday=e.is_workday, note=e.note, source=source.strip())
        for e in days
    )
    calendar_year_entered.send(sender=CalendarYear, year=year, actor=actor)
    return record
