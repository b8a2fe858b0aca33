"""办公 › 预警: the alerts an officer is to act on, and acknowledging or resolving one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanxiang.alerts.models import AlertStatus
from sanxiang.alerts.selectors import alerts_for
from sanxiang.alerts.services import alert_acknowledge, alert_resolve
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    mine = alerts_for(officer)
    return render(
        request,
        "alerts/list.html",
        {
            "standing": mine.exclude(status=AlertStatus.RESOLVED).order_by("raised_at", "pk"),
            "resolved": mine.filter(status=AlertStatus.RESOLVED).order_by("-resolved_at")[:50],
        },
    )


@login_required
@require_POST
def alert_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        if action == "acknowledge":
            alert_acknowledge(actor=officer, alert_id=pk)
            messages.success(request, "已确认该预警。")
        elif action == "resolve":
            alert_resolve(actor=officer, alert_id=pk, note=request.POST.get("note", ""))
            messages.success(request, "已记录处理情况。情况仍存在的，系统核对时会重新预警。")
        else:
            messages.error(request, "不支持的操作。")
            return redirect("alerts:list")
    except DomainError as exc:
        messages.error(request, exc.message)
        response = alert_list(request)
        response.status_code = 400
        return response
    return redirect("alerts:list")
