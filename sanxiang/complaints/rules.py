"""投诉举报处理期限 as rows, loaded from data/complaints/deadlines.csv (see its README).

Migration ``complaints.0002`` loads the file on a fresh database; ``sanxiang complaints load``
loads it again, keeping and listing rows edited in 管理后台 (``--replace`` overwrites them).
The services read the rows only (``deadline_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sanxiang.complaints.models import ComplaintKind, DeadlineRule, PeriodUnit, Stage
from sanxiang.core.deadlines import CalendarDays
from sanxiang.core.legal_rows import LoadReport, rows_sync, table_read
from sanxiang.core.selectors import get_calendar
from sanxiang.errors import DomainError

RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "complaints" / "deadlines.csv"


class NoDeadlineRule(DomainError):
    """No row says how long this stage may take (an administrator deleted the defaults)."""


def rules_read(path: Path = RULES_FILE) -> dict[tuple[str, str, str], dict[str, object]]:
    """(类别代码, 类别, 环节) -> 期限, 单位, 依据; any bad row refuses the whole file."""
    columns = {
        "category": "执法类别代码",
        "kind": "类别",
        "stage": "环节",
        "days": "期限",
        "unit": "计算单位",
        "basis": "依据",
    }
    required = ("kind", "stage", "days", "unit", "basis")
    table = table_read(path, columns, required=required, max_lengths={"basis": 300})
    found: dict[tuple[str, str, str], dict[str, object]] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        for column, choices in (("kind", ComplaintKind), ("stage", Stage), ("unit", PeriodUnit)):
            if values[column] not in choices.values:
                table.problems.append(
                    f"{where}：{columns[column]}应为 {'、'.join(choices.values)} 之一，"
                    f"不是“{values[column]}”。"
                )
        if not values["days"].isdigit() or int(values["days"]) < 1:
            table.problems.append(f"{where}：期限应为正整数，不是“{values['days']}”。")
            continue
        key = (values["category"], values["kind"], values["stage"])
        if key in found:
            table.problems.append(f"{where}：{'/'.join(key)} 重复。")
        found[key] = {"days": int(values["days"]), "unit": values["unit"], "basis": values["basis"]}
    table.refuse()
    return found


def rules_load(*, path: Path = RULES_FILE, replace: bool = False) -> LoadReport:
    """Add missing rows, keep and report edited ones unless ``replace``."""
    return rows_sync(
        DeadlineRule, rules_read(path), identity=("category_code", "kind", "stage"), replace=replace
    )


@dataclass(frozen=True)
class Deadline:
    due: date
    basis: str  # the rule's period and its source, as shown beside the date


def deadline_for(*, category_code: str, kind: str, stage: str, start: date) -> Deadline:
    """When ``stage`` of a complaint of ``kind`` in the field ``category_code`` is due, counted
    from ``start`` (not counted itself): the field's own row, else the default row."""
    rules = {
        rule.category_code: rule
        for rule in DeadlineRule.objects.filter(
            kind=kind, stage=stage, category_code__in={category_code, ""}
        )
    }
    rule = rules.get(category_code) or rules.get("")
    if rule is None:
        raise NoDeadlineRule(
            "未设置该类投诉举报的处理期限，请系统管理员在管理后台“投诉举报处理期限”中补充。",
            log_message=f"no deadline rule for {category_code!r}/{kind}/{stage}",
        )
    if rule.unit == PeriodUnit.WORKDAYS:
        due = get_calendar().add_workdays_provisional(start, rule.days).on
    else:
        # A period in days ends on a working day (民事诉讼法第八十五条), as core.deadlines does.
        due = CalendarDays(rule.days).due(start, get_calendar())
    label = f"{rule.days}个工作日" if rule.unit == PeriodUnit.WORKDAYS else f"{rule.days}日"
    return Deadline(due=due, basis=f"{label}；{rule.basis}"[:300])
