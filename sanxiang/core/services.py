"""Writes to the calendar tables."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import models, transaction

from sanxiang.core.events import CoreEvent, calendar_year_imported, provisional_deadline_event
from sanxiang.core.models import CalendarDay, CalendarYear, ProvisionalDeadline
from sanxiang.core.signals import calendar_year_entered
from sanxiang.core.workdays import CalendarYearUnknownError, Due, get_calendar, package_calendar
from sanxiang.errors import DomainError
from sanxiang.ledger.services import SYSTEM

logger = logging.getLogger(__name__)

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
    calendar_year_imported(record, actor=actor, schedule=schedule)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=e.day, is_workday=e.is_workday, note=e.note, source=source.strip())
        for e in days
    )
    calendar_schedule_entered(year=year, actor=actor)
    return record


def calendar_schedule_entered(*, year: int, actor: str) -> None:
    """After ``year``'s schedule was entered (``workdays import-year`` or the 管理后台): tell
    the apps above (``calendar_year_entered``: the 缴款期限) and recompute every stored
    provisional working-day due date (``provisional_deadlines_recompute``), in the caller's
    transaction."""
    with transaction.atomic():
        calendar_year_entered.send(sender=CalendarYear, year=year, actor=actor)
        provisional_deadlines_recompute(actor=actor)


# --- provisional (暂定) working-day due dates -----------------------------------------------


def provisional_deadline_note(
    *,
    instance: models.Model,
    field: str,
    start: date,
    workdays: int,
    due: Due,
    actor: str,
    agency_id: int | None = None,
) -> None:
    """Record whether ``instance.<field>``, just set to ``due.on``, is provisional.

    Call it in the transaction that saves the date, after the save. A provisional date gets
    (or replaces) its row, a ledger event ``core.provisionaldeadline.recorded``; an exact date
    removes a row left from an earlier provisional value of the same field.
    """
    object_type = instance._meta.label_lower
    if not due.provisional:
        provisional_deadline_clear(instance=instance, field=field)
        return
    with transaction.atomic():
        row, _ = ProvisionalDeadline.objects.update_or_create(
            object_type=object_type,
            object_id=instance.pk,
            field=field,
            defaults={"start": start, "workdays": workdays, "due_on": due.on},
        )
        provisional_deadline_event(
            row, CoreEvent.PROVISIONAL_RECORDED, due_on=due.on, actor=actor, agency_id=agency_id
        )
    logger.info(
        "%s %s: %s=%s is provisional (%s working days from %s, a year's schedule unknown)",
        object_type, instance.pk, field, due.on, workdays, start,
    )  # fmt: skip


def provisional_deadline_clear(*, instance: models.Model, field: str) -> None:
    """``instance.<field>`` now holds an exact date (or none): drop its 暂定 mark, if any."""
    ProvisionalDeadline.objects.filter(
        object_type=instance._meta.label_lower, object_id=instance.pk, field=field
    ).delete()


def provisional_deadlines_recompute(*, actor: str) -> list[tuple[str, int, str, date, date]]:
    """Recompute every stored provisional due date that the calendar can now count exactly,
    write it to its owner and drop the 暂定 mark, each change a ledger event
    (``core.provisionaldeadline.recomputed``), all in one transaction.

    A date whose owner no longer holds the provisional value (the step moved on and a new date
    was written) is only unmarked. A date that comes out *earlier* than the provisional one
    (调休上班 weekend days in its window, see ``core.workdays``) is logged as a warning so the
    office can check it. Returns ``(object_type, object_id, field, old, new)`` per change.
    """
    calendar = get_calendar()
    changed: list[tuple[str, int, str, date, date]] = []
    with transaction.atomic():
        rows = ProvisionalDeadline.objects.select_for_update().order_by("pk")
        for row in rows:
            try:
                exact = calendar.add_workdays(row.start, row.workdays)
            except CalendarYearUnknownError:
                continue  # still reaches a year nobody has entered
            model = apps.get_model(row.object_type)
            owner = model._default_manager.filter(pk=row.object_id).first()
            row.delete()
            if owner is None or getattr(owner, row.field) != row.due_on:
                logger.info(
                    "%s %s: %s no longer holds the provisional %s; mark dropped",
                    row.object_type, row.object_id, row.field, row.due_on,
                )  # fmt: skip
                continue
            if exact != row.due_on:
                model._default_manager.filter(pk=row.object_id).update(**{row.field: exact})
            agency = getattr(owner, "agency_id", None)
            provisional_deadline_event(
                row, CoreEvent.PROVISIONAL_RECOMPUTED, due_on=exact, actor=actor, agency_id=agency
            )
            if exact < row.due_on:
                logger.warning(
                    "%s %s: %s moved EARLIER from provisional %s to %s (调休上班 in the window);"
                    " check this deadline",
                    row.object_type, row.object_id, row.field, row.due_on, exact,
                )  # fmt: skip
            changed.append((row.object_type, row.object_id, row.field, row.due_on, exact))
    if changed:
        logger.info("%d provisional due dates recomputed", len(changed))
    return changed
