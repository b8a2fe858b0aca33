"""培训记录: courses and hours per officer, imported from the agency's lists (Excel or CSV).

The seeds ask for 三项制度 training of all staff (003 (150)), 岗前培训 and 岗位培训 of officers
and reviewers (003 (162)), and regular training of 法制审核人员 (004 二(三)2, 002 (八)); the
figures feed the 统计年报. Rows are checked all-or-nothing like the officer list
(``importing.read_table``); an officer is named by 姓名 and, where he holds one, 执法证号.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum

from sanxiang.errors import DomainError
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.events import training_imported
from sanxiang.org.importing import ImportRejected, RowError, parse_date, read_table
from sanxiang.org.models import Agency, Officer, Role, TrainingKind, TrainingRecord
from sanxiang.org.validators import normalize_certificate_number

logger = logging.getLogger(__name__)

COLUMNS = ("姓名", "执法证号", "培训名称", "培训类别", "学时", "开始日期", "结束日期", "主办单位")
REQUIRED = ("姓名", "培训名称", "培训类别", "学时", "开始日期", "结束日期", "主办单位")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_HOURS = Decimal("500")  # one course; a year-long programme stays well below
_KINDS = {str(label).strip("“”"): value for value, label in TrainingKind.choices} | {
    str(label): value for value, label in TrainingKind.choices
}


class TrainingRefused(DomainError):
    pass


@dataclass(frozen=True)
class TrainingImported:
    created: int
    file_sha256: str


def may_manage_training(officer: Officer) -> bool:
    """The agency's 负责人 keep its training lists."""
    return officer.is_active and officer.has_role(Role.HEAD)


def trainings_import(
    *, agency: Agency, filename: str, content: bytes, actor: str, today: date
) -> TrainingImported:
    """Add every row of a 培训记录 file to ``agency``'s officers; any bad row adds nothing.

    Raises ``ImportFileError`` (unreadable file) or ``ImportRejected`` (every row's problem).
    A row already recorded (same person, course and start) is a problem, not a silent skip:
    a list sent twice would otherwise double nobody's hours but hide a mistyped re-send.
    """
    rows = read_table(
        filename, content, max_bytes=MAX_BYTES, columns=COLUMNS, required=REQUIRED,
        max_rows=MAX_ROWS,
    )  # fmt: skip
    staff = list(
        Officer.objects.filter(unit__agency=agency).prefetch_related("certificates").order_by("pk")
    )
    by_name: dict[str, list[Officer]] = {}
    for person in staff:
        by_name.setdefault(person.name, []).append(person)
    errors: list[RowError] = []
    records: list[TrainingRecord] = []
    seen: dict[tuple[int, str, date], int] = {}
    for row in rows:
        problems: list[tuple[str, str]] = []
        name = row.text("姓名")
        number = normalize_certificate_number(row.text("执法证号"))
        officer: Officer | None = None
        people = by_name.get(name, [])
        if number:
            officer = next(
                (p for p in people if any(c.number == number for c in p.certificates.all())), None
            )
            if officer is None:
                problems.append(("执法证号", f"本机关没有持执法证 {number} 的“{name}”。"))
        elif len(people) == 1:
            officer = people[0]
        elif not people:
            problems.append(("姓名", f"本机关没有名为“{name}”的人员。"))
        else:
            problems.append(("执法证号", f"本机关有 {len(people)} 名“{name}”，请填写执法证号。"))
        kind = _KINDS.get(row.text("培训类别"))
        if kind is None:
            names = "、".join(str(label) for label in TrainingKind.labels)
            problems.append(("培训类别", f"培训类别应为以下之一：{names}。"))
        try:
            hours = Decimal(row.text("学时"))
        except InvalidOperation:
            hours = Decimal("-1")
        if (
            not hours.is_finite()
            or not (0 < hours <= MAX_HOURS)
            or hours != hours.quantize(Decimal("0.1"))
        ):
            problems.append(("学时", f"学时应为大于 0、不超过 {MAX_HOURS} 的数，最多一位小数。"))
        started = parse_date(row.cells.get("开始日期"))
        ended = parse_date(row.cells.get("结束日期"))
        for column, day in (("开始日期", started), ("结束日期", ended)):
            if day is None:
                problems.append((column, f"{column}无法识别，请写作 2026-03-01。"))
            elif day > today:
                problems.append((column, f"{column}晚于今天：只登记已参加的培训。"))
        if started and ended and ended < started:
            problems.append(("结束日期", "结束日期不能早于开始日期。"))
        course = row.text("培训名称")
        organiser = row.text("主办单位")
        for column, text in (("培训名称", course), ("主办单位", organiser)):
            if len(text) > 200:
                problems.append((column, f"{column}不能超过 200 字。"))
        if officer is not None and started is not None:
            key = (officer.pk, course, started)
            if key in seen:
                problems.append(("培训名称", f"与第 {seen[key]} 行重复。"))
            seen.setdefault(key, row.row)
        errors.extend(RowError(row=row.row, column=c, message=m) for c, m in problems)
        if not problems and officer is not None and kind and started and ended:
            records.append(
                TrainingRecord(
                    officer=officer,
                    kind=kind,
                    course=course,
                    organiser=organiser,
                    started_on=started,
                    ended_on=ended,
                    hours=hours,
                )
            )
    if not errors:
        # Every row made a record (no errors), so rows and records line up.
        already = set(
            TrainingRecord.objects.filter(officer__in=[r.officer_id for r in records]).values_list(
                "officer_id", "course", "started_on"
            )
        )
        for row, record in zip(rows, records, strict=True):
            if (record.officer_id, record.course, record.started_on) in already:
                errors.append(
                    RowError(row=row.row, column="培训名称", message="该人员的这次培训已登记。")
                )
    if errors:
        raise ImportRejected(errors)
    file_sha256 = sha256_hex(content)
    with transaction.atomic():
        for record in records:
            record.file_sha256 = file_sha256
        TrainingRecord.objects.bulk_create(records, batch_size=2000)
        training_imported(agency, actor=actor, file_sha256=file_sha256)
    logger.info(
        "training list imported into agency %s: %d rows (file %s)",
        agency.pk,
        len(records),
        file_sha256,
    )
    return TrainingImported(created=len(records), file_sha256=file_sha256)


@dataclass(frozen=True)
class OfficerTraining:
    officer: Officer
    courses: int
    hours: Decimal
    by_kind: dict[str, Decimal]


def training_year(*, agency_id: int, year: int) -> list[OfficerTraining]:
    """Every active officer of the agency with his courses and hours in ``year`` (by start)."""
    staff = (
        Officer.objects.filter(unit__agency_id=agency_id, is_active=True)
        .select_related("unit")
        .prefetch_related("roles")
        .order_by("unit__name", "name")
    )
    rows = (
        TrainingRecord.objects.filter(officer__unit__agency_id=agency_id, started_on__year=year)
        .values("officer_id", "kind")
        .annotate(hours=Sum("hours"), courses=Count("pk"))
        .order_by()
    )
    hours: dict[int, dict[str, Decimal]] = {}
    courses: dict[int, int] = {}
    for row in rows:
        hours.setdefault(row["officer_id"], {})[row["kind"]] = row["hours"]
        courses[row["officer_id"]] = courses.get(row["officer_id"], 0) + row["courses"]
    return [
        OfficerTraining(
            officer=officer,
            courses=courses.get(officer.pk, 0),
            hours=sum(hours.get(officer.pk, {}).values(), Decimal(0)),
            by_kind=hours.get(officer.pk, {}),
        )
        for officer in staff
    ]
