"""The 监督驾驶舱 as an Excel workbook (openpyxl): the figures per agency or unit, and the
cases by procedure and state. Built from the same aggregates as the page, so it is quick.
Also the 指标体系 scorecard of one agency and the comparison of the agencies under a body."""

from __future__ import annotations

import io

from openpyxl import Workbook

from sanxiang.supervision.scorecard import Comparison, Scorecard
from sanxiang.supervision.selectors import METRICS, Dashboard


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "监督驾驶舱"
    scope = dashboard.agency.name if dashboard.agency else "监督范围内各执法主体"
    sheet.append([f"{scope}，截至 {dashboard.today:%Y年%m月%d日}"])
    header = ["内设机构" if dashboard.agency else "执法主体"]
    header += [f"{m.group}：{m.label}" for m in METRICS]
    header += ["法制审核覆盖率", "平均审核用时（日）"]
    sheet.append(header)
    for row in [*dashboard.rows, dashboard.total]:
        coverage = row.coverage
        sheet.append(
            [row.name]
            + [row.counts[m.key] for m in METRICS]
            + [
                "" if coverage is None else f"{coverage:.0%}",
                "" if row.turnaround_days is None else row.turnaround_days,
            ]
        )
    states = workbook.create_sheet("按程序和状态")
    states.append(["程序", "状态", "案件数"])
    for _, _, procedure, state, count in dashboard.by_procedure:
        states.append([procedure, state, count])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(value: object) -> object:
    return "" if value is None else float(value)  # type: ignore[arg-type]


def scorecard_xlsx(card: Scorecard) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "指标考核"
    sheet.append([f"{card.agency.name} {card.year} 年度“三项制度”工作指标考核"])
    sheet.append(["序号", "一级指标", "二级指标", "三级指标", "分值", "计分方式", "得分", "依据"])
    for item in card.items:
        basis = item.entry.note if item.entry else (item.computed.figures if item.computed else "")
        method = item.method + ("（监督人员调整）" if item.overridden else "")
        sheet.append([
            item.indicator.number, item.indicator.primary, item.indicator.secondary,
            item.indicator.text, float(item.indicator.points), method,
            _number(item.score), basis,
        ])  # fmt: skip
    totals = workbook.create_sheet("一级指标合计")
    totals.append(["一级指标", "分值", "得分", "待评项数"])
    for group in card.groups:
        totals.append([group.primary, float(group.points), float(group.score), group.unscored])
    totals.append(["合计", float(card.points), float(card.score), card.unscored])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def comparison_xlsx(comparison: Comparison) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "指标考核对比"
    sheet.append([f"{comparison.year} 年度“三项制度”工作指标考核对比"])
    sheet.append(
        ["执法主体"] + [name for _, name, _ in comparison.primaries] + ["总分", "待评项数"]
    )
    for row in comparison.rows:
        sheet.append(
            [row.agency.name]
            + [float(v) for v in row.by_primary]
            + [float(row.score), row.unscored]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
