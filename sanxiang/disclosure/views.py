"""Office pages of 事后公开: the queue with due dates and warnings, 公示审核, 更正, 撤下."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.disclosure import selectors
from sanxiang.disclosure.models import PublicationStatus, WithdrawalReason
from sanxiang.disclosure.services import (
    publication_confirm,
    publication_correct,
    publication_draft,
    publication_exempt,
    publication_withdraw,
)
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request

KIND_LABELS = {
    "id_number": "身份证号码",
    "phone": "电话号码",
    "bank_card": "银行卡号",
    "plate": "车牌号码",
    "address": "住址",
    "person_name": "自然人姓名",
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    today = timezone.localdate()
    rows = [
        {
            "publication": p,
            "overdue": p.status == PublicationStatus.PENDING and p.due_on < today,
        }
        for p in selectors.publications_for(officer)[:200]
    ]
    return render(
        request,
        "disclosure/queue.html",
        {"rows": rows, "warnings": selectors.overdue_for(officer)[:50], "today": today},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        publication = selectors.publication_get_for(officer, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    draft = problem = None
    if publication.status == PublicationStatus.PENDING:
        try:
            draft = publication_draft(publication)
        except DomainError as exc:
            problem = exc.message
    findings = [
        {"kind": KIND_LABELS.get(f.kind, f.kind), "replacement": f.replacement}
        for f in (draft.redaction.findings if draft is not None else ())
    ]
    return render(
        request,
        "disclosure/detail.html",
        {
            "publication": publication,
            "draft": draft,
            "problem": problem,
            "findings": findings,
            "versions": publication.versions.select_related("confirmed_by"),
            "reasons": WithdrawalReason.choices,
            "today": timezone.localdate(),
        },
    )


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        selectors.publication_get_for(officer, pk)
        action(officer)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("disclosure:detail", pk=pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk,
        lambda officer: publication_confirm(
            actor=officer, publication_id=pk, draft_sha256=request.POST.get("draft_sha256", "")
        ),
        "已审核并公示。",
    )  # fmt: skip


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk,
        lambda officer: publication_correct(
            actor=officer, publication_id=pk, text=request.POST.get("text", ""),
            reason=request.POST.get("reason", ""),
        ),
        "已更正公示内容。",
    )  # fmt: skip


def _occurred_on(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.POST.get("occurred_on", ""))
    except ValueError:
        raise DomainError("请填写决定被撤销、变更或确认的日期。", log_message="bad date") from None


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk,
        lambda officer: publication_withdraw(
            actor=officer, publication_id=pk, reason=request.POST.get("reason", ""),
            statement=request.POST.get("statement", ""), occurred_on=_occurred_on(request),
        ),
        "已撤下，门户网站改为显示撤下说明。",
    )  # fmt: skip


@login_required
@require_POST
def exempt(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk,
        lambda officer: publication_exempt(
            actor=officer, publication_id=pk, reason=request.POST.get("reason", "")
        ),
        "已记录不予公示的理由。",
    )  # fmt: skip
