"""The scorecard pages under /office/supervision/scorecard/ (thin: the scorecard selectors read,
``services.indicator_score`` and ``attestation`` write, ``scorecard_jobs`` makes the PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sanxiang.core.downloads import attachment
from sanxiang.core.params import year_param
from sanxiang.errors import DomainError
from sanxiang.evidence.storage import evidence_storage
from sanxiang.jobs.services import job_request
from sanxiang.org.selectors import officer_for_request, supervisory_body_of
from sanxiang.supervision.attestation import (
    ApplicabilityInput,
    AttestationInput,
    ReviewInput,
    applicability_mark,
    attestation_file,
    attestation_review,
    may_attest,
)
from sanxiang.supervision.exporting import comparison_xlsx, scorecard_xlsx
from sanxiang.supervision.forms import (
    ApplicabilityForm,
    AttestationForm,
    AttestationReviewForm,
    ScoreForm,
)
from sanxiang.supervision.models import (
    Attestation,
    AttestationAccess,
    AttestationOutcome,
    Indicator,
)
from sanxiang.supervision.scorecard import (
    Item,
    Scorecard,
    attestations_of,
    comparison_for,
    history_of,
    marks_of,
    may_score,
    scorecard_for,
    scored_agencies,
)
from sanxiang.supervision.scorecard_jobs import SCORECARD_PDF
from sanxiang.supervision.services import ScoreAttachment, ScoreInput, indicator_score

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_READABLE = "未找到该执法主体的指标考核，或者您无权查看。"


def _year(request: HttpRequest) -> int:
    return year_param(request.GET, default=timezone.localdate().year)


def _card(request: HttpRequest, agency_id: int) -> tuple[Any, Scorecard]:
    officer = officer_for_request(request)
    card = scorecard_for(
        officer, agency_id=agency_id, year=_year(request), today=timezone.localdate()
    )
    if card is None:
        raise Http404(NOT_READABLE)
    return officer, card


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The comparison of the agencies under the body (监督人员); an agency's 负责人 goes to his
    own agency's scorecard."""
    officer = officer_for_request(request)
    year = _year(request)
    if supervisory_body_of(officer) is None:
        own = scored_agencies(officer).first()
        if own is None:
            raise PermissionDenied("指标考核仅对监督人员和本单位负责人开放。")
        return redirect(f"{reverse('supervision:scorecard', args=[own.pk])}?year={year}")
    comparison = comparison_for(officer, year=year, today=timezone.localdate())
    return render(
        request,
        "supervision/scorecard_compare.html",
        {
            "comparison": comparison,
            "body": supervisory_body_of(officer),
            "years": list(range(timezone.localdate().year, 2018, -1)),
        },
    )


