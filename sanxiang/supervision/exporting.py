"""The 监督驾驶舱 as an Excel workbook (openpyxl): the figures per agency or unit, and the
cases by procedure and state. Built from the same aggregates as the page, so it is quick.
Also the 指标体系 scorecard of one agency (Excel, and Word for its PDF) and the comparison of
the agencies under a body."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook

from sanxiang.core.paper import a4_pages
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


def _scaled_text(card: Scorecard) -> str:
    return "—" if card.scaled is None else str(card.scaled)


def scorecard_xlsx(card: Scorecard) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "指标考核"
    sheet.append([f"{card.agency.name} {card.year} 年度“三项制度”工作指标考核"])
    sheet.append(["序号", "一级指标", "二级指标", "三级指标", "分值", "计分方式", "得分", "依据"])
    for item in card.items:
        method = item.method + ("（监督人员调整）" if item.overridden else "")
        score = _number(item.score) if item.score is not None else item.status
        sheet.append([
            item.indicator.number, item.indicator.primary, item.indicator.secondary,
            item.indicator.text, float(item.indicator.points), method, score, item.basis,
        ])  # fmt: skip
    totals = workbook.create_sheet("一级指标合计")
    totals.append(["一级指标", "分值", "适用分值", "得分", "待评项数", "不适用项数"])
    for group in card.groups:
        totals.append([
            group.primary, float(group.points), float(group.applicable_points),
            float(group.score), group.unscored, group.not_applicable,
        ])  # fmt: skip
    totals.append([
        "合计", float(card.points), float(card.applicable_points), float(card.score),
        card.unscored, card.not_applicable,
    ])  # fmt: skip
    totals.append(["折合百分制得分", _number(card.scaled)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FONT = "Noto Serif CJK SC"
# The text block of core.paper's A4 page is 156 mm across.
ITEM_COLUMNS = (("序号", 12), ("三级指标", 58), ("分值", 11), ("计分方式", 23),
                ("依据", 38), ("得分", 14))  # fmt: skip
TOTAL_COLUMNS = (("一级指标", 66), ("分值", 15), ("适用分值", 18), ("得分", 15),
                 ("待评", 21), ("不适用", 21))  # fmt: skip


def _grid(document: Any, columns: tuple[tuple[str, int], ...], rows: list[list[str]]) -> None:
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.autofit = False
    for cell, (text, _) in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text
    # LibreOffice lays the table out by its grid (w:tblGrid), Word by the cells: set both.
    for column, (_, width) in zip(grid.columns, columns, strict=True):
        column.width = Mm(width)
    for row in grid.rows:
        for cell, (_, width) in zip(row.cells, columns, strict=True):
            cell.width = Mm(width)


def scorecard_docx(card: Scorecard, *, today: date) -> bytes:
    """The scorecard on A4 (Word, converted to PDF by LibreOffice): the totals per 一级指标 with
    the raw total and the total out of 100, then every item with its number, points, method,
    basis and score."""
    document = a4_pages(Document())
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{card.agency.name} {card.year} 年度“三项制度”工作指标考核")
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph(
        f"统一社会信用代码：{card.agency.credit_code}　导出日期：{today:%Y年%m月%d日}　"
        f"满分 {card.points} 分，适用分值 {card.applicable_points} 分，"
        f"得分 {card.score} 分，折合百分制 {_scaled_text(card)} 分"
    )
    document.add_heading("一级指标合计", level=2)
    rows = [
        [g.primary, str(g.points), str(g.applicable_points), str(g.score), str(g.unscored),
         str(g.not_applicable)]
        for g in card.groups
    ]  # fmt: skip
    rows.append([
        "合计", str(card.points), str(card.applicable_points), str(card.score),
        str(card.unscored), str(card.not_applicable),
    ])  # fmt: skip
    _grid(document, TOTAL_COLUMNS, rows)
    for group in card.groups:
        document.add_heading(
            f"{group.primary}：得分 {group.score}（适用分值 {group.applicable_points}）", level=2
        )
        _grid(
            document,
            ITEM_COLUMNS,
            [
                [str(i.indicator.number), i.indicator.text, str(i.indicator.points),
                 i.method + ("（已调整）" if i.overridden else ""), i.basis, i.status]
                for i in group.items
            ],
        )  # fmt: skip
    document.add_paragraph(
        "说明：不适用项既不计分值也不计得分；折合百分制得分 = 得分 ÷ 适用分值 × 100，"
        "保留一位小数。“待提交”“待确认”的材料佐证项和“待评”项不得分。"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def comparison_xlsx(comparison: Comparison) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "指标考核对比"
    sheet.append([f"{comparison.year} 年度“三项制度”工作指标考核对比"])
    sheet.append(
        ["执法主体"]
        + [name for _, name, _ in comparison.primaries]
        + ["总分", "适用分值", "折合百分制", "待评项数"]
    )
    for row in comparison.rows:
        sheet.append(
            [row.agency.name]
            + [float(v) for v in row.by_primary]
            + [float(row.score), float(row.applicable_points), _number(row.scaled), row.unscored]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
