"""The 不予处罚 forms of the case page (``no_penalty_page``): they post here and are answered
like every case-page form (``views._answer``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from sanxiang.cases import selectors
from sanxiang.cases.no_penalty import ELEMENTS
from sanxiang.cases.no_penalty_page import EducationForm
from sanxiang.cases.services import education_record, no_penalty_propose, no_penalty_withdraw
from sanxiang.cases.views import _answer as answer
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request

SECTION = "no-penalty"


def _answer(request: Any, pk: int, **kwargs: Any) -> Any:
    return answer(request, pk, section=SECTION, **kwargs)


@login_required
@require_POST
def no_penalty_propose_view(request: Any, pk: int) -> Any:
    """提出（或修改）拟不予处罚意见."""
    officer = officer_for_request(request)
    ground = request.POST.get("ground", "")
    elements = {key: request.POST.get(f"element_{key}", "") for key, _ in ELEMENTS.get(ground, ())}
    try:
        selectors.case_get_for(officer, pk)
        no_penalty_propose(
            actor=officer, case_id=pk, ground=ground, tier_id=request.POST.get("tier"),
            elements=elements,
        )  # fmt: skip
    except DomainError as exc:
        return _answer(request, pk, error=exc.message)
    done = "已提出拟不予处罚意见；拟处罚种类和罚款已取消。"
    return _answer(request, pk, done=done)


@login_required
@require_POST
def no_penalty_withdraw_view(request: Any, pk: int) -> Any:
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        no_penalty_withdraw(actor=officer, case_id=pk)
    except DomainError as exc:
        return _answer(request, pk, error=exc.message)
    return _answer(request, pk, done="已撤回拟不予处罚意见。")


@login_required
@require_POST
def education_view(request: Any, pk: int) -> Any:
    """登记对当事人的教育 (第三十三条第三款)."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
    except DomainError as exc:
        return _answer(request, pk, error=exc.message)
    form = EducationForm(request.POST, handlers=list(case.handlers.all()))
    if not form.is_valid():
        return _answer(
            request, pk, error="请完整填写教育方式、日期、人员和内容（日期格式如 2026-06-10）。"
        )
    data = form.cleaned_data
    given_on: date = data["given_on"]
    try:
        education_record(
            actor=officer, case_id=pk, manner=data["manner"], given_on=given_on,
            given_by_id=data["given_by"], content=data["content"],
        )  # fmt: skip
    except DomainError as exc:
        return _answer(request, pk, error=exc.message)
    return _answer(request, pk, done="已登记对当事人的教育。")
