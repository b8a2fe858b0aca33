"""现场执法 on a phone: 当场处罚 and 现场检查, one screen per step.

Thin views: each step reads its form through ``onsite_forms``, writes through the one service
module ``cases.services.onsite`` (opening the case on the spot, photos, 当场处罚, the inspection
record and result — made of the same services the case page uses) and reads what it shows
through ``onsite_selectors``. The case exists from the party step on, so a failed upload or a
closed browser loses nothing already sent: the officer comes back to it from the start page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from sanxiang.cases import onsite_forms as forms
from sanxiang.cases import onsite_selectors as reads
from sanxiang.cases import selectors
from sanxiang.cases.circumstance_form import ticks_from_form
from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.fines import ON_SPOT_ARTICLE, ON_SPOT_LIMITS
from sanxiang.cases.models import Case, PartyKind, Procedure
from sanxiang.cases.services import (
    evidence_reference,
    inspection_check_on_site,
    inspection_result_record,
    on_spot_circumstances_set,
    on_spot_convert,
    on_spot_decide,
    on_spot_decision_document,
    on_spot_penalty_set,
    on_spot_violation_choose,
    onsite_case_open,
    onsite_photo_add,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.states import InspectionState, SimpleState
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.selectors import evidence_list_for
from sanxiang.evidence.services import Upload
from sanxiang.evidence.uploads import HashingUploadHandler
from sanxiang.org.models import EnforcementCategory, Officer
from sanxiang.org.selectors import officer_for_request

KINDS = forms.KINDS
SESSION_KEY = "sanxiang.onsite.start"


def _case(request: HttpRequest, pk: int) -> tuple[Officer, Case]:
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if case.procedure not in KINDS:
        raise Http404("该案件不是现场执法案件。")
    return officer, case


def _step_context(case: Case, step: str) -> dict[str, Any]:
    steps = (
        [("party", "当事人"), ("photos", "照片"), ("penalty", "处罚"), ("confirm", "决定")]
        if case.procedure == Procedure.PENALTY_SIMPLE
        else [("party", "当事人"), ("photos", "照片"), ("record", "笔录"), ("done", "结果")]
    )
    return {
        "case": case,
        "kind_label": KINDS[case.procedure],
        "steps": steps,
        "step": step,
        "state": PROCEDURES[case.procedure].states.get(case.state, case.state),
        "reference": evidence_reference(case),
    }


@login_required
def onsite_start(request: HttpRequest) -> HttpResponse:
    """Step a: 当场处罚 or 现场检查, what about, and the second officer."""
    officer = officer_for_request(request)
    errors: list[str] = []
    data = request.POST if request.method == "POST" else None
    categories = EnforcementCategory.objects.order_by("name")
    colleagues = reads.colleagues_for(officer)
    if data is not None:
        start, errors = forms.start_clean(
            data,
            categories={c.pk: c for c in categories},
            colleagues={o.pk: o for o in colleagues},
        )
        if start is not None:
            request.session[SESSION_KEY] = forms.start_to_session(start)
            return redirect("cases:onsite-party")
    return render(
        request,
        "cases/onsite/start.html",
        {
            "kinds": KINDS,
            "categories": categories,
            "colleagues": colleagues,
            "data": data or {"category": reads.usual_category(officer)},
            "errors": errors,
            "unfinished": reads.onsite_cases_for(officer),
        },
        status=400 if errors else 200,
    )


@login_required
def onsite_party(request: HttpRequest) -> HttpResponse:
    """Step b: the party. The case is opened here, with both officers and the party, or not at
    all (a refused ID number or credit code leaves nothing behind)."""
    officer = officer_for_request(request)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return redirect("cases:onsite")
    start = forms.start_from_session(stored)
    errors: list[str] = []
    data = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            case = onsite_case_open(actor=officer, start=start, party=forms.party_clean(data))
        except DomainError as exc:
            errors.append(exc.message)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, "已登记当事人，案件已保存；可随时从“现场执法”继续。")
            return redirect("cases:onsite-photos", pk=case.pk)
    return render(
        request,
        "cases/onsite/party.html",
        {
            "kind_label": KINDS.get(start.kind, ""),
            "title": start.title,
            "second": Officer.objects.filter(pk=start.second_id).first(),
            "party_kinds": PartyKind.choices,
            "data": data or {"party_kind": PartyKind.PERSON},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@csrf_exempt
def onsite_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload handler must be in place before the request body is read (CSRF reads it)."""
    request.upload_handlers = [HashingUploadHandler(request)]
    return _onsite_photos(request, pk)


