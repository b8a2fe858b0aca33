"""/api/v1/'s URL patterns: django-ninja's, answering a wrong method or an unknown path in the
same JSON error shape as everything else (ninja and Django would answer in plain text/HTML)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path

from sanxiang.api import permits  # noqa: F401 - registers POST /permits on the api
from sanxiang.api.api import api, error_response

View = Callable[..., HttpResponse]


def _json_405(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response["Allow"]
        refusal = error_response(
            request, 405, "method_not_allowed", f"本接口仅支持 {allowed} 请求。"
        )
        refusal["Allow"] = response["Allow"]
        return refusal

    return wrapper


def _unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(request, 404, "not_found", "没有这个接口。")


def _patterns() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    wrapped: list[Any] = []
    for p in patterns:
        if isinstance(p, URLPattern):
            # ninja's root view only raises 404 (its name locates the API for the schema)
            view = _unknown if p.name == "api-root" else _json_405(p.callback)
            p = URLPattern(p.pattern, view, p.default_args, p.name)
        wrapped.append(p)
    return [*wrapped, re_path(r"^(?P<rest>.*)$", _unknown)], app_name, namespace


urls = _patterns()
