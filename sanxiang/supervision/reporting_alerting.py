"""The 预警 rules of 报送, registered with ``sanxiang.alerts`` from ``SupervisionConfig.ready``:
``annual_report_overdue`` (统计年报逾期未公开, item (43)) and ``report_submission_overdue``
(统计年报或自评逾期未报送, item (44) and the installation's 自评 date).

Each looks at last year's reports and at every year that still has an open alert of its rule,
so an old warning is resolved when the agency catches up. A case step changes none of this:
with a case given, the evaluators look at nothing.
"""

from __future__ import annotations

from datetime import date

from sanxiang.alerts.models import Alert, AlertRule, AlertStatus
from sanxiang.alerts.rules import Finding, Found
from sanxiang.cases.models import Case
from sanxiang.core.selectors import get_calendar
from sanxiang.supervision.reporting_rules import (
    MISSING,
    UNPUBLISHED_LATE,
    Standing,
    latest_due_year,
    reporting_agency_ids,
    standings,
)

OPEN = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


def _years(rule: AlertRule, today: date) -> list[int]:
    """Last year, and each year named by an open alert of the rule (``…:<year>:…``)."""
    years = {latest_due_year(today)}
    for subject in Alert.objects.filter(rule=rule, status__in=OPEN).values_list(
        "subject", flat=True
    ):
        parts = subject.split(":")
        if len(parts) >= 3 and parts[2].isdigit():
            years.add(int(parts[2]))
    return sorted(years)


def _standings(rule: AlertRule, today: date) -> list[Standing]:
    agencies = reporting_agency_ids()
    calendar = get_calendar()
    return [s for year in _years(rule, today) for s in standings(agencies, year, today, calendar)]


def annual_report_overdue(rule: AlertRule, today: date, case: Case | None) -> Found:
    """An agency under a supervising body whose 统计年报 of a year is not published after the
    day it was due (1月31日 of the next year). One alert per agency and year."""
    if case is not None:
        return {}, set()
    found = {}
    for s in _standings(rule, today):
        if s.state == UNPUBLISHED_LATE:
            found[f"annual_report:{s.agency.pk}:{s.year}"] = Finding(
                s.agency.pk,
                None,
                f"{s.agency.name}{s.year}年度行政执法统计年报应于 {s.publish_due_on:%Y年%m月%d日} "
                "前公开，至今未公开。",
            )
    return found, None


def report_submission_overdue(rule: AlertRule, today: date, case: Case | None) -> Found:
    """An agency's published 统计年报 or its 指标体系自评 of a year not submitted to a body over it
    (or returned and not submitted again) after its due date. One alert per agency, year, kind
    and body."""
    if case is not None:
        return {}, set()
    found = {}
    for s in _standings(rule, today):
        if s.state != MISSING:
            continue
        what = "统计年报" if s.kind == "annual_report" else "指标体系自评"
        due = s.effective_due_on
        again = "（已退回）" if s.submissions else ""
        found[f"submission:{s.agency.pk}:{s.year}:{s.kind}:{s.body.pk}"] = Finding(
            s.agency.pk,
            None,
            f"{s.agency.name}{s.year}年度{what}{again}应于 {due:%Y年%m月%d日} 前报送"
            f"{s.body.name}，至今未报送。",
        )
    return found, None
