"""Office pages of 事后公开: the queue with due dates and warnings, 公示审核, 更正, 撤下."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.disclosure import listings as lists
from sanxiang.disclosure import push, selectors
from sanxiang.disclosure.models import ListingKind, PublicationStatus, WithdrawalReason
from sanxiang.disclosure.services import (
    publication_confirm,
    publication_correct,
    publication_credit_set,
    publication_draft,
    publication_exempt,
    publication_withdraw,
)
from sanxiang.errors import DomainError
from sanxiang.org.models import Role
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
        {
            "rows": rows,
            "warnings": selectors.overdue_for(officer)[:50],
            "listing_warnings": lists.overdue_changes(officer.unit.agency_id),
            "push_failures": push.failed_for(officer)[:50],
            "may_retry": officer.has_role(Role.HEAD) or officer.has_role(Role.REVIEWER),
            "today": today,
        },
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


@login_required
@require_POST
def credit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk,
        lambda officer: publication_credit_set(
            actor=officer, publication_id=pk, severity=request.POST.get("severity", ""),
            reason=request.POST.get("reason", ""),
        ),
        "已更新失信程度和公示截止期。",
    )  # fmt: skip


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        push.delivery_retry(actor=officer_for_request(request), delivery_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新排入推送队列。")
    return redirect("disclosure:queue")


# --- 事前公开 ---------------------------------------------------------------------------------


def _kind_or_404(kind: str) -> ListingKind:
    if kind not in ListingKind.values:
        raise Http404("没有这种公示清单。")
    return ListingKind(kind)


@login_required
def listings(request: HttpRequest) -> HttpResponse:
    """Each list: what is published, whether the data now says something else, what is due."""
    officer = officer_for_request(request)
    agency = officer.unit.agency
    today = timezone.localdate()
    changes = list(lists.open_changes(agency.pk))
    rows = []
    for kind in ListingKind:
        snapshot = lists.latest_snapshot(agency.pk, kind)
        current = lists.content_sha256(lists.listing_content(agency, kind))
        rows.append(
            {
                "kind": kind,
                "snapshot": snapshot,
                "stale": snapshot is not None and snapshot.sha256 != current,
                "changes": [c for c in changes if c.kind == kind],
            }
        )
    return render(
        request,
        "disclosure/listings.html",
        {"rows": rows, "today": today, "is_head": officer.has_role(Role.HEAD)},
    )


@login_required
def listing(request: HttpRequest, kind: str) -> HttpResponse:
    """The list as the data says it today, beside what the public sees now."""
    officer = officer_for_request(request)
    listing_kind = _kind_or_404(kind)
    agency = officer.unit.agency
    content = lists.listing_content(agency, listing_kind)
    snapshot = lists.latest_snapshot(agency.pk, listing_kind)
    digest = lists.content_sha256(content)
    return render(
        request,
        "disclosure/listing.html",
        {
            "kind": listing_kind,
            "content": content,
            "sha256": digest,
            "snapshot": snapshot,
            "unchanged": snapshot is not None and snapshot.sha256 == digest,
            "problems": lists.listing_problems(agency, listing_kind, content),
            "changes": lists.open_changes(agency.pk).filter(kind=listing_kind),
            "is_head": officer.has_role(Role.HEAD),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def listing_publish_view(request: HttpRequest, kind: str) -> HttpResponse:
    officer = officer_for_request(request)
    listing_kind = _kind_or_404(kind)
    try:
        snapshot = lists.listing_publish(
            actor=officer, kind=listing_kind, expected_sha256=request.POST.get("sha256", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{listing_kind.label}已公示（第 {snapshot.number} 版）。")
    return redirect("disclosure:listing", kind=listing_kind.value)
