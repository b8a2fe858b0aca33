"""Office pages of the 行政执法统计年报: the agency's figures for a year, its files, and the
head's confirmation that publishes it on the portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.disclosure.annual import annual_figures, report_context
from sanxiang.disclosure.models import AnnualReport
from sanxiang.disclosure.report_jobs import ANNUAL_PDF, ANNUAL_XLSX, may_see_report
from sanxiang.disclosure.services import annual_snapshot, report_publish
from sanxiang.errors import DomainError
from sanxiang.jobs.services import job_request
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request

FIRST_YEAR = 2019  # 国办发〔2018〕118号 took effect; earlier years have no records here


def _officer(request: HttpRequest) -> Officer:
    officer = officer_for_request(request)
    if not may_see_report(officer):
        raise PermissionDenied("只有本机关负责人、法制审核人员和监督人员可以查看统计年报。")
    return officer


@login_required
def annual_latest(request: HttpRequest) -> HttpResponse:
    """The report due now: last year's."""
    _officer(request)
    return redirect("report:annual", year=timezone.localdate().year - 1)


@login_required
def annual(request: HttpRequest, year: int) -> HttpResponse:
    """The agency's figures for ``year`` with charts (its files: ``annual_file``)."""
    officer = _officer(request)
    agency = officer.unit.agency
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise Http404("没有该年度的统计数据。")
    figures = annual_figures(agency=agency, year=year, today=today)
    published = AnnualReport.objects.filter(agency=agency, year=year).first()
    return render(
        request,
        "disclosure/annual.html",
        {
            **report_context(figures),
            "sha256": annual_snapshot(figures)[1],
            "published": published,
            "may_publish": officer.has_role(Role.HEAD) and year < today.year,
            "year_open": year >= today.year,
            "years": range(today.year - 1, max(FIRST_YEAR, today.year - 5) - 1, -1),
        },
    )


@login_required
@require_POST
def annual_file(request: HttpRequest, year: int) -> HttpResponse:
    """Excel or PDF of the report, made as a job: the answer is at once the job's page, which
    shows its progress and then the file (the same job while one for this year is open)."""
    officer = _officer(request)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("没有该年度的统计数据。")
    fmt = request.POST.get("format", "")
    if fmt not in ("xlsx", "pdf"):
        return HttpResponseBadRequest("请选择导出 Excel 或 PDF。".encode())
    kind = ANNUAL_PDF if fmt == "pdf" else ANNUAL_XLSX
    job = job_request(actor=officer, kind=kind, params={"year": year})
    return redirect("jobs:detail", job.pk)


@login_required
@require_POST
def annual_publish(request: HttpRequest, year: int) -> HttpResponse:
    officer = _officer(request)
    try:
        report_publish(
            actor=officer,
            agency=officer.unit.agency,
            year=year,
            seen_sha256=request.POST.get("seen_sha256", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{year}年度统计年报已公开。")
    return redirect("report:annual", year=year)
