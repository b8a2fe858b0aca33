"""The scorecard's PDF made as a job (``sanxiang.jobs``): LibreOffice takes seconds, so the
request answers at once with the job's page, which shows the progress and then the file.

The job belongs to the requester's own agency (a supervising body's, or the agency's for its
负责人); its parameters name the agency scored. Whether the requester may read that scorecard
is checked again when the job runs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.jobs.kinds import Kind, Made, Progress, register
from sanxiang.org.models import Agency, Officer, Role
from sanxiang.org.selectors import supervisory_body_of
from sanxiang.supervision.exporting import scorecard_docx
from sanxiang.supervision.scorecard import may_read_scorecard, scorecard_of

SCORECARD_PDF = "scorecard_pdf"


def may_have(officer: Officer) -> bool:
    """监督人员 of a body, and an agency's 负责人 (each reads only the scorecards he may)."""
    return officer.is_active and (
        supervisory_body_of(officer) is not None or officer.has_role(Role.HEAD)
    )


def _may_read(officer: Officer, job: Any) -> bool:
    """Only those who may read the exported agency's scorecard read its job (a body's 负责人
    shares the body's agency with its 监督人员 but reads no supervised agency's scorecard)."""
    try:
        agency_id = int(job.params["agency_id"])
    except (KeyError, TypeError, ValueError):
        return False
    return may_read_scorecard(officer, agency_id)


def make_pdf(job: Any, progress: Progress) -> Made:
    from sanxiang.cases.documents import convert_to_pdf

    agency_id, year = int(job.params["agency_id"]), int(job.params["year"])
    if not may_read_scorecard(job.requested_by, agency_id):
        raise DomainError("您无权导出该执法主体的指标考核。")
    agency = Agency.objects.get(pk=agency_id)
    progress(10, "正在汇总各项指标……")
    today = timezone.localtime(job.created_at).date()
    card = scorecard_of(agency, year=year, today=today)
    progress(50, "正在转换为 PDF（约需数秒）……")
    pdf = convert_to_pdf(scorecard_docx(card, today=today))
    return Made(pdf, f"指标考核-{agency.name}-{year}.pdf", "application/pdf")


def _back(job: Any) -> str:
    target = reverse("supervision:scorecard", args=[int(job.params["agency_id"])])
    return f"{target}?year={int(job.params['year'])}"


def register_scorecard_jobs() -> None:
    register(
        Kind(SCORECARD_PDF, "指标考核 PDF 生成", may_have, make_pdf, _back, may_read=_may_read)
    )
