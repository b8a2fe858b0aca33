"""The 监督驾驶舱 as an Excel workbook (openpyxl): the figures per agency or unit, and the
cases by procedure and state. Built from the same aggregates as the page, so it is quick."""

from __future__ import annotations

import io

from openpyxl import Workbook

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
