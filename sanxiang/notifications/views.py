"""站内通知 pages: the list, 标为已读, 全部标为已读 and opening a notification's case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.notifications.selectors import notifications_for
from sanxiang.notifications.services import (
    NotificationNotFound,
    notification_read,
    notifications_read_all,
)
from sanxiang.org.selectors import officer_for_request

SHOWN = 100


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (the 工作台 or the list), never to another host."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("office:home") + "#notices"
    return HttpResponseRedirect(target)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    items = list(notifications_for(officer)[:SHOWN])
    return render(
        request,
        "notifications/list.html",
        {"notifications": items, "unread": sum(1 for n in items if n.read_at is None)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        notification_read(officer=officer, notification_id=pk)
    except NotificationNotFound as exc:
        raise Http404(exc.message) from exc
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    count = notifications_read_all(officer=officer)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening the case from its notification: the desk's button POSTs here, which marks the
    notification read and goes on to the case. A GET (a bookmarked or copied address) only goes
    on to the case: reading a page never changes anything."""
    officer = officer_for_request(request)
    notification = notifications_for(officer).filter(pk=pk).first()
    if notification is None:
        raise Http404("未找到该通知。")
    if request.method == "POST":
        notification_read(officer=officer, notification_id=notification.pk)
    return redirect("cases:detail", notification.case_id)
