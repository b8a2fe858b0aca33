"""The 统计年报's files made as jobs (``sanxiang.jobs``): the PDF takes LibreOffice seconds, so
the request answers at once with the job's page, which shows the progress and then the file."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sanxiang.disclosure.annual import annual_figures, report_title
from sanxiang.disclosure.annual_files import report_docx, report_xlsx
from sanxiang.jobs.kinds import Kind, Made, Progress, register
from sanxiang.org.models import Officer, Role

ANNUAL_PDF = "annual_report_pdf"
ANNUAL_XLSX = "annual_report_xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_see_report(officer: Officer) -> bool:
    """负责人, 法制审核人员 and 监督人员 of the agency (as the report's page)."""
    return officer.is_active and any(
        officer.has_role(r) for r in (Role.HEAD, Role.REVIEWER, Role.SUPERVISOR)
    )


def _figures(job: Any, progress: Progress) -> Any:
    progress(10, "正在汇总本年度数据……")
    today: date = timezone.localtime(job.created_at).date()
    figures = annual_figures(agency=job.agency, year=int(job.params["year"]), today=today)
    progress(40, "数据已汇总，正在排版……")
    return figures


def make_pdf(job: Any, progress: Progress) -> Made:
    from sanxiang.cases.documents import convert_to_pdf

    figures = _figures(job, progress)
    docx = report_docx(figures)
    progress(60, "正在转换为 PDF（约需数秒）……")
    return Made(convert_to_pdf(docx), f"{report_title(figures)}.pdf", "application/pdf")


def make_xlsx(job: Any, progress: Progress) -> Made:
    figures = _figures(job, progress)
    progress(70, "正在生成 Excel 表格……")
    return Made(report_xlsx(figures), f"{report_title(figures)}.xlsx", XLSX)


def _back(job: Any) -> str:
    return reverse("report:annual", args=[int(job.params["year"])])


def register_report_jobs() -> None:
    register(Kind(ANNUAL_PDF, "统计年报 PDF 生成", may_see_report, make_pdf, _back))
    register(Kind(ANNUAL_XLSX, "统计年报 Excel 生成", may_see_report, make_xlsx, _back))
