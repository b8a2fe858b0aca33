"""The error pages (400, 403, 404, 500 and a failed CSRF check), in Chinese and in the look of
the site the request was for: the office under /office/, the public portal everywhere else.

Django's default pages are English and unstyled; ``sanxiang/urls.py`` points ``handler400`` …
``handler500`` here and ``CSRF_FAILURE_VIEW`` at ``csrf_failure``. A message carried by the
exception (``Http404("该案件不是现场执法案件。")``) is shown only when it is Chinese: Django's own
messages ("No Case matches the given query.") are English and say nothing a user can act on.
The 500 page is rendered without the request's context (no user, no database reads), so it
still renders when the database is what failed; under /api/ every answer is JSON.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ErrorPage:
    status: int
    code: str
    title: str
    message: str


PAGES = {
    400: ErrorPage(400, "invalid_request", "请求有误", "请求无效，请检查链接或重新填写后再试。"),
    403: ErrorPage(
        403,
        "forbidden",
        "无权访问",
        "您没有访问此页面的权限。如确需办理，请联系本单位负责人或系统管理员。",
    ),
    404: ErrorPage(
        404,
        "not_found",
        "页面不存在",
        "您访问的页面不存在，或者已被删除、移动。请检查地址是否正确。",
    ),
    500: ErrorPage(
        500,
        "server_error",
        "系统出错",
        "系统处理您的请求时出错，已记录在案。请稍后重试；如问题持续，请联系系统管理员。",
    ),
}
CSRF_PAGE = ErrorPage(
    403,
    "csrf_failed",
    "页面已过期",
    "为保护您的账号，表单提交需要有效的安全验证，但本次提交未通过（页面打开太久、已退出登录，或浏览器阻止了本网站保存登录信息）。请返回上一页，刷新后重新提交。",
)


def site_of(path: str) -> str:
    """``office`` for staff pages (/office/…), ``portal`` for everything public."""
    return "office" if path.startswith("/office/") else "portal"


def chinese_message(exception: BaseException | None) -> str:
    """The exception's own message if it is written for users (Chinese), else ''."""
    if exception is None or not exception.args:
        return ""
    first = exception.args[0]
    if isinstance(first, str) and _CJK.search(first):
        return first
    return ""


def error_response(
    request: HttpRequest | None,
    page: ErrorPage,
    *,
    path: str,
    message: str = "",
    with_request: bool = True,
) -> HttpResponse:
    """The page (or JSON under /api/) for ``page``, with ``message`` instead of its default."""
    text = message or page.message
    if path.startswith("/api/"):
        return JsonResponse(
            {"code": page.code, "message": text},
            status=page.status,
            json_dumps_params={"ensure_ascii": False},
        )
    site = site_of(path)
    context = {
        "status": page.status,
        "title": page.title,
        "message": text,
        "site": site,
        "home_url": "/office/" if site == "office" else "/gongshi/",
        "home_label": "返回办公首页" if site == "office" else "返回公示首页",
    }
    template = loader.get_template(f"{site}/error.html")
    try:
        body = template.render(context, request if with_request else None)
    except Exception:  # the error page must not fail in turn
        logger.exception("error page %s for %s failed to render", page.status, path)
        body = _bare(context)
    return HttpResponse(body, status=page.status)


def _bare(context: dict[str, object]) -> str:
    context = {key: escape(str(value)) for key, value in context.items()}
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{context['title']}</title></head><body><h1>{context['title']}</h1>"
        f'<p>{context["message"]}</p><p><a href="{context["home_url"]}">'
        f"{context['home_label']}</a></p></body></html>"
    )


@requires_csrf_token
def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 400s (a malformed request, a suspicious operation)."""
    return error_response(request, PAGES[400], path=request.path)


@requires_csrf_token
def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, PAGES[403], path=request.path, message=chinese_message(exception)
    )


@requires_csrf_token
def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, PAGES[404], path=request.path, message=chinese_message(exception)
    )


@requires_csrf_token
def handler500(request: HttpRequest) -> HttpResponse:
    return error_response(request, PAGES[500], path=request.path, with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form's security token was missing or stale."""
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return error_response(request, CSRF_PAGE, path=request.path)