@login_required
@csrf_protect
def _onsite_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """Step c: photos, each registered as evidence on its own (one refused keeps the others)."""
    officer, case = _case(request, pk)
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    data = request.POST if request.method == "POST" else None
    if data is not None:
        files = request.FILES.getlist("photos")
        if not files:
            errors.append("请拍摄或选择至少一张照片。")
        position = forms.position_clean(data)
        times = forms.client_times_clean(data)
        for index, upload in enumerate(files):
            try:
                item = onsite_photo_add(
                    actor=officer,
                    case_id=case.pk,
                    upload=Upload(
                        handle=upload.file,  # type: ignore[arg-type]
                        filename=upload.name or "photo",
                        digests=upload.digests,  # type: ignore[attr-defined]
                    ),
                    place=data.get("place", ""),
                    position=position,
                    client_time=times[index] if index < len(times) else None,
                    proves=data.get("proves", ""),
                    device=data.get("device", ""),
                )
            except DomainError as exc:
                results.append({"name": upload.name, "ok": False, "message": exc.message})
            else:
                results.append({"name": upload.name, "ok": True, "item": item})
            finally:
                upload.close()
    failed = any(not r["ok"] for r in results) or bool(errors)
    if "application/json" in request.headers.get("Accept", ""):
        # The page's script sends one photo a request, so a dropped connection costs one photo.
        return JsonResponse(
            {
                "errors": errors,
                "results": [
                    {"name": r["name"], "ok": True, "line": _photo_line(r["item"])}
                    if r["ok"]
                    else {"name": r["name"], "ok": False, "message": r["message"]}
                    for r in results
                ],
            },
            status=400 if failed else 200,
        )
    photos = list(evidence_list_for(officer=officer, case_number=evidence_reference(case)))
    next_step = (
        "cases:onsite-penalty"
        if case.procedure == Procedure.PENALTY_SIMPLE
        else "cases:onsite-record"
    )
    return render(
        request,
        "cases/onsite/photos.html",
        {
            **_step_context(case, "photos"),
            "photos": [_photo_line(p) for p in photos],
            "results": results,
            "errors": errors,
            "data": data or {"device": "手机"},
            "next_url": reverse(next_step, args=[case.pk]),
        },
        status=400 if failed else 200,
    )


def _photo_line(item: EvidenceItem) -> str:
    """How a registered photo is listed on the phone (the same with and without the script)."""
    return (
        f"{item.original_filename} · {timezone.localtime(item.collected_at):%H:%M:%S}"
        f" · {item.location}"
    )


