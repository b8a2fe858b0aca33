"""Office pages for evidence: thin adapters over selectors (reads) and services (writes).

A look that needs a reason is made by POST (so a link cannot make someone record a look with
a reason they never gave). The page that recorded a look hands out short-lived signed grants:
one for the inline content, one for downloading, one per record listed by a case search.
"""

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.core.identifiers import case_number_normalise
from sanxiang.errors import DomainError
from sanxiang.evidence import selectors
from sanxiang.evidence.access import access_decision
from sanxiang.evidence.forms import (
    CorrectionForm,
    EvidenceUploadForm,
    HandOverForm,
    ReasonForm,
    ResumableStartForm,
)
from sanxiang.evidence.grants import GRANT_SALT
from sanxiang.evidence.grants import grant as _grant
from sanxiang.evidence.models import AccessAction
from sanxiang.evidence.registration import agency_officers, resumable_registration
from sanxiang.evidence.resumable import (
    FIELDS_HASH,
    REGISTERING,
    UploadProblem,
    check_fields,
    fields_hash,
    finish_in_background,
    registering,
    upload_append,
    upload_create,
    upload_delete,
    upload_finish,
    upload_finish_later,
    upload_get,
)
from sanxiang.evidence.services import (
    EvidenceRefused,
    TargetSpec,
    Upload,
    blob_reader,
    case_records_open,
    evidence_correct,
    evidence_hand_over,
    evidence_open,
    evidence_register,
)
from sanxiang.evidence.uploads import HashingUploadHandler
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request

CONTENT_SECONDS = 600
GRANT_SECONDS = 3600
NOT_FOUND = "未找到该记录，或您无权调阅。"
# The chunk the browser sends a large file in (resumable.js): small enough for a bad network.
RESUMABLE_CHUNK_BYTES = 5 * 1024 * 1024


def _agency_officers(officer):
    return agency_officers(officer)


