"""The 行政执法统计年报 as files to publish: a self-contained page with charts, an Excel
workbook and a PDF (Word built here, converted by LibreOffice headless like the case documents).

Each is rendered from ``AnnualFigures`` alone, so a published snapshot renders the same files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from sanxiang.cases.documents import convert_to_pdf
from sanxiang.core.paper import a4_pages
from sanxiang.disclosure.annual import AnnualFigures, report_context, report_title
from sanxiang.review.figures import Figure as ReviewFigureRow
from sanxiang.review.figures import Figures, figures_write

FONT = "Noto Serif CJK SC"
BLOCKS = 30  # the longest bar in the PDF, in block characters


def report_html(figures: AnnualFigures) -> str:
    """A page that stands alone (styles inline, charts inline SVG): to open or upload as is."""
    return render_to_string("disclosure/annual_standalone.html", report_context(figures))


def report_xlsx(figures: AnnualFigures) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = f"统计年报{figures.year}"
    sheet.append([report_title(figures)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"统一社会信用代码：{figures.agency_credit_code}", f"统计日期：{figures.as_of}"])
    sheet.append(["类别", "指标", "数值", "单位", "统计口径", "依据"])
    for f in figures.figures:
        value: object = f.value
        if f.unit == "元" and isinstance(f.value, str):
            value = float(f.value)
        sheet.append([f.section, f.label, "未记录" if value is None else value,
                      f.unit, f.definition, f.source])  # fmt: skip
    for column, width in zip("ABCDEF", (14, 36, 14, 6, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    charts = workbook.create_sheet("分类统计")
    for chart in figures.charts:
        charts.append([chart.title])
        for bar in chart.bars:
            charts.append([bar.label, bar.value])
        charts.append([])
    # 法制审核: the same sheet the review app exports, written by the review app's code.
    review = workbook.create_sheet("法制审核")
    figures_write(
        review,
        Figures(
            agency_id=0,
            year=figures.year,
            figures=[ReviewFigureRow(r.label, r.value, r.target, r.met) for r in figures.review],
        ),
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def report_docx(figures: AnnualFigures) -> bytes:
    document = a4_pages(Document())
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report_title(figures))
    run.bold = True
    run.font.size = Pt(18)
    document.add_paragraph(
        f"统一社会信用代码：{figures.agency_credit_code}　统计期间：{figures.year}年1月1日至"
        f"12月31日（北京时间）　统计日期：{figures.as_of}"
    )
    for section, rows in figures.sections():
        document.add_heading(section, level=2)
        _table(document, ["指标", "数值", "依据"], [[f.label, f.display, f.source] for f in rows])
    document.add_heading("法制审核", level=2)
    met = {True: "是", False: "否", None: ""}
    _table(
        document,
        ["指标", "数值", "要求", "是否达到"],
        [[r.label, r.value, r.target, met[r.met]] for r in figures.review],
    )
    document.add_heading("图表", level=2)
    for chart in figures.charts:
        document.add_paragraph(chart.title).runs[0].bold = True
        if not chart.bars:
            document.add_paragraph("本年度无数据。")
            continue
        largest = max((b.value for b in chart.bars), default=0) or 1
        _table(
            document,
            ["项目", "数量", ""],
            [[b.label, str(b.value), "█" * round(BLOCKS * b.value / largest)] for b in chart.bars],
        )
    documents = source_documents(f.source for _, rows in figures.sections() for f in rows)
    document.add_paragraph(
        "各项指标的依据见各表“依据”栏"
        + (f"（主要文件：{'、'.join(documents)}）" if documents else "")
        + "，统计口径见公示平台本年报页面；“未记录”表示本系统尚无该项数据，不等于零。"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# A document number as the figure definitions cite it: 国办发〔2018〕118号.
_DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def source_documents(sources: Iterable[str]) -> list[str]:
    """The documents (by 文号) the figures' 依据 cite, each once, in order of first citation."""
    found: dict[str, None] = {}
    for source in sources:
        for number in _DOCUMENT_NUMBER.findall(source):
            found.setdefault(number)
    return list(found)


def report_pdf(figures: AnnualFigures) -> bytes:
    return convert_to_pdf(report_docx(figures))