@login_required
@require_GET
def compare_export(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    if supervisory_body_of(officer) is None:
        raise PermissionDenied("指标考核对比仅对监督人员开放。")
    comparison = comparison_for(officer, year=_year(request), today=timezone.localdate())
    return attachment(
        comparison_xlsx(comparison),
        filename=f"指标考核对比-{comparison.year}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def scorecard(request: HttpRequest, agency_id: int) -> HttpResponse:
    officer, card = _card(request, agency_id)
    return render(
        request,
        "supervision/scorecard.html",
        {
            "card": card,
            "may_score": may_score(officer, agency_id),
            "is_supervisor": supervisory_body_of(officer) is not None,
            "years": list(range(timezone.localdate().year, 2018, -1)),
        },
    )


@login_required
@require_GET
def scorecard_export(request: HttpRequest, agency_id: int) -> HttpResponse:
    _, card = _card(request, agency_id)
    return attachment(
        scorecard_xlsx(card),
        filename=f"指标考核-{card.agency.name}-{card.year}.xlsx",
        content_type=XLSX,
    )


def _item_of(card: Scorecard, number: int) -> Item:
    found = next((i for i in card.items if i.indicator.number == number), None)
    if found is None:
        raise Http404("没有这个指标。")
    return found


def _item_url(agency_id: int, number: int, year: int) -> str:
    return f"{reverse('supervision:scorecard-item', args=[agency_id, number])}?year={year}"


def _item_page(
    request: HttpRequest,
    officer: Any,
    card: Scorecard,
    found: Item,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The item's page; ``forms`` replaces a blank form by the one that was just refused."""
    agency_id, indicator = card.agency.pk, found.indicator
    supervising = may_score(officer, agency_id)
    attestations = list(attestations_of(agency_id, card.year, indicator))
    latest = attestations[0] if attestations else None
    pending = latest is not None and not hasattr(latest, "review")
    confirmed = (
        latest is not None
        and hasattr(latest, "review")
        and latest.review.outcome == AttestationOutcome.CONFIRMED
    )
    score_form = forms.get("score_form")
    if score_form is None and supervising and not indicator.attested:
        score_form = ScoreForm()
    attest_form = forms.get("attest_form")
    if (
        attest_form is None
        and indicator.attested
        and found.applicable
        and not pending
        and not confirmed
        and may_attest(officer, agency_id)
    ):
        attest_form = AttestationForm()
    review_form = forms.get("review_form")
    if review_form is None and supervising and pending:
        review_form = AttestationReviewForm()
    mark_form = forms.get("mark_form")
    if mark_form is None and supervising:
        mark_form = ApplicabilityForm(initial={"applicable": "0" if found.applicable else "1"})
    # A refused form the page would not draw (a filing for an item that takes none, an answer
    # to a filing already answered) still says why, above the page.
    refusal: list[str] = []
    for key, drawn in (("attest_form", indicator.attested), ("review_form", pending)):
        refused = forms.get(key)
        if refused is not None and not drawn:
            refusal += [str(e) for errors in refused.errors.values() for e in errors]
    rows = found.computed.detail() if found.computed is not None else []
    return render(
        request,
        "supervision/scorecard_item.html",
        {
            "card": card,
            "item": found,
            "rows": rows,
            "history": history_of(agency_id, card.year, indicator),
            "attestations": attestations,
            "pending": latest if pending else None,
            "marks": marks_of(agency_id, card.year, indicator),
            "form": score_form,
            "attest_form": attest_form,
            "review_form": review_form,
            "mark_form": mark_form,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def item(request: HttpRequest, agency_id: int, number: int) -> HttpResponse:
    """One indicator of the scorecard: its figures and the records behind them, the scores,
    filings and applicability marks entered so far, and the forms of whoever may act: the
    body's 监督人员 scores (or confirms a filing, or marks the item not applicable); the
    agency's 负责人 files the document of an attested item."""
    officer, card = _card(request, agency_id)
    found = _item_of(card, number)
    if request.method != "POST":
        return _item_page(request, officer, card, found)
    if not may_score(officer, agency_id):
        raise PermissionDenied("只有监督机构的监督人员可以评分。")
    form = ScoreForm(request.POST, request.FILES)
    if found.indicator.attested:
        form.add_error(None, "该项由执法主体上传佐证材料、监督人员确认计分，请在材料确认中评分。")
    elif form.is_valid():
        upload = form.cleaned_data["attachment"]
        try:
            indicator_score(
                actor=officer,
                data=ScoreInput(
                    indicator_number=number,
                    agency_id=agency_id,
                    year=card.year,
                    score=form.cleaned_data["score"],
                    note=form.cleaned_data["note"],
                    attachment=ScoreAttachment(upload.name, upload) if upload else None,
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已记录第（{number}）项的评分。")
            return redirect(_item_url(agency_id, number, card.year))
    return _item_page(request, officer, card, found, status=400, score_form=form)


@login_required
@require_POST
def attest(request: HttpRequest, agency_id: int, number: int) -> HttpResponse:
    """The agency's 负责人 files the document and statement for an attested item."""
    officer = officer_for_request(request)
    if not may_attest(officer, agency_id):
        raise PermissionDenied("只有本执法主体的负责人可以为本单位提交佐证材料。")
    officer, card = _card(request, agency_id)
    found = _item_of(card, number)
    form = AttestationForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            attestation_file(
                actor=officer,
                data=AttestationInput(
                    indicator_number=number,
                    agency_id=agency_id,
                    year=card.year,
                    statement=form.cleaned_data["statement"],
                    document=ScoreAttachment(upload.name, upload),
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已提交第（{number}）项的佐证材料，待监督人员确认。")
            return redirect(_item_url(agency_id, number, card.year))
    return _item_page(request, officer, card, found, status=400, attest_form=form)


@login_required
@require_POST
def attest_review(
    request: HttpRequest, agency_id: int, number: int, attestation_id: int
) -> HttpResponse:
    """The body's 监督人员 confirms a filing (with its score) or returns it."""
    officer = officer_for_request(request)
    if not may_score(officer, agency_id):
        raise PermissionDenied("只有监督机构的监督人员可以确认佐证材料。")
    officer, card = _card(request, agency_id)
    found = _item_of(card, number)
    form = AttestationReviewForm(request.POST)
    if form.is_valid():
        filed = Attestation.objects.filter(
            pk=attestation_id, agency_id=agency_id, indicator=found.indicator, year=card.year
        ).first()
        if filed is None:
            raise Http404("未找到该材料。")
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            attestation_review(
                actor=officer,
                data=ReviewInput(
                    attestation_id=filed.pk,
                    confirm=confirm,
                    score=form.cleaned_data["score"] if confirm else None,
                    reason=form.cleaned_data["reason"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            done = "确认" if confirm else "退回"
            messages.success(request, f"已{done}第（{number}）项的佐证材料。")
            return redirect(_item_url(agency_id, number, card.year))
    return _item_page(request, officer, card, found, status=400, review_form=form)


@login_required
@require_POST
def applicability(request: HttpRequest, agency_id: int, number: int) -> HttpResponse:
    """The body's 监督人员 marks the item not applicable to the agency for the year, or
    applicable again."""
    officer = officer_for_request(request)
    if not may_score(officer, agency_id):
        raise PermissionDenied("只有监督机构的监督人员可以认定指标是否适用。")
    officer, card = _card(request, agency_id)
    found = _item_of(card, number)
    form = ApplicabilityForm(request.POST)
    if form.is_valid():
        applicable = form.cleaned_data["applicable"]
        try:
            applicability_mark(
                actor=officer,
                data=ApplicabilityInput(
                    indicator_number=number,
                    agency_id=agency_id,
                    year=card.year,
                    applicable=applicable,
                    reason=form.cleaned_data["reason"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            said = "恢复为适用" if applicable else "认定为不适用"
            messages.success(request, f"已将第（{number}）项{said}。")
            return redirect(_item_url(agency_id, number, card.year))
    return _item_page(request, officer, card, found, status=400, mark_form=form)


@login_required
@require_GET
def attest_document(
    request: HttpRequest, agency_id: int, number: int, attestation_id: int
) -> FileResponse:
    """A filing's document, for whoever reads the scorecard; each read recorded first."""
    officer, card = _card(request, agency_id)
    found = _item_of(card, number)
    filed = (
        Attestation.objects.filter(
            pk=attestation_id, agency_id=agency_id, indicator=found.indicator, year=card.year
        )
        .select_related("document")
        .first()
    )
    if filed is None:
        raise Http404("未找到该材料。")
    AttestationAccess.objects.create(attestation=filed, officer=officer, actor=officer.ledger_actor)
    handle = evidence_storage().open(filed.document.storage_name, "rb")
    return FileResponse(
        handle,
        content_type=filed.document.content_type,
        as_attachment=True,
        filename=filed.document_name or "材料",
    )


@login_required
@require_POST
def scorecard_pdf(request: HttpRequest, agency_id: int) -> HttpResponse:
    """The scorecard as a PDF, made as a job (LibreOffice takes seconds): the answer is the
    job's page, which shows the progress and then the file."""
    officer, card = _card(request, agency_id)
    try:
        job = job_request(
            actor=officer,
            kind=SCORECARD_PDF,
            params={"agency_id": card.agency.pk, "year": card.year},
        )
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("jobs:detail", job.pk)


@login_required
@require_GET
def score_attachment(
    request: HttpRequest, agency_id: int, number: int, score_id: int
) -> FileResponse:
    _, card = _card(request, agency_id)
    indicator = Indicator.objects.filter(number=number).first()
    entry = (
        history_of(agency_id, card.year, indicator).filter(pk=score_id).first()
        if indicator
        else None
    )
    if entry is None or entry.attachment is None:
        raise Http404("未找到该材料。")
    handle = evidence_storage().open(entry.attachment.storage_name, "rb")
    return FileResponse(
        handle,
        content_type=entry.attachment.content_type,
        as_attachment=True,
        filename=entry.attachment_name or "材料",
    )
