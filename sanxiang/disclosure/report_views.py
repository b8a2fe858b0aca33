"""Office pages of the 行政执法统计年报: the agency's figures for a year, its files, and the
head's confirmation that publishes it on the portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.core.downloads import attachment
from sanxiang.disclosure.annual import annual_figures, report_context, report_title
from sanxiang.disclosure.annual_files import report_pdf, report_xlsx
from sanxiang.disclosure.models import AnnualReport
from sanxiang.disclosure.services import annual_snapshot, report_publish
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request

FIRST_YEAR = 2019  # 国办发〔2018〕118号 took effect; earlier years have no records here


def _may_see(officer: Officer) -> bool:
    return officer.is_active and any(
        officer.has_role(r) for r in (Role.HEAD, Role.REVIEWER, Role.SUPERVISOR)
    )


def _officer(request: HttpRequest) -> Officer:
    officer = officer_for_request(request)
    if not _may_see(officer):
        raise PermissionDenied("只有本机关负责人、法制审核人员和监督人员可以查看统计年报。")
    return officer


@login_required
def annual_latest(request: HttpRequest) -> HttpResponse:
    """The report due now: last year's."""
    _officer(request)
    return redirect("report:annual", year=timezone.localdate().year - 1)


@login_required
def annual(request: HttpRequest, year: int) -> HttpResponse:
    """The agency's figures for ``year`` with charts; Excel or PDF with ``?format=``."""
    officer = _officer(request)
    agency = officer.unit.agency
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise Http404("没有该年度的统计数据。")
    figures = annual_figures(agency=agency, year=year, today=today)
    name = report_title(figures)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return attachment(
            report_xlsx(figures),
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt == "pdf":
        try:
            pdf = report_pdf(figures)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("report:annual", year=year)
        return attachment(pdf, filename=f"{name}.pdf", content_type="application/pdf")
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
