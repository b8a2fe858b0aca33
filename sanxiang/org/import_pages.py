"""What every import page (检查对象名录, 行政许可, 裁量基准, 培训记录) does with an uploaded file
around its service: a missing file, one over the page's limit, or rows the service refuses show
the same page again with status 400 and the reasons (each refused row in the table the page
draws from ``errors``); nothing is imported. The command-line side is ``import_commands``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanxiang.errors import DomainError
from sanxiang.org.importing import ImportRejected

T = TypeVar("T")

# Rows listed on the page at most; the message counts them all.
ERRORS_SHOWN = 500


def size_limit(max_bytes: int) -> str:
    """``5 * 1024 * 1024`` → ``5 MB``, as the page says it."""
    return f"{max_bytes / 1024 / 1024:g} MB"


def upload_import(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, object],
    max_bytes: int,
    run: Callable[[str, bytes], T],
) -> T | HttpResponse:
    """``run(filename, content)``'s result, or the page again (400) saying why not."""

    def again(message: str, errors: list[object] | None = None) -> HttpResponse:
        messages.error(request, message)
        if errors is not None:
            context["errors"] = errors[:ERRORS_SHOWN]
        return render(request, template, context, status=400)

    upload = request.FILES.get("file")
    if upload is None:
        return again("请选择要导入的文件。")
    if upload.size is not None and upload.size > max_bytes:
        return again(f"文件过大，上限为 {size_limit(max_bytes)}。")
    try:
        return run(upload.name or "", upload.read())
    except ImportRejected as exc:
        return again(exc.message, list(exc.errors))
    except DomainError as exc:
        return again(exc.message)
