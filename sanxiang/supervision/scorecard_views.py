"""The scorecard pages under /office/supervision/scorecard/ (thin: the scorecard selectors read,
``services.indicator_score`` writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sanxiang.core.downloads import attachment
from sanxiang.core.params import year_param
from sanxiang.errors import DomainError
from sanxiang.evidence.storage import evidence_storage
from sanxiang.org.selectors import officer_for_request, supervisory_body_of
from sanxiang.supervision.exporting import comparison_xlsx, scorecard_xlsx
from sanxiang.supervision.forms import ScoreForm
from sanxiang.supervision.models import Indicator
from sanxiang.supervision.scorecard import (
    Scorecard,
    comparison_for,
    history_of,
    may_score,
    scorecard_for,
    scored_agencies,
)
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


@login_required
def item(request: HttpRequest, agency_id: int, number: int) -> HttpResponse:
    """One indicator of the scorecard: its figures and the records behind them, the scores
    entered so far, and — for the body's 监督人员 — the form to score it."""
    officer, card = _card(request, agency_id)
    found = next((i for i in card.items if i.indicator.number == number), None)
    if found is None:
        raise Http404("没有这个指标。")
    allowed = may_score(officer, agency_id)
    form = ScoreForm(request.POST or None, request.FILES or None) if allowed else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有监督机构的监督人员可以评分。")
        if form.is_valid():
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
                target = reverse("supervision:scorecard-item", args=[agency_id, number])
                return redirect(f"{target}?year={card.year}")
        status = 400
    rows = found.computed.detail() if found.computed is not None else []
    return render(
        request,
        "supervision/scorecard_item.html",
        {
            "card": card,
            "item": found,
            "rows": rows,
            "history": history_of(agency_id, card.year, found.indicator),
            "form": form,
        },
        status=status,
    )


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