@login_required
def onsite_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    """Step d: the 违法行为 from the 裁量基准 (its articles fill themselves), its 情节 with the
    photos that show them, facts, articles and the penalty; the statutory range and the
    applicable tier are checked on saving, the 第五十一条 limits too."""
    officer, case = _case(request, pk)
    if case.procedure != Procedure.PENALTY_SIMPLE:
        raise Http404("现场检查没有这一步。")
    errors: list[str] = []
    refusal = None
    data: Any = request.POST if request.method == "POST" else None
    if data is not None and data.get("action") == "circumstances":
        try:
            on_spot_circumstances_set(actor=officer, case_id=case.pk, ticks=ticks_from_form(data))
        except DomainError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "已保存裁量情节，适用阶次和建议罚款已更新。")
            return redirect(f"{reverse('cases:onsite-penalty', args=[case.pk])}#discretion")
    elif data is not None:
        groups, _ = reads.article_choices(case)
        allowed = {a.pk: a for _, group in groups for a in group}
        try:
            choice, problem = forms.penalty_clean(data, allowed)
        except DomainError as exc:
            choice, problem = None, exc.message
        if choice is None:
            errors.append(problem)
        else:
            try:
                on_spot_penalty_set(actor=officer, case_id=case.pk, choice=choice)
            except DomainError as exc:
                errors.append(exc.message)
            else:
                case = selectors.case_get_for(officer, case.pk)
                refusal = reads.limits_refusal(case, officer)
                if refusal is None:
                    return redirect("cases:onsite-confirm", pk=case.pk)
    elif case.fine_yuan is not None:
        refusal = reads.limits_refusal(case, officer)
    groups, source = reads.article_choices(case)
    return render(
        request,
        "cases/onsite/penalty.html",
        {
            **_step_context(case, "penalty"),
            "groups": groups,
            "articles_source": source,
            "discretion": reads.phone_discretion(
                case,
                query=request.GET.get("q", ""),
                posted=data if errors else None,
            ),
            "chosen_violated": forms.chosen_ids(data, "violated")
            if data is not None and "violated" in data
            else set(case.violated_articles.values_list("pk", flat=True)),
            "chosen_penalty": forms.chosen_ids(data, "penalty")
            if data is not None and "penalty" in data
            else set(case.penalty_articles.values_list("pk", flat=True)),
            "data": data
            if data is not None and "facts" in data
            else {
                "facts": case.facts,
                "fine_yuan": case.fine_yuan if case.fine_yuan is not None else "",
                "penalty_kind": "warning" if case.warning_only else "fine",
                "discretion_reasons": case.discretion_reasons,
            },
            "errors": errors,
            "limits_refusal": refusal,
            "limit_person": str(ON_SPOT_LIMITS.person),
            "limit_organisation": str(ON_SPOT_LIMITS.organisation),
            "limits_text": ON_SPOT_LIMITS.text(upto="以下"),
            "limits_article": ON_SPOT_ARTICLE,
            "party_kind": case.parties.values_list("kind", flat=True).first(),
        },
        status=400 if data is not None and (errors or refusal) else 200,
    )


