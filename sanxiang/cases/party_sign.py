"""当事人签名 on the officer's phone: the page with the signing pad, its two answers (the drawn
signature, or the refusal with a witness) and the recorded look at a drawn signature.

Thin views over ``signature_selectors`` (reads) and ``services.party_signatures`` (writes). A
version of another case, or one the officer may not see, is a Chinese 404; a refused input
comes back on the same page with its reason (400), and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.cases.documents import KINDS
from sanxiang.cases.models import PartySignature
from sanxiang.cases.services import (
    party_signature_open,
    party_signature_record,
    party_signature_refusal_record,
)
from sanxiang.cases.services.party_signatures import PartySignatureExists
from sanxiang.cases.signature_image import SignatureImageRefused, signature_from_data_url
from sanxiang.cases.signature_selectors import Signing, recordings_for, signing_for
from sanxiang.cases.supervised_reason import reason_first
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer
from sanxiang.org.selectors import officer_for_request


def _signing(request: HttpRequest, pk: int, document_id: int) -> tuple[Officer, Signing]:
    officer = officer_for_request(request)
    if reason_first(request, officer, pk) is not None:
        raise Http404("未找到该文书版本，或您无权查看。")  # a supervisor signs nothing
    try:
        return officer, signing_for(officer, pk, document_id)
    except DomainError as exc:
        raise Http404("未找到该文书版本，或您无权查看。") from exc


def _page(
    request: HttpRequest,
    officer: Officer,
    signing: Signing,
    *,
    error: str = "",
    refusal_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "case": signing.case,
        "document": signing.document,
        "label": KINDS[signing.document.kind].label,
        "signature": signing.signature,
        "is_latest": signing.is_latest,
        "recordings": recordings_for(officer, signing.case) if signing.signature is None else [],
        "error": error,
        "refusal_error": refusal_error,
        "typed": request.POST if refusal_error else {},
    }
    return render(request, "cases/party_sign.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def party_sign(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """GET: the signing pad for one version. POST: the drawn signature (a PNG data URL)."""
    officer, signing = _signing(request, pk, document_id)
    if request.method == "GET":
        return _page(request, officer, signing)
    try:
        image = signature_from_data_url(request.POST.get("signature", ""))
        party_signature_record(
            actor=officer, case_id=signing.case.pk, document_id=signing.document.pk, image=image
        )
    except SignatureImageRefused as exc:
        return _page(request, officer, signing, error=exc.message, status=400)
    except DomainError as exc:
        return _refused(request, officer, pk, document_id, exc, field="error")
    messages.success(request, f"已记录当事人在{KINDS[signing.document.kind].label}上的签名。")
    return redirect(f"{_case_url(signing)}#documents")


@login_required
@require_POST
def party_refusal(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """当事人拒绝签名: what happened, with a witness or a recording of the case."""
    officer, signing = _signing(request, pk, document_id)
    try:
        party_signature_refusal_record(
            actor=officer,
            case_id=signing.case.pk,
            document_id=signing.document.pk,
            reason=request.POST.get("reason", ""),
            witness_name=request.POST.get("witness_name", ""),
            witness_identifier=request.POST.get("witness_identifier", ""),
            witness_unit=request.POST.get("witness_unit", ""),
            recording_id=request.POST.get("recording_id", ""),
        )
    except DomainError as exc:
        return _refused(request, officer, pk, document_id, exc, field="refusal_error")
    messages.success(request, f"已记录当事人拒绝在{KINDS[signing.document.kind].label}上签名。")
    return redirect(f"{_case_url(signing)}#documents")


def _refused(
    request: HttpRequest,
    officer: Officer,
    pk: int,
    document_id: int,
    exc: DomainError,
    *,
    field: str,
) -> HttpResponse:
    """The page again (as it is now) with why nothing was recorded: 409 when the version was
    already signed or refused, else 400."""
    _officer, signing = _signing(request, pk, document_id)
    status = 409 if isinstance(exc, PartySignatureExists) else 400
    return _page(request, officer, signing, status=status, **{field: exc.message})


def _case_url(signing: Signing) -> str:
    return reverse("cases:detail", args=[signing.case.pk])


@login_required
def party_signature_image(request: HttpRequest, signature_id: int) -> HttpResponse:
    """The drawn signature, to an officer who may view its case; each look is recorded."""
    officer = officer_for_request(request)
    case_id = (
        PartySignature.objects.filter(pk=signature_id).values_list("case_id", flat=True).first()
    )
    if (first := reason_first(request, officer, case_id)) is not None:
        return first
    try:
        _record, data = party_signature_open(actor=officer, signature_id=signature_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
