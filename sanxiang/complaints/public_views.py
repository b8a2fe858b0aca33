"""The portal's 投诉举报 pages (/gongshi/complaints/): the form, the page that shows the tracking
code once, and the tracking page. In this app, not in ``portal``, because the portal may not
reach the evidence store; drawn in the portal's look.

Spam resistance, without a third-party captcha: a honeypot field people do not see, a minimum
fill time carried by a signed stamp, and rate limits per address and per session (in the
database, ``services``). Each refusal is a Chinese 4xx page that keeps what was typed (the files
must be chosen again: a browser cannot be given them back).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanxiang.complaints import services
from sanxiang.complaints.forms import (
    MAX_FILL_SECONDS,
    MIN_FILL_SECONDS,
    ComplaintForm,
    TrackForm,
    started_age,
    started_stamp,
)
from sanxiang.complaints.selectors import complaint_public
from sanxiang.core.http import client_ip

logger = logging.getLogger(__name__)

HONEYPOT = "homepage"
SESSION_CODE = "complaint_code"
FILES_AGAIN = "如有附件，请重新选择。"


def _client(request: HttpRequest) -> services.Client:
    if not request.session.session_key:
        request.session.save()
    return services.Client(
        address_hash=services.client_hash(client_ip(request)),
        session_hash=services.client_hash(str(request.session.session_key)),
    )


def _page(
    request: HttpRequest, form: ComplaintForm, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "complaints/public_form.html",
        {"form": form, "honeypot": HONEYPOT, **extra},
        status=status,
    )


def _with_stamp(data: Any, stamp: str) -> Any:
    data = data.copy()
    data["started"] = stamp
    return data


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, ComplaintForm(initial={"started": started_stamp()}))
    limit = services.MAX_FILES * services.max_bytes() + 1024 * 1024
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads no more than the body it gets; the file limits still apply
    if length > limit:
        logger.warning("complaint form body of %s bytes refused", request.META["CONTENT_LENGTH"])
        form = ComplaintForm(initial={"started": started_stamp()})
        form.add_error(
            None, "提交的内容过大（附件合计超过限制），未登记。请减少或压缩附件后重新填写。"
        )
        return _page(request, form, status=413)
    if request.POST.get(HONEYPOT, "").strip():
        logger.warning("complaint form honeypot filled; nothing stored")
        form = ComplaintForm(_with_stamp(request.POST, started_stamp()))
        form.is_valid()
        form.add_error(None, "提交未被接受：表单中有一项不应填写的内容被填写了。请核对后重新提交。")
        return _page(request, form, status=400)
    age = started_age(request.POST.get("started", ""))
    if age is None or age > MAX_FILL_SECONDS:
        logger.info("complaint form stamp missing, forged or stale (%s)", age)
        form = ComplaintForm(_with_stamp(request.POST, started_stamp()))
        form.is_valid()
        form.add_error(None, "表单已过期，您填写的内容已保留，请核对后再次提交。" + FILES_AGAIN)
        return _page(request, form, status=400)
    if age < MIN_FILL_SECONDS:
        logger.warning("complaint form sent %.1f s after it was drawn; nothing stored", age)
        form = ComplaintForm(request.POST)  # the same stamp: a moment later it passes
        form.is_valid()
        form.add_error(None, "提交过快，未登记。请核对填写的内容后再次提交。" + FILES_AGAIN)
        return _page(request, form, status=400)
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    new = services.NewComplaint(
        agency_id=data["agency"].pk,
        kind=data["kind"],
        subject=data["subject"],
        category_id=data["category"].pk if data["category"] else None,
        text=data["text"],
        name=data["name"],
        contact=data["contact"],
        files=[services.Upload(handle=f.file, filename=f.name) for f in data["attachments"]],
    )
    try:
        complaint = services.complaint_submit(new=new, client=_client(request))
    except services.TooMany as exc:
        form.add_error(None, exc.message + FILES_AGAIN)
        return _page(request, form, status=429)
    except services.ComplaintRefused as exc:
        form.add_error(None, exc.message + FILES_AGAIN)
        return _page(request, form, status=400)
    request.session[SESSION_CODE] = complaint.code
    return redirect("complaints-public:done")


@never_cache
def complaint_done(request: HttpRequest) -> HttpResponse:
    """The tracking code, shown once after the form (then only the complainant has it)."""
    code = request.session.pop(SESSION_CODE, None)
    if not code:
        return redirect("complaints-public:status")
    return render(request, "complaints/public_done.html", {"code": services.code_display(code)})


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest) -> HttpResponse:
    """The tracking page: the code is posted (not put in the address, which browsers and
    servers keep in their logs); a wrong code shows nothing and counts against the address."""
    form = TrackForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = services.complaint_lookup(
                    code=form.cleaned_data["code"], client=_client(request)
                )
            except services.TooMany as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                if complaint is None:
                    form.add_error(None, "未找到该跟踪码对应的投诉举报，请核对后重新输入。")
                    status = 404
                else:
                    found = complaint_public(complaint)
        else:
            status = 400
    return render(
        request,
        "complaints/public_status.html",
        {
            "form": form,
            "blank_form": TrackForm(),
            "complaint": found,
            "code": services.code_display(found.code) if found else "",
        },
        status=status,
    )
