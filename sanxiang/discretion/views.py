"""Office pages of 裁量基准: my agency's versions, the upload of a new one, a version, publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.discretion import services
from sanxiang.discretion.importing import COLUMNS, MAX_IMPORT_BYTES
from sanxiang.discretion.models import Benchmark
from sanxiang.discretion.selectors import benchmark_contents, benchmark_in_force
from sanxiang.errors import DomainError
from sanxiang.org.import_pages import upload_import
from sanxiang.org.selectors import officer_for_request


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_list(request: HttpRequest) -> HttpResponse:
    """The versions of the officer's agency, and (for 法制 staff and 负责人) the upload."""
    officer = officer_for_request(request)
    agency = officer.unit.agency
    allowed = services.may_import(officer)
    context: dict[str, object] = {
        "allowed": allowed,
        "columns": COLUMNS,
        "versions": list(Benchmark.objects.filter(agency=agency).order_by("-number")),
        "in_force": benchmark_in_force(agency),
    }
    if request.method == "GET":
        return render(request, "discretion/list.html", context)
    if not allowed:
        raise PermissionDenied("只有本单位法制机构人员、法制审核人员或负责人可以导入裁量基准。")
    benchmark = upload_import(
        request,
        template="discretion/list.html",
        context=context,
        max_bytes=MAX_IMPORT_BYTES,
        run=lambda filename, content: services.benchmark_import(
            agency=agency, filename=filename, content=content, officer=officer
        ),
    )
    if isinstance(benchmark, HttpResponse):
        return benchmark
    messages.success(
        request,
        f"已导入为第 {benchmark.number} 版草稿。请核对内容（可在管理后台修改），再由负责人发布。",
    )
    return redirect("discretion:detail", benchmark.pk)


def _version(request: HttpRequest, pk: int) -> tuple[Benchmark, bool]:
    officer = officer_for_request(request)
    benchmark = Benchmark.objects.filter(pk=pk, agency_id=officer.unit.agency_id).first()
    if benchmark is None:
        raise Http404("本单位没有该裁量基准版本。")
    return benchmark, services.may_publish(officer)


@login_required
@require_GET
def benchmark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of my agency's benchmark, whatever its status, with the publish button."""
    benchmark, may_publish = _version(request, pk)
    content = benchmark_contents(benchmark)
    return render(
        request,
        "discretion/detail.html",
        {"benchmark": benchmark, "content": content, "may_publish": may_publish},
    )


@login_required
@require_POST
def benchmark_publish(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark, _ = _version(request, pk)
    try:
        benchmark = services.benchmark_publish(
            benchmark_id=benchmark.pk, officer=officer_for_request(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("discretion:detail", pk)
    messages.success(
        request,
        f"第 {benchmark.number} 版已发布，自 {benchmark.valid_from:%Y年%m月%d日} 起施行，"
        "并在执法公示网站公开。",
    )
    return redirect("discretion:detail", pk)
