"""Office pages of 行政许可: the agency's permits, the record form, one permit, the import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.acts import selectors, services
from sanxiang.acts.forms import PermitForm
from sanxiang.acts.models import PermitDecision
from sanxiang.errors import DomainError
from sanxiang.org.import_pages import upload_import
from sanxiang.org.selectors import officer_for_request


@login_required
@require_GET
def permit_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    rows = selectors.permits_for(officer)
    decision = request.GET.get("decision", "")
    if decision in PermitDecision.values:
        rows = rows.filter(decision=decision)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "acts/list.html",
        {
            "page": page,
            "decision": decision,
            "decisions": PermitDecision.choices,
            "may_record": selectors.may_record(officer),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_new(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    if not selectors.may_record(officer):
        raise PermissionDenied("行政许可由本机关的执法人员或负责人登记。")
    form = PermitForm(request.POST or None, initial={"authority_name": officer.unit.agency.name})
    if request.method == "POST" and form.is_valid():
        try:
            permit = services.permit_record(
                agency=officer.unit.agency,
                fields=form.service_fields(),
                source="表单",
                actor=officer,
            )
        except services.PermitRejected as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记，公示记录已建立，请在公示期限内审核公示。")
            return redirect("acts:permit", permit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "acts/new.html", {"form": form}, status=status)


@login_required
@require_GET
def permit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        permit = selectors.permit_get_for(officer, pk)
    except selectors.PermitNotFound as exc:
        raise Http404(exc.message) from exc
    followers = list(permit.followers.order_by("decided_on", "pk"))
    return render(request, "acts/detail.html", {"permit": permit, "followers": followers})


@login_required
@require_http_methods(["GET", "POST"])
def permit_import(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    allowed = selectors.may_record(officer)
    context: dict[str, object] = {"allowed": allowed, "columns": list(services.IMPORT_COLUMNS)}
    if request.method == "GET":
        return render(request, "acts/import.html", context)
    if not allowed:
        raise PermissionDenied("行政许可由本机关的执法人员或负责人导入。")
    result = upload_import(
        request,
        template="acts/import.html",
        context=context,
        max_bytes=services.MAX_UPLOAD_BYTES,
        run=lambda filename, content: services.permits_import_file(
            agency=officer.unit.agency, filename=filename, content=content, actor=officer
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, f"已导入行政许可 {result.created} 件，公示记录已建立。")
    return redirect("acts:list")
