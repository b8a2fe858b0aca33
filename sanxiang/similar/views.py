"""The office page of similar earlier decisions for a draft decision (同案同罚)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sanxiang.cases.services import case_page_open
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request
from sanxiang.similar.charts import band_svg
from sanxiang.similar.selectors import is_draft, similar_to


@login_required
@require_GET
def case_similar(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening it is recorded like opening the case page (案件调阅记录)."""
    officer = officer_for_request(request)
    try:
        case = case_page_open(actor=officer, case_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    draft = is_draft(case)
    found = similar_to(case) if draft else None
    chart = band_svg(found.band, found.proposed) if found and found.band else None
    return render(
        request,
        "similar/case.html",
        {"case": case, "draft": draft, "found": found, "chart": chart},
    )
