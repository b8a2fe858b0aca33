"""The 报送 pages under /office/supervision/reporting/: what is due and when, the 负责人's 报送
button, the body's table of 报送情况 and its 签收 or 退回 (thin: ``reporting`` does the work)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.core.params import bad_request, int_param
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer
from sanxiang.org.selectors import officer_for_request, supervisory_body_of
from sanxiang.supervision.reporting import (
    FIRST_YEAR,
    ReportingForbidden,
    ReportingNotFound,
    is_agency_head,
    may_handle,
    may_read_reporting,
    reporting_for,
    reporting_summary,
    submission_acknowledge,
    submission_for,
    submission_make,
    submission_return,
)
from sanxiang.supervision.reporting_models import SubmissionKind, SubmissionStatus
from sanxiang.supervision.reporting_rules import deadlines, latest_due_year


def _officer(request: HttpRequest) -> Officer:
    officer = officer_for_request(request)
    if not may_read_reporting(officer):
        raise PermissionDenied("报送情况仅对执法主体负责人和监督机构的监督人员开放。")
    return officer


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, ReportingNotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, ReportingForbidden):
        raise PermissionDenied(exc.message) from exc
    return bad_request(request, exc.message)


@login_required
def reporting(request: HttpRequest) -> HttpResponse:
    """One year's 报送: the 负责人's own, or every agency's under the 监督人员's body."""
    officer = _officer(request)
    today = timezone.localdate()
    default = latest_due_year(today)
    year = int_param(
        request.GET, "year", label="年度", default=default, minimum=FIRST_YEAR, maximum=default
    )
    assert year is not None  # noqa: S101 - defaulted
    try:
        rows = reporting_for(officer, year=year, today=today)
    except DomainError as exc:
        return _refused(request, exc)
    head = is_agency_head(officer)
    own = [s for s in rows if s.agency.pk == officer.unit.agency_id] if head else []
    return render(
        request,
        "supervision/reporting.html",
        {
            "year": year,
            "years": range(default, max(FIRST_YEAR, default - 4) - 1, -1),
            "head": head,
            "own": own,
            "rows": [s for s in rows if not head or s.agency.pk != officer.unit.agency_id],
            "summary": reporting_summary(rows) if not head else [],
            "deadlines": list(deadlines().values()),
            "body": supervisory_body_of(officer),
        },
    )


@login_required
@require_POST
def reporting_submit(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    year = int_param(request.POST, "year", label="年度", minimum=1, maximum=9999)
    body_id = int_param(request.POST, "body", label="报送对象")
    report_id = int_param(request.POST, "report", label="统计年报")
    if year is None or body_id is None:
        return bad_request(request, "请选择报送的年度和报送对象。")
    try:
        made = submission_make(
            actor=officer, year=year, kind=request.POST.get("kind", ""), body_id=body_id,
            report_id=report_id,
        )  # fmt: skip
    except DomainError as exc:
        return _refused(request, exc)
    when = "按时报送" if made.on_time else "逾期报送（已超过报送期限）"
    messages.success(
        request, f"{year}年度{made.get_kind_display()}已报送{made.body.name}：{when}。"
    )
    return redirect(f"{reverse('supervision:reporting')}?year={year}")


def _items(snapshot: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(snapshot)
    except ValueError:
        return []
    items = data.get("items", []) if isinstance(data, dict) else []
    return [i for i in items if isinstance(i, dict)]


@login_required
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _officer(request)
    try:
        found = submission_for(officer, pk)
    except DomainError as exc:
        return _refused(request, exc)
    return render(
        request,
        "supervision/submission.html",
        {
            "s": found,
            "items": _items(found.snapshot) if found.kind == SubmissionKind.SCORECARD else [],
            "may_handle": may_handle(officer, found) and found.status == SubmissionStatus.SUBMITTED,
        },
    )


@login_required
@require_POST
def submission_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """签收 (``decision=acknowledge``) or 退回 with a reason (``decision=return``)."""
    officer = _officer(request)
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "")
    try:
        if decision == "acknowledge":
            done = submission_acknowledge(actor=officer, submission_id=pk, note=note)
            messages.success(request, "已签收。")
        elif decision == "return":
            done = submission_return(actor=officer, submission_id=pk, reason=note)
            messages.success(request, "已退回，报送单位可以重新报送。")
        else:
            return bad_request(request, "请选择签收或者退回。")
    except DomainError as exc:
        return _refused(request, exc)
    return redirect("supervision:submission", done.pk)
