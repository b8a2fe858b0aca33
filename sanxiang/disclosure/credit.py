"""公示截止期: how long a penalty stays on the credit websites (信用中国 and local credit sites).

The period depends on how serious the 失信 is (轻微 / 一般 / 严重) and on the rule in force on
the decision date: 发改办财金〔2019〕527号, then 国家发展改革委令第58号 (2023-05-01), then
《信用修复管理办法》国家发展改革委令第36号 (2026-04-01), which publishes 轻微 information not at
all in principle. The periods are data (``data/disclosure/credit_periods.csv``); so is the
default severity of each penalty kind (``credit_severity.csv``), which a 负责人 or 法制审核人员
may change per decision. Both are loaded as rows (migration, then ``sanxiang credit load``, which
keeps rows edited in 管理后台 and refuses a file with any bad row) and read from the rows. The
end date counts from the decision date and uses the longest period: at its end the information
stops being published automatically (36号令); earlier removal after 信用修复 is the credit
site's business.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from sanxiang.cases.models import PenaltyKind
from sanxiang.core.legal_rows import LoadReport, rows_sync, table_read
from sanxiang.disclosure.models import CREDIT_SEVERITIES, CreditPeriodRule, CreditSeverityDefault

DATA = Path(__file__).resolve().parents[2] / "data" / "disclosure"
PERIODS_FILE = DATA / "credit_periods.csv"
SEVERITIES_FILE = DATA / "credit_severity.csv"

SEVERITY_LABELS = dict(CREDIT_SEVERITIES)
# The most serious kind decides when one decision has several (a common local rule, e.g.
# Shenzhen: "同一行政处罚决定涉及多种处罚类型的，其公示期限以期限最长的类型为准").
ORDER = ("minor", "general", "serious")


@dataclass(frozen=True)
class CreditPeriod:
    regime: str
    in_force_from: date
    severity: str
    min_months: int
    max_months: int
    basis: str


def periods() -> tuple[CreditPeriod, ...]:
    """The credit publication rules as administrators left them (管理后台 › 信用公示期限)."""
    return tuple(
        CreditPeriod(r.regime, r.in_force_from, r.severity, r.min_months, r.max_months, r.basis)
        for r in CreditPeriodRule.objects.order_by("in_force_from", "pk")
    )


def default_severities() -> dict[str, str]:
    """Penalty kind -> its default 失信程度 (管理后台 › 处罚种类默认失信程度)."""
    return dict(CreditSeverityDefault.objects.values_list("penalty_kind", "severity"))


def severity_for(penalty_kinds: list[str]) -> str:
    """The default class of a decision: its most serious penalty kind's (一般 if none known)."""
    found = [default_severities().get(kind, "general") for kind in penalty_kinds]
    return max(found, key=ORDER.index) if found else "general"


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, or the month's last day (31 January + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CreditTerm:
    severity: str
    until: date | None  # None: not published on credit sites
    basis: str


def credit_term(decided_on: date, severity: str) -> CreditTerm:
    """公示截止期 for a decision of ``severity`` made on ``decided_on``."""
    if severity not in SEVERITY_LABELS:
        raise ValueError(f"unknown credit severity {severity!r}")
    in_force = [p for p in periods() if p.severity == severity and p.in_force_from <= decided_on]
    if not in_force:
        raise ValueError(f"no credit publication rule in force on {decided_on}")
    rule = max(in_force, key=lambda p: p.in_force_from)
    until = add_months(decided_on, rule.max_months) if rule.max_months else None
    return CreditTerm(severity, until, rule.basis)


# --- loading the cited files --------------------------------------------------------------------

PERIOD_COLUMNS = {
    "regime": "规定",
    "in_force_from": "施行日期",
    "severity": "失信程度",
    "min_months": "最短公示期",
    "max_months": "最长公示期",
    "basis": "依据",
}
SEVERITY_COLUMNS = {"penalty_kind": "处罚种类", "severity": "失信程度", "note": "说明"}


