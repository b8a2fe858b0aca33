"""当事人查询 (/gongshi/query/): a party verifies with his case number and 查询码, and for a short
while sees his case and the documents handed to him. Thin: the rules live in
``cases.party_access``, reached through ``cases.public``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sanxiang.cases.public import (
    PartyGrant,
    PartyQueryRefused,
    party_case_public,
    party_document_public,
    party_query_public,
)
from sanxiang.core.http import client_ip
from sanxiang.errors import DomainError

logger = logging.getLogger(__name__)

SESSION_KEY = "party_query_grant"


class PartyQueryForm(forms.Form):
    number = forms.CharField(
        label="案件编号",
        max_length=64,
        help_text="例如：示城执罚〔2026〕12号；括号可输入 [ ] 或 ( )",
    )
    code = forms.CharField(label="查询码", max_length=32, help_text="文书上印的十位查询码")


def _grant(request: HttpRequest) -> PartyGrant | None:
    """The grant this browser holds, while it lasts."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    grant = PartyGrant(
        case_id=int(stored["case"]),
        code_id=int(stored["code"]),
        expires_at=datetime.fromtimestamp(float(stored["until"]), tz=UTC),
    )
    if timezone.now() >= grant.expires_at:
        request.session.pop(SESSION_KEY, None)
        return None
    return grant


def _ask_again(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "查询已超时、查询码已重新签发或尚未验证，请输入案件编号和查询码。")
    return redirect("portal:party-query")


@never_cache
def party_query(request: HttpRequest) -> HttpResponse:
    """The form; on a match, a session grant and the case page."""
    form = PartyQueryForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            grant = party_query_public(
                number=form.cleaned_data["number"],
                code=form.cleaned_data["code"],
                client_ip=client_ip(request),
            )
        except PartyQueryRefused as exc:
            form.add_error(None, exc.message)
            status = 403
        else:
            # A new session key on verification: a key planted before cannot ride the grant.
            request.session.cycle_key()
            request.session[SESSION_KEY] = {
                "case": grant.case_id,
                "code": grant.code_id,
                "until": grant.expires_at.timestamp(),
            }
            return redirect("portal:party-case")
    return render(request, "portal/party_query.html", {"form": form}, status=status)


@never_cache
def party_case(request: HttpRequest) -> HttpResponse:
    grant = _grant(request)
    case = party_case_public(grant) if grant is not None else None
    if grant is None or case is None:
        return _ask_again(request)
    left = (grant.expires_at - timezone.now()).total_seconds()
    return render(
        request,
        "portal/party_case.html",
        {"case": case, "minutes_left": max(1, int(left // 60))},
    )


@never_cache
def party_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A PDF of a document handed to the party of the granted case, and nothing else."""
    grant = _grant(request)
    if grant is None:
        return _ask_again(request)
    try:
        found = party_document_public(grant, document_id)
    except DomainError as exc:  # its PDF could not be made just now (LibreOffice)
        logger.warning("party document %s: %s", document_id, exc.log_message)
        return render(
            request, "portal/party_document_later.html", {"message": exc.message}, status=503
        )
    if found is None:
        raise Http404("没有该文书。")
    filename, data = found
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
def party_query_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "已退出案件查询。")
    return redirect("portal:party-query")
