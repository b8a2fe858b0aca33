"""The pages of 执法监督意见 under /office/supervision/opinions/ (thin: selectors read, services
write). A supervisor's POSTs pass the read-only middleware because they are under
/office/supervision/; who may take which step is the services' to decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sanxiang.cases.models import Case
from sanxiang.core.downloads import attachment
from sanxiang.core.identifiers import case_number_normalise
from sanxiang.core.params import int_param, is_id, page_param
from sanxiang.errors import DomainError
from sanxiang.evidence.attachments import Upload
from sanxiang.evidence.storage import evidence_storage
from sanxiang.org.models import Officer
from sanxiang.org.selectors import officer_for_request, supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.opinions.documents import opinion_file
from sanxiang.supervision.opinions.forms import AnswerForm, OpinionForm, ReviewForm
from sanxiang.supervision.opinions.models import Opinion, OpinionKind, OpinionStatus
from sanxiang.supervision.opinions.selectors import (
    default_period,
    may_answer,
    may_issue,
    opinion_for,
    opinions_for,
)
from sanxiang.supervision.opinions.services import (
    OpinionForbidden,
    OpinionInput,
    OpinionNotFound,
    opinion_accept,
    opinion_answer,
    opinion_attachment_open,
    opinion_issue,
    opinion_return,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _raise_refusal(exc: DomainError) -> None:
    """Someone else's step is a 403, an opinion out of reach a 404; the rest stays on the form."""
    if isinstance(exc, OpinionNotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, OpinionForbidden):
        raise PermissionDenied(exc.message) from exc


@login_required
def opinions(request: HttpRequest) -> HttpResponse:
    """The opinions the officer may read: his body's area, his agency's, or his cases'."""
    officer = officer_for_request(request)
    status = request.GET.get("status", "")
    listed = opinions_for(officer)
    if status in OpinionStatus.values:
        listed = listed.filter(status=status)
    page = Paginator(listed, 50).get_page(page_param(request.GET))
    return render(
        request,
        "supervision/opinions.html",
        {
            "page": page,
            "status": status,
            "statuses": OpinionStatus.choices,
            "is_supervisor": supervisory_body_of(officer) is not None,
            "today": timezone.localdate(),
        },
    )


def _case_in_scope(officer, typed: str) -> int | None:
    cases = Case.objects.filter(agency_id__in=sorted(supervised_agency_ids(officer)))
    typed = typed.strip()
    if is_id(typed) and (found := cases.filter(pk=int(typed)).first()) is not None:
        return found.pk
    found = cases.filter(number=case_number_normalise(typed)).first()
    return None if found is None else found.pk


@login_required
def opinion_new(request: HttpRequest) -> HttpResponse:
    """A 监督人员 issues a 行政执法监督意见书 or 责令纠正通知书."""
    officer = officer_for_request(request)
    body = supervisory_body_of(officer)
    if body is None:
        raise PermissionDenied("只有行政执法监督机构的监督人员可以出具监督意见。")
    case_id = int_param(request.GET, "case", label="案件")
    case = (
        Case.objects.filter(pk=case_id, agency_id__in=sorted(supervised_agency_ids(officer)))
        .select_related("agency")
        .first()
        if case_id is not None
        else None
    )
    initial = {
        "case_number": (case.number or str(case.pk)) if case else "",
        "period_workdays": default_period(OpinionKind.OPINION),
    }
    form = OpinionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            found = _case_in_scope(officer, data["case_number"])
            if found is None:
                form.add_error("case_number", "未找到该案件，或者该案件不在本机构监督范围内。")
            else:
                try:
                    opinion = opinion_issue(
                        actor=officer,
                        data=OpinionInput(
                            case_id=found,
                            kind=data["kind"],
                            problems=data["problems"],
                            requirement=data["requirement"],
                            legal_point=data["legal_point"],
                            basis_ids=[b.pk for b in data["bases"]],
                            period_workdays=data["period_workdays"],
                        ),
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        f"已出具{opinion.get_kind_display()}（{opinion.number}），"
                        f"答复期限 {opinion.answer_due_on:%Y-%m-%d}。",
                    )
                    return redirect("supervision:opinion", opinion.pk)
        status = 400
    return render(
        request,
        "supervision/opinion_new.html",
        {"form": form, "case": case, "body": body},
        status=status,
    )