def _months(value: str, where: str, name: str, problems: list[str]) -> int:
    if not value.isascii() or not value.isdigit() or int(value) > 600:
        problems.append(f"{where}：{name}应为 0–600 的整数（月），不是“{value}”。")
        return 0
    return int(value)


def credit_periods_read(path: Path = PERIODS_FILE) -> dict[tuple[date, str], dict[str, object]]:
    """(施行日期, 失信程度) -> the rule's fields, from ``path``; any bad row refuses the file."""
    table = table_read(
        path,
        PERIOD_COLUMNS,
        required=("regime", "in_force_from", "severity", "min_months", "max_months", "basis"),
        max_lengths={"regime": 16, "basis": 300},
    )
    found: dict[tuple[date, str], dict[str, object]] = {}
    first_line: dict[tuple[date, str], int] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        severity = values["severity"]
        if severity and severity not in SEVERITY_LABELS:
            table.problems.append(
                f"{where}：失信程度应为 {'、'.join(SEVERITY_LABELS)} 之一，不是“{severity}”。"
            )
        try:
            in_force_from = date.fromisoformat(values["in_force_from"])
        except ValueError:
            table.problems.append(
                f"{where}：施行日期应写成 2026-04-01 的形式，不是“{values['in_force_from']}”。"
            )
            continue
        least = _months(values["min_months"], where, "最短公示期", table.problems)
        most = _months(values["max_months"], where, "最长公示期", table.problems)
        if most and least > most:
            table.problems.append(f"{where}：最短公示期不能长于最长公示期。")
        key = (in_force_from, values["severity"])
        if key in first_line:
            table.problems.append(f"{where}：与第{first_line[key]}行的施行日期和失信程度相同。")
            continue
        first_line[key] = line
        found[key] = {
            "regime": values["regime"],
            "min_months": least,
            "max_months": most,
            "basis": values["basis"],
        }
    table.refuse()
    return found


def credit_severities_read(path: Path = SEVERITIES_FILE) -> dict[tuple[str], dict[str, object]]:
    """(处罚种类,) -> its default 失信程度 and note, from ``path``; any bad row refuses the file."""
    table = table_read(
        path,
        SEVERITY_COLUMNS,
        required=("penalty_kind", "severity"),
        max_lengths={"note": 200},
    )
    found: dict[tuple[str], dict[str, object]] = {}
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        kind, severity = values["penalty_kind"], values["severity"]
        if kind and kind not in PenaltyKind.values:
            table.problems.append(f"{where}：处罚种类“{kind}”不是可用的代码，请核对拼写。")
        elif kind in first_line:
            table.problems.append(f"{where}：处罚种类“{kind}”与第{first_line[kind]}行重复。")
        if severity and severity not in SEVERITY_LABELS:
            table.problems.append(
                f"{where}：失信程度应为 {'、'.join(SEVERITY_LABELS)} 之一，不是“{severity}”。"
            )
        first_line.setdefault(kind, line)
        found[(kind,)] = {"severity": severity, "note": values["note"]}
    table.refuse()
    return found


def credit_rules_load(
    *,
    periods_file: Path = PERIODS_FILE,
    severities_file: Path = SEVERITIES_FILE,
    replace: bool = False,
) -> tuple[LoadReport, LoadReport]:
    """Load both files (both are checked before either is written): add missing rows, keep and
    report rows edited in 管理后台 unless ``replace``. Loading twice changes nothing."""
    wanted_periods = credit_periods_read(periods_file)
    wanted_severities = credit_severities_read(severities_file)
    with transaction.atomic():
        return (
            rows_sync(
                CreditPeriodRule,
                wanted_periods,
                identity=("in_force_from", "severity"),
                replace=replace,
            ),
            rows_sync(
                CreditSeverityDefault,
                wanted_severities,
                identity=("penalty_kind",),
                replace=replace,
            ),
        )
