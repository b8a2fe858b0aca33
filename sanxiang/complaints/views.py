"""Office pages of 投诉举报: the agency's list with due dates and figures, one complaint with
its history and the step forms, and its attachments. Writes only through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sanxiang.complaints import services
from sanxiang.complaints.access import ComplaintAction
from sanxiang.complaints.forms import CaseForm, NoteForm, RefuseForm, ReplyForm, TransferForm
from sanxiang.complaints.models import AWAITING_DECISION, IN_HAND, Complaint, Status, Subject
from sanxiang.complaints.selectors import (
    accesses_of,
    by_due,
    complaint_for,
    complaints_for,
    figures_for,
    history_of,
    may,
)
from sanxiang.errors import DomainError
from sanxiang.evidence.storage import evidence_storage
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request

SHOWN = 300
FILTERS = [("open", "待办"), ("", "全部"), *Status.choices]


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    status = request.GET.get("status", "open")
    if status not in {value for value, _ in FILTERS}:
        status = "open"
    rows = by_due(list(complaints_for(officer, status=status)[:SHOWN]))
    today = timezone.localdate()
    return render(
        request,
        "complaints/list.html",
        {
            "complaints": rows,
            "filters": FILTERS,
            "status": status,
            "today": today,
            "figures": figures_for(officer, year=today.year),
            "year": today.year,
        },
    )


def _forms(
    officer: Officer, complaint: Complaint, bound: dict[str, forms.Form]
) -> dict[str, forms.Form]:
    """The step forms this officer may use now (a bound one kept when it was refused)."""
    shown: dict[str, forms.Form] = {}
    decide = may(officer, complaint, ComplaintAction.DECIDE)
    handle = may(officer, complaint, ComplaintAction.HANDLE)
    if decide and complaint.status in AWAITING_DECISION:
        shown["accept"] = NoteForm(prefix="accept")
        shown["refuse"] = RefuseForm(prefix="refuse")
    if handle and complaint.status == Status.ACCEPTED:
        shown["start"] = NoteForm(prefix="start")
    if (
        handle
        and complaint.status in IN_HAND
        and complaint.subject == Subject.VIOLATION
        and complaint.case_id is None
    ):
        shown["case"] = CaseForm(prefix="case", initial={"category": complaint.category_id})
    if decide and complaint.status in IN_HAND:
        shown["reply"] = ReplyForm(prefix="reply")
    if decide and complaint.status in AWAITING_DECISION + IN_HAND and complaint.case_id is None:
        shown["transfer"] = TransferForm(prefix="transfer", own_agency_id=complaint.agency_id)
    shown.update({k: v for k, v in bound.items() if k in shown})
    return shown


def _detail(
    request: HttpRequest,
    officer: Officer,
    complaint: Complaint,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "code": services.code_display(complaint.code),
            "history": history_of(complaint),
            "accesses": accesses_of(complaint) if officer.has_role(Role.HEAD) else None,
            "forms": _forms(officer, complaint, bound or {}),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    complaint = services.complaint_page_open(actor=officer, complaint_id=pk)
    if complaint is None:
        raise Http404("未找到该投诉举报。")
    return _detail(request, officer, complaint)


FORM_OF = {
    "accept": NoteForm,
    "start": NoteForm,
    "refuse": RefuseForm,
    "reply": ReplyForm,
    "transfer": TransferForm,
    "case": CaseForm,
}
DONE = {
    "accept": "已受理。",
    "start": "已开始办理。",
    "refuse": "已作出不予受理决定。",
    "reply": "已答复，投诉举报人可凭跟踪码查看。",
    "transfer": "已转办。",
    "case": "已转为案源登记。",
}


@login_required
@require_POST
def complaint_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    officer = officer_for_request(request)
    complaint = complaint_for(officer, pk)
    if complaint is None or step not in FORM_OF:
        raise Http404("未找到该投诉举报。")
    form_class = FORM_OF[step]
    form: forms.Form = (
        TransferForm(request.POST, prefix=step, own_agency_id=complaint.agency_id)
        if form_class is TransferForm
        else form_class(request.POST, prefix=step)
    )
    if not form.is_valid():
        return _detail(request, officer, complaint, bound={step: form}, status=400)
    data = form.cleaned_data
    try:
        match step:
            case "accept":
                services.complaint_accept(actor=officer, complaint_id=pk, note=data["note"])
            case "start":
                services.complaint_start(actor=officer, complaint_id=pk, note=data["note"])
            case "refuse":
                services.complaint_refuse(actor=officer, complaint_id=pk, reasons=data["reasons"])
            case "reply":
                services.complaint_reply(actor=officer, complaint_id=pk, reply=data["reply"])
            case "transfer":
                services.complaint_transfer(
                    actor=officer,
                    complaint_id=pk,
                    agency_id=data["agency"].pk,
                    reasons=data["reasons"],
                )
            case "case":
                services.complaint_case_open(
                    actor=officer,
                    complaint_id=pk,
                    title=data["title"],
                    category_id=data["category"].pk,
                    violation_on=data["violation_on"],
                )
    except DomainError as exc:  # refused here, or by the case service (e.g. not an officer)
        form.add_error(None, exc.message)
        return _detail(request, officer, complaint, bound={step: form}, status=400)
    messages.success(request, DONE[step])
    if step == "transfer":
        return redirect("complaints:list")
    return redirect("complaints:detail", pk)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    officer = officer_for_request(request)
    found = services.complaint_attachment_open(
        actor=officer, complaint_id=pk, attachment_id=attachment_id
    )
    if found is None:
        raise Http404("未找到该附件。")
    handle = evidence_storage().open(found.blob.storage_name, "rb")
    return FileResponse(
        handle, content_type=found.blob.content_type, as_attachment=True, filename=found.filename
    )