def _read_grant(
    request, kind: str, item_id: int, officer: Officer, max_age: int
) -> dict[str, Any] | None:
    raw = request.GET.get("g", "")
    if not raw:
        return None
    try:
        grant = signing.loads(raw, salt=GRANT_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(grant, dict):
        return None
    if grant.get("k") != kind or grant.get("item") != item_id or grant.get("officer") != officer.pk:
        return None
    return grant


@login_required
def evidence_list(request):
    """本单位的证据记录; 负责人 and 监督人员 can also search other units' cases with a reason."""
    officer = officer_for_request(request)
    case_number = case_number_normalise(request.GET.get("case", ""))
    items = selectors.evidence_list_for(officer=officer, case_number=case_number or None)[:200]
    can_search = officer.has_role(Role.HEAD) or officer.has_role(Role.SUPERVISOR)
    return render(
        request,
        "evidence/list.html",
        {"items": items, "case_number": case_number, "can_search": can_search},
    )


@login_required
@require_POST
def case_search(request):
    """调阅监督: another unit's case, listed after a reason; each record listed is a look."""
    officer = officer_for_request(request)
    case_number = case_number_normalise(request.POST.get("case", ""))
    reason = request.POST.get("reason", "").strip()[:300]
    try:
        items = case_records_open(actor=officer, case_number=case_number, reason=reason)
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
        return redirect("evidence:list")
    rows = [(item, _grant("open", item.pk, officer, reason)) for item in items]
    return render(
        request,
        "evidence/case_search.html",
        {"rows": rows, "case_number": case_number, "reason": reason},
    )


@csrf_exempt
def evidence_upload(request):
    """The upload handler must be in place before the request body is read (CSRF reads it)."""
    request.upload_handlers = [HashingUploadHandler(request)]
    return _evidence_upload(request)


@login_required
@csrf_protect
def _evidence_upload(request):
    officer = officer_for_request(request)
    form = EvidenceUploadForm(
        request.POST or None,
        request.FILES or None,
        officers=_agency_officers(officer),
        officer=officer,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        spec = None
        if data["target_identifier"]:
            spec = TargetSpec(data["target_kind"], data["target_name"], data["target_identifier"])
        try:
            item = evidence_register(
                actor=officer,
                upload=Upload(handle=upload.file, filename=upload.name, digests=upload.digests),
                metadata=data,
                declared_sha256=data["declared_sha256"],
                new_target=spec,
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
        # From a case page's 为本案登记证据: the case is filled in (if it is one he may choose).
        wanted = case_number_normalise(request.GET.get("case", ""))
        if wanted in {c.reference for c in form.case_choices}:
            form.initial["case_number"] = wanted
    chunk_bytes = min(RESUMABLE_CHUNK_BYTES, settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES)
    return render(request, "evidence/upload.html", {"form": form, "chunk_bytes": chunk_bytes})


@login_required
def evidence_detail(request, pk):
    """Opening a record is a recorded look (调阅); outside one's unit it needs a reason."""
    officer = officer_for_request(request)
    try:
        item = selectors.evidence_get_for(officer=officer, item_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    reason = ""
    if access_decision(officer, item).reason_required:
        grant = _read_grant(request, "open", item.pk, officer, GRANT_SECONDS)
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if grant is not None:
            reason = grant["reason"]
        elif request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
        else:
            return render(request, "evidence/reason.html", {"item": item, "form": form})
    item, _ = evidence_open(actor=officer, item_id=item.pk, action=AccessAction.VIEW, reason=reason)
    return render(
        request,
        "evidence/detail.html",
        {
            "item": item,
            "content_grant": _grant("content", item.pk, officer),
            "download_grant": _grant("download", item.pk, officer, reason),
            "reason": reason,
            "versions": selectors.versions_of(item),
            "custodian": selectors.current_custodian(item.record_id),
            "custody": selectors.custody_history(item.record_id),
            "accesses": selectors.access_history_of_record(officer=officer, item=item)[:100],
            "is_current": selectors.is_current(item),
            "can_edit": not reason and item.unit_id == officer.unit_id,
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
    """Inline content for the page that recorded the look (signed, short-lived grant)."""
    officer = officer_for_request(request)
    if _read_grant(request, "content", pk, officer, CONTENT_SECONDS) is None:
        raise Http404(NOT_FOUND)
    try:
        item = selectors.evidence_get_for(officer=officer, item_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(blob_reader(item), content_type=item.blob.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_download(request, pk):
    """Download is its own recorded look, with the reason given for the page it came from."""
    officer = officer_for_request(request)
    grant = _read_grant(request, "download", pk, officer, GRANT_SECONDS)
    if grant is None:
        raise Http404(NOT_FOUND)
    try:
        item, _ = evidence_open(
            actor=officer, item_id=pk, action=AccessAction.DOWNLOAD, reason=grant["reason"]
        )
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
    officer = officer_for_request(request)
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
    officer = officer_for_request(request)
    form = HandOverForm(request.POST, officers=_agency_officers(officer))
    if not form.is_valid():
        messages.error(request, "请选择接收人并填写移交原因。")
        return redirect("evidence:detail", pk=pk)
    receiver = form.cleaned_data["to_officer"]
    try:
        evidence_hand_over(
            actor=officer, item_id=pk, to_officer=receiver, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移交给 {receiver.name}。")
    return redirect("evidence:detail", pk=pk)


@login_required
def case_access_history(request, case_number):
    """调阅记录 of every record of a case handled by one's unit."""
    officer = officer_for_request(request)
    case_number = case_number_normalise(case_number)
    accesses = selectors.access_history_of_case(officer=officer, case_number=case_number)[:500]
    return render(
        request, "evidence/case_access.html", {"case_number": case_number, "accesses": accesses}
    )


@login_required
def target_detail(request, pk):
    """同一执法对象集中储存: every record about one target, across its cases, in one's unit."""
    officer = officer_for_request(request)
    try:
        target = selectors.target_get_for(officer=officer, target_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    cases: dict[str, list[object]] = {}
    for item in selectors.evidence_list_for(officer=officer, target_id=target.pk):
        cases.setdefault(item.case_number, []).append(item)
    return render(request, "evidence/target.html", {"target": target, "cases": cases})


# --- Resumable uploads (tus 1.0 core + creation + termination) -------------------------------

TUS_VERSION = "1.0.0"


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _tus_error(status: int, message: str) -> HttpResponse:
    return _tus(JsonResponse({"error": message}, status=status))


def _upload_problem(problem: UploadProblem) -> HttpResponse:
    """The answer to a refused upload request; the server's offset if it tells where to go on,
    ``Sanxiang-Form-Changed`` if the client must abandon the upload and start a new one."""
    response = _tus_error(problem.status, problem.message)
    if problem.offset is not None:
        response["Upload-Offset"] = str(problem.offset)
    if problem.form_changed:
        response["Sanxiang-Form-Changed"] = "1"
    return response


def _header_int(request, name: str) -> int | None:
    raw = request.headers.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 15 else None


def _upload_filename(request) -> str:
    """The file name from tus ``Upload-Metadata`` (``filename <base64>``), if sent."""
    for pair in request.headers.get("Upload-Metadata", "").split(","):
        key, _, value = pair.strip().partition(" ")
        if key == "filename":
            try:
                return base64.b64decode(value, validate=True).decode("utf-8")[:255]
            except (ValueError, UnicodeDecodeError):
                return ""
    return ""


@login_required
@require_http_methods(["POST", "OPTIONS"])
def resumable_create(request):
    """Create an upload: the form's fields (without the file) and ``Upload-Length``."""
    if request.method == "OPTIONS":
        response = _tus(HttpResponse(status=204))
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = "creation,termination"
        response["Tus-Max-Size"] = str(settings.SANXIANG_EVIDENCE_MAX_BYTES)
        return response
    officer = officer_for_request(request)
    length = _header_int(request, "Upload-Length")
    if length is None:
        return _tus_error(400, "缺少文件大小（Upload-Length），请刷新页面后重试。")
    form = ResumableStartForm(request.POST, officers=_agency_officers(officer), officer=officer)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[name].label if name in form.fields else ''}{error}"
            for name, errors in form.errors.items()
            for error in errors
        )
        return _tus_error(400, f"请检查登记信息：{problems}")
    fields = {name: request.POST.get(name, "") for name in form.fields}
    fields[FIELDS_HASH] = fields_hash(request.POST)
    try:
        upload = upload_create(
            actor=officer,
            case_number=form.cleaned_data["case_number"],
            form_data=fields,
            filename=_upload_filename(request) or "upload",
            length=length,
        )
    except UploadProblem as exc:
        return _upload_problem(exc)
    response = _tus(HttpResponse(status=201))
    response["Location"] = reverse("evidence:resumable", args=[upload.pk])
    return response


@login_required
@require_http_methods(["HEAD", "GET", "PATCH", "DELETE"])
def resumable_upload(request, upload_id):
    """HEAD: where to go on (``Upload-Offset``); PATCH: the next chunk; GET: the result of a
    finished upload (JSON, with the message of a refusal); DELETE: abandon it."""
    officer = officer_for_request(request)
    try:
        if request.method == "DELETE":
            upload_delete(actor=officer, upload_id=upload_id)
            return _tus(HttpResponse(status=204))
        if request.method == "PATCH":
            return _resumable_patch(request, officer, upload_id)
        upload = upload_get(actor=officer, upload_id=upload_id)
        # A client resuming after a reload sends the hash of the form as it is now.
        check_fields(upload, request.headers.get("Sanxiang-Form-Hash", ""))
    except UploadProblem as exc:
        return _upload_problem(exc)
    if request.method == "GET":
        response = _tus(JsonResponse(_upload_state(upload)))
    else:
        response = _tus(HttpResponse(status=200))
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    if upload.item_id is not None:
        response["Sanxiang-Evidence"] = reverse("evidence:detail", args=[upload.item_id])
    elif registering(upload):
        response["Sanxiang-Registering"] = "1"
    return response


def _upload_state(upload) -> dict[str, Any]:
    state: dict[str, Any] = {"offset": upload.offset, "length": upload.length}
    if upload.item_id is not None:
        state["evidence"] = reverse("evidence:detail", args=[upload.item_id])
    elif registering(upload):
        state["registering"] = REGISTERING
    if upload.refusal:
        state["error"] = f"文件已完整收到，但未登记：{upload.refusal}"
    return state


def _resumable_patch(request, officer: Officer, upload_id: str) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _tus_error(415, "分片格式不正确，请刷新页面后重试。")
    offset = _header_int(request, "Upload-Offset")
    length = _header_int(request, "Content-Length")
    if offset is None or length is None:
        return _tus_error(400, "缺少分片位置或长度，请刷新页面后重试。")
    upload, digests = upload_append(
        actor=officer, upload_id=upload_id, offset=offset, body=request, body_length=length
    )
    if digests is not None:
        if finish_in_background():  # copying into an object store: minutes, not in a request
            upload_finish_later(upload=upload, digests=digests)
        else:
            _resumable_register(request, officer, upload, digests)
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(upload.offset)
    if upload.item_id is not None:
        response["Sanxiang-Evidence"] = reverse("evidence:detail", args=[upload.item_id])
    elif registering(upload):
        response["Sanxiang-Registering"] = "1"
    elif upload.refusal:
        raise UploadProblem(422, f"文件已完整收到，但未登记：{upload.refusal}")
    return response


def _resumable_register(request, officer: Officer, upload, digests) -> None:
    """The complete file becomes evidence exactly as a one-shot upload would, with the form's
    metadata checked again now (the case may have ended while the file was on its way)."""
    upload_finish(
        upload=upload, digests=digests, register=resumable_registration(upload, officer, digests)
    )
    messages.success(request, f"已登记：{upload.item}，SHA-256 {upload.item.blob_id}")
