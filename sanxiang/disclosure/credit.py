"""公示截止期: how long a penalty stays on the credit websites (信用中国 and local credit sites).

The period depends on how serious the 失信 is (轻微 / 一般 / 严重) and on the rule in force on
the decision date: 发改办财金〔2019〕527号, then 国家发展改革委令第58号 (2023-05-01), then
《信用修复管理办法》国家发展改革委令第36号 (2026-04-01), which publishes 轻微 information not at
all in principle. The periods are data (``data/disclosure/credit_periods.csv``); so is the
default severity of each penalty kind (``credit_severity.csv``), which a 负责人 or 法制审核人员
may change per decision. The end date counts from the decision date and uses the longest period:
at its end the information stops being published automatically (36号令); earlier removal after
信用修复 is the credit site's business.
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "disclosure"

SEVERITY_LABELS = {"minor": "轻微失信", "general": "一般失信", "serious": "严重失信"}
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


@cache
def periods() -> tuple[CreditPeriod, ...]:
    with (DATA / "credit_periods.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            CreditPeriod(
                row["regime"],
                date.fromisoformat(row["in_force_from"]),
                row["severity"],
                int(row["min_months"]),
                int(row["max_months"]),
                row["basis"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def default_severities() -> dict[str, str]:
    with (DATA / "credit_severity.csv").open(encoding="utf-8", newline="") as handle:
        return {row["penalty_kind"]: row["severity"] for row in csv.DictReader(handle)}


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
