"""Office pages for evidence: thin adapters over selectors (reads) and services (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from sanxiang.errors import DomainError
from sanxiang.evidence import selectors
from sanxiang.evidence.forms import CorrectionForm, EvidenceUploadForm, HandOverForm, ReasonForm
from sanxiang.evidence.models import AccessAction
from sanxiang.evidence.services import (
    EvidenceRefused,
    Upload,
    blob_reader,
    evidence_correct,
    evidence_hand_over,
    evidence_open,
    evidence_register,
    target_register,
)
from sanxiang.evidence.uploads import HashingUploadHandler
from sanxiang.org.models import Officer
from sanxiang.org.selectors import officer_for_user

CONTENT_SALT = "sanxiang.evidence.content"
CONTENT_TOKEN_SECONDS = 600


def _officer(request):
    officer = officer_for_user(request.user.pk)
    if officer is None:
        raise PermissionError
    return officer


def _agency_officers(officer):
    return (
        Officer.objects.filter(
            unit__agency_id=officer.unit.agency_id, is_active=True, certificates__isnull=False
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "name")
    )


def _no_officer(request):
    return HttpResponseForbidden("此账号尚未关联执法人员信息，请联系系统管理员。")


@login_required
def evidence_list(request):
    """本单位（及职权范围内）的证据记录, optionally for one case."""
    try:
        officer = _officer(request)
    except PermissionError:
        return _no_officer(request)
    case_number = request.GET.get("case", "").strip()[:64]
    items = selectors.evidence_list_for(officer=officer, case_number=case_number or None)[:200]
    return render(request, "evidence/list.html", {"items": items, "case_number": case_number})


@csrf_exempt
def evidence_upload(request):
    """The upload handler must be in place before the request body is read (CSRF reads it)."""
    request.upload_handlers = [HashingUploadHandler(request)]
    return _evidence_upload(request)


@login_required
@csrf_protect
def _evidence_upload(request):
    try:
        officer = _officer(request)
    except PermissionError:
        return _no_officer(request)
    officers = _agency_officers(officer)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, officers=officers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            target = None
            if data["target_identifier"]:
                target = target_register(
                    actor=officer,
                    kind=data["target_kind"],
                    name=data["target_name"],
                    identifier=data["target_identifier"],
                )
            item = evidence_register(
                actor=officer,
                upload=Upload(handle=upload.file, filename=upload.name, digests=upload.digests),
                metadata={**data, "target": target},
                declared_sha256=data["declared_sha256"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记：{item}，SHA-256 {item.blob_id}")
            return redirect("evidence:detail", pk=item.pk)
        finally:
            upload.close()
    elif request.method == "GET":
        form.initial["collector"] = officer.pk
    return render(request, "evidence/upload.html", {"form": form})


@login_required
def evidence_detail(request, pk):
    """Opening a record is a recorded look (调阅); outside one's unit it needs a reason."""
    try:
        officer = _officer(request)
        item = selectors.evidence_get_for(officer=officer, item_id=pk)
    except PermissionError:
        return _no_officer(request)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    decision = selectors.access_decision(officer, item)
    reason_form = ReasonForm(request.GET or None)
    if decision.reason_required and not reason_form.is_valid():
        return render(request, "evidence/reason.html", {"item": item, "form": reason_form})
    reason = reason_form.cleaned_data["reason"] if decision.reason_required else ""
    item, record = evidence_open(
        actor=officer, item_id=item.pk, action=AccessAction.VIEW, reason=reason
    )
    token = signing.dumps(
        {"item": item.pk, "officer": officer.pk, "access": record.pk}, salt=CONTENT_SALT
    )
    return render(
        request,
        "evidence/detail.html",
        {
            "item": item,
            "token": token,
            "reason": reason,
            "versions": selectors.versions_of(item),
            "custodian": selectors.current_custodian(item.record_id),
            "custody": selectors.custody_history(item.record_id),
            "accesses": selectors.access_history_of_record(officer=officer, item=item)[:100],
            "is_current": not hasattr(item, "superseded_by"),
            "can_edit": not decision.reason_required,
            "correction_form": CorrectionForm(
                initial={"location": item.location, "proves": item.proves, "device": item.device}
            ),
            "hand_over_form": HandOverForm(
                officers=_agency_officers(officer).exclude(pk=officer.pk)
            ),
        },
    )


@login_required
def evidence_content(request, pk):
    """Inline content for the page that recorded the look (signed, short-lived token)."""
    try:
        officer = _officer(request)
        grant = signing.loads(
            request.GET.get("t", ""), salt=CONTENT_SALT, max_age=CONTENT_TOKEN_SECONDS
        )
        if grant["item"] != int(pk) or grant["officer"] != officer.pk:
            raise signing.BadSignature
        item = selectors.evidence_get_for(officer=officer, item_id=pk)
    except (PermissionError, signing.BadSignature, KeyError, ValueError, DomainError) as exc:
        raise Http404("未找到该记录，或您无权调阅。") from exc
    response = FileResponse(blob_reader(item), content_type=item.blob.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_download(request, pk):
    """Download is its own recorded look, with its own reason where one is needed."""
    try:
        officer = _officer(request)
        item, _ = evidence_open(
            actor=officer,
            item_id=pk,
            action=AccessAction.DOWNLOAD,
            reason=request.GET.get("reason", ""),
        )
    except PermissionError:
        return _no_officer(request)
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
        return redirect("evidence:detail", pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(
        blob_reader(item),
        as_attachment=True,
        filename=item.original_filename,
        content_type=item.blob.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_correct_view(request, pk):
    officer = _officer(request)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写更正内容和原因。")
        return redirect("evidence:detail", pk=pk)
    changes = {key: form.cleaned_data[key] for key in ("location", "proves", "device")}
    try:
        new = evidence_correct(
            actor=officer, item_id=pk, changes=changes, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evidence:detail", pk=pk)
    messages.success(request, f"已更正，生成第 {new.version} 版；原版本保留。")
    return redirect("evidence:detail", pk=new.pk)


@login_required
@require_POST
def evidence_hand_over_view(request, pk):
    officer = _officer(request)
    form = HandOverForm(request.POST, officers=_agency_officers(officer))
    if not form.is_valid():
        messages.error(request, "请选择接收人并填写移交原因。")
        return redirect("evidence:detail", pk=pk)
    try:
        evidence_hand_over(
            actor=officer,
            item_id=pk,
            to_officer=form.cleaned_data["to_officer"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移交给 {form.cleaned_data['to_officer'].name}。")
    return redirect("evidence:detail", pk=pk)


@login_required
def case_access_history(request, case_number):
    """调阅记录 of every record of a case."""
    officer = _officer(request)
    accesses = selectors.access_history_of_case(officer=officer, case_number=case_number)[:500]
    return render(
        request, "evidence/case_access.html", {"case_number": case_number, "accesses": accesses}
    )


@login_required
def target_detail(request, pk):
    """同一执法对象集中储存: every record about one target, across its cases, within scope."""
    officer = _officer(request)
    try:
        target = selectors.target_get_for(officer=officer, target_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    items = selectors.evidence_list_for(officer=officer, target_id=target.pk)
    cases: dict[str, list[object]] = {}
    for item in items:
        cases.setdefault(item.case_number, []).append(item)
    return render(request, "evidence/target.html", {"target": target, "cases": cases})