def _detail(request, officer, opinion, *, answer=None, review=None, status=200) -> HttpResponse:
    owed = opinion.status in (OpinionStatus.ISSUED, OpinionStatus.RETURNED)
    may_review = opinion.status == OpinionStatus.ANSWERED and may_issue(officer, opinion.agency_id)
    may_reply = owed and may_answer(officer, opinion)
    return render(
        request,
        "supervision/opinion.html",
        {
            "opinion": opinion,
            "bases": list(opinion.bases.all()),
            "steps": opinion.steps.select_related("actor")
            .prefetch_related("attachments__blob")
            .order_by("at", "pk"),
            "answer_form": (answer or AnswerForm()) if may_reply else None,
            "review_form": (review or ReviewForm()) if may_review else None,
            "overdue": owed and opinion.answer_due_on < timezone.localdate(),
        },
        status=status,
    )


def _readable(request: HttpRequest, pk: int) -> tuple[Officer, Opinion]:
    officer = officer_for_request(request)
    opinion = opinion_for(officer, pk)
    if opinion is None:
        raise Http404("未找到该监督意见。")
    return officer, opinion


@login_required
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    officer, found = _readable(request, pk)
    return _detail(request, officer, found)


@login_required
@require_POST
def opinion_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    officer, found = _readable(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            opinion_answer(
                actor=officer,
                opinion_id=found.pk,
                text=form.cleaned_data["text"],
                evidence_references=form.cleaned_data["evidence_references"],
                files=[Upload(f.file, f.name) for f in form.cleaned_data["attachments"]],
            )
        except DomainError as exc:
            _raise_refusal(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, "答复已报送监督机构。")
            return redirect("supervision:opinion", found.pk)
    return _detail(request, officer, found, answer=form, status=400)


@login_required
@require_POST
def opinion_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The body accepts the answer (``decision=accept``) or returns it (``decision=return``)."""
    officer, found = _readable(request, pk)
    form = ReviewForm(request.POST)
    decision = request.POST.get("decision", "")
    if form.is_valid() and decision in ("accept", "return"):
        note = form.cleaned_data["note"]
        try:
            if decision == "accept":
                opinion_accept(actor=officer, opinion_id=found.pk, note=note)
                done = "答复已审查通过，该监督意见办结。"
            else:
                returned = opinion_return(actor=officer, opinion_id=found.pk, reason=note)
                done = f"答复已退回，重新答复期限 {returned.answer_due_on:%Y-%m-%d}。"
        except DomainError as exc:
            _raise_refusal(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("supervision:opinion", found.pk)
    elif decision not in ("accept", "return"):
        form.add_error(None, "请选择通过或者退回。")
    return _detail(request, officer, found, review=form, status=400)


@login_required
def opinion_download(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    _, found = _readable(request, pk)
    if form not in CONTENT_TYPES:
        raise Http404("没有这种格式。")
    return attachment(
        opinion_file(found, form),
        filename=f"{found.get_kind_display()}-{found.number}.{form}",
        content_type=CONTENT_TYPES[form],
    )


@login_required
@require_GET
def opinion_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file sent with an answer, for those who may read the opinion; each open recorded."""
    officer = officer_for_request(request)
    found = opinion_attachment_open(actor=officer, opinion_id=pk, attachment_id=attachment_id)
    if found is None:
        raise Http404("未找到该附件，或者您无权查看。")
    handle = evidence_storage().open(found.blob.storage_name, "rb")
    return FileResponse(
        handle, content_type=found.blob.content_type, as_attachment=True, filename=found.filename
    )