@login_required
@require_POST
def onsite_violation(request: HttpRequest, pk: int) -> HttpResponse:
    """选用裁量基准中的违法行为 on the phone (its articles become the case's basis)."""
    officer, case = _case(request, pk)
    try:
        case = on_spot_violation_choose(
            actor=officer, case_id=case.pk, violation_id=request.POST.get("violation", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = case.discretion_violation.name if case.discretion_violation else ""
        messages.success(request, f"已选用违法行为“{name}”，违法依据和处罚依据已按裁量基准填入。")
    return redirect(f"{reverse('cases:onsite-penalty', args=[case.pk])}#discretion")


@login_required
def onsite_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step e (当场处罚): everything at a glance; 当场作出处罚决定 and the 决定书 for the party."""
    officer, case = _case(request, pk)
    if case.procedure != Procedure.PENALTY_SIMPLE:
        raise Http404("现场检查没有这一步。")
    if case.state != SimpleState.ON_SITE:
        return redirect("cases:onsite-done", pk=case.pk)
    error = ""
    if request.method == "POST":
        try:
            on_spot_decide(actor=officer, case_id=case.pk)
        except DomainError as exc:
            error = exc.message
            case = selectors.case_get_for(officer, case.pk)
        else:
            try:
                on_spot_decision_document(actor=officer, case_id=case.pk)
            except DomainError as exc:
                messages.error(request, f"已作出决定，但决定书未能生成：{exc.message}")
            return redirect("cases:onsite-done", pk=case.pk)
    refusal = reads.decide_refusal(case, officer)
    return render(
        request,
        "cases/onsite/confirm.html",
        {
            **_step_context(case, "confirm"),
            "parties": case.parties.all(),
            "handlers": case.handlers.all(),
            "violated": case.violated_articles.select_related("law").order_by(
                "law__title", "number"
            ),
            "penalty": case.penalty_articles.select_related("law").order_by("law__title", "number"),
            "photos": evidence_list_for(officer=officer, case_number=evidence_reference(case)),
            "discretion": case_discretion(case),
            "refusal": refusal,
            "may_convert": reads.is_limits_refusal(refusal),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def onsite_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """转为一般程序: a fine beyond 第五十一条 (or any reason the spot is not the place)."""
    officer, case = _case(request, pk)
    try:
        follow_up = on_spot_convert(actor=officer, case_id=case.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:onsite-confirm", pk=case.pk)
    messages.success(
        request,
        "已转为一般程序：当事人、违法事实、拟处理意见、依据和照片已带入新案件，请报负责人立案。",
    )
    return redirect("cases:detail", pk=follow_up.pk)


@login_required
def onsite_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Step e (现场检查): the 现场检查笔录, then 检查 is recorded."""
    officer, case = _case(request, pk)
    if case.procedure != Procedure.INSPECTION:
        raise Http404("当场处罚没有这一步。")
    if case.state != InspectionState.PLANNED:
        return redirect("cases:onsite-done", pk=case.pk)
    errors: list[str] = []
    now = timezone.localtime()
    data: Any = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            inspection_check_on_site(
                actor=officer, case_id=case.pk, inputs=forms.record_clean(data)
            )
        except DomainError as exc:
            errors.append(exc.message)
        else:
            return redirect("cases:onsite-done", pk=case.pk)
    party = case.parties.first()
    return render(
        request,
        "cases/onsite/record.html",
        {
            **_step_context(case, "record"),
            "data": data
            or {
                "started_at": f"{case.created_at.astimezone(now.tzinfo):%Y-%m-%dT%H:%M}",
                "ended_at": f"{now:%Y-%m-%dT%H:%M}",
                "place": party.address if party else "",
            },
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def onsite_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The end: the decision (or record) to download and hand over; an inspection's result."""
    officer, case = _case(request, pk)
    penalty = case.procedure == Procedure.PENALTY_SIMPLE
    if penalty and case.state == SimpleState.ON_SITE:
        return redirect("cases:onsite-confirm", pk=case.pk)
    kind = "on_spot_decision" if penalty else "inspection_record"
    return render(
        request,
        "cases/onsite/done.html",
        {
            **_step_context(case, "confirm" if penalty else "done"),
            "document": reads.latest_document(case, kind),
            "document_label": "当场行政处罚决定书" if penalty else "现场检查笔录",
            "results": [
                {"transition": t, "refusal": r} for t, r in reads.inspection_results(case, officer)
            ],
            "follow_up": reads.follow_up_of(case),
        },
    )


@login_required
@require_POST
def onsite_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the 当场处罚决定书 again (e.g. when the first try failed)."""
    officer, case = _case(request, pk)
    try:
        on_spot_decision_document(actor=officer, case_id=case.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:onsite-done", pk=case.pk)


@login_required
@require_POST
def onsite_result(request: HttpRequest, pk: int) -> HttpResponse:
    """检查结果: nothing found, or a violation (which opens a general-procedure case)."""
    officer, case = _case(request, pk)
    action = request.POST.get("action", "")
    if action not in forms.RESULTS:
        raise Http404("没有这个检查结果。")
    try:
        follow_up = inspection_result_record(actor=officer, case_id=case.pk, action=action)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:onsite-done", pk=case.pk)
    if follow_up is not None:
        messages.success(request, "已记录检查结果：发现违法行为，已转一般程序登记案源。")
        return redirect("cases:detail", pk=follow_up.pk)
    messages.success(request, "已记录检查结果：未发现违法行为。")
    return redirect("cases:onsite-done", pk=case.pk)
