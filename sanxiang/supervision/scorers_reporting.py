"""The scorecard's items (43) and (44) (统计年报: published on time, submitted on time), computed
from the annual report's publication and the 报送 records (``reporting_rules``). Imported by
``scorecard`` so that they join ``SCORERS``.

The scorecard of year Y judges the work done in Y: the report published in Y is last year's
(Y-1), due by the fixed day of Y (1月31日) and submitted within the working days after it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.models import AnnualReport
from sanxiang.supervision.reporting_models import SubmissionKind
from sanxiang.supervision.reporting_rules import (
    PUBLISH,
    DeadlineMissing,
    deadlines,
    fixed_due,
    published_on,
    standings,
)
from sanxiang.supervision.scorers import Computed, DetailRow, scorer


def _reporting_url(year: int) -> str:
    return f"{reverse('supervision:reporting')}?year={year}"


# An administrator removed or emptied a period in 管理后台 (报送期限): nothing can be judged.
UNSET = "报送期限未设置（管理后台“报送期限”），无从计分"


@scorer("annual_report_on_time")
def annual_report_on_time(agency_id: int, year: int, today: date) -> Computed:
    """(43) 按时公开上年度行政执法总体情况: full points when last year's 统计年报 was published by
    its due day (data/supervision/reporting.csv, 1月31日); none when published later, or not
    published once the day has passed; 待评 before that day. The report's content is the
    platform's defined figures (统计年报指标), so only the date is judged."""
    report_year = year - 1
    try:
        due = fixed_due(deadlines(), PUBLISH, report_year)
    except DeadlineMissing:
        return Computed(None, UNSET)
    report = AnnualReport.objects.filter(agency_id=agency_id, year=report_year).first()
    if report is None:
        if today <= due:
            return Computed(
                None, f"{report_year}年度统计年报尚未公开（应于 {due:%Y-%m-%d} 前公开）"
            )
        figures = f"{report_year}年度统计年报应于 {due:%Y-%m-%d} 前公开，至今未公开"
        return Computed(
            Decimal(0),
            figures,
            lambda: [
                DetailRow(
                    f"{report_year}年度统计年报", "未公开", False, _reporting_url(report_year)
                )
            ],
        )
    on = published_on(report)
    ok = on <= due
    figures = f"{report_year}年度统计年报于 {on:%Y-%m-%d} 公开，期限 {due:%Y-%m-%d}，" + (
        "按时" if ok else "逾期"
    )
    return Computed(
        Decimal(int(ok)),
        figures,
        lambda: [
            DetailRow(
                f"{report_year}年度统计年报",
                f"{on:%Y-%m-%d} 公开（期限 {due:%Y-%m-%d}）",
                ok,
                _reporting_url(report_year),
            )
        ],
    )


@scorer("annual_report_submitted")
def annual_report_submitted(agency_id: int, year: int, today: date) -> Computed:
    """(44) 自公开之日起10个工作日内向上级报送: full points when last year's published 统计年报
    was submitted (first submission) within the period to every supervising body over the
    agency; none when any was late or is missing after its due date (or the report was not
    published by the day item (43) sets); 待评 while one is still within its period, or when no
    body supervises the agency."""
    report_year = year - 1
    try:
        found = standings([agency_id], report_year, today, get_calendar())
    except DeadlineMissing:
        return Computed(None, UNSET)
    rows = [s for s in found if s.kind == SubmissionKind.ANNUAL_REPORT]
    if not rows:
        return Computed(None, "未设置对本单位负有监督职责的监督机构，无从报送")

    def detail() -> list[DetailRow]:
        return [
            DetailRow(
                f"报送{s.body.name}",
                s.label + (f"（期限 {s.effective_due_on:%Y-%m-%d}）" if s.effective_due_on else ""),
                s.on_time is True,
                _reporting_url(report_year),
            )
            for s in rows
        ]

    on_time = sum(1 for s in rows if s.on_time is True)
    failed = [s for s in rows if s.on_time is False or s.state in ("missing", "unpublished_late")]
    figures = f"{report_year}年度统计年报应报送 {len(rows)} 个监督机构，按时报送 {on_time} 个"
    if failed:
        return Computed(Decimal(0), f"{figures}，逾期或未报送 {len(failed)} 个", detail)
    if on_time == len(rows):
        return Computed(Decimal(1), figures, detail)
    return Computed(None, f"{figures}，其余尚在报送期限内", detail)
