"""现场执法 on a phone: 当场处罚 and 现场检查, one screen per step.

Thin views over the same services the case page uses (``case_open``, ``party_add``,
``handlers_set``, ``case_assess``, ``case_basis_set``, ``case_transition``, ``document_generate``)
and the evidence app's ``evidence_register`` (through ``onsite_photo_add``). The case exists
from the party step on, so a failed upload or a closed browser loses nothing already sent:
the officer comes back to it from the start page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from sanxiang.cases import selectors
from sanxiang.cases.models import Case, CaseDocument, PartyKind, PenaltyKind, Procedure
from sanxiang.cases.services import (
    ONSITE_STATES,
    Assessment,
    NewCase,
    Position,
    case_assess,
    case_basis_set,
    case_open,
    case_transition,
    document_generate,
    evidence_reference,
    handlers_set,
    inspection_record_on_site,
    on_spot_convert,
    on_spot_decide,
    onsite_photo_add,
    party_add,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import GuardContext, Refusal
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.core.params import is_id
from sanxiang.core.workdays import get_calendar
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.selectors import evidence_list_for
from sanxiang.evidence.services import Upload
from sanxiang.evidence.uploads import HashingUploadHandler
from sanxiang.org.models import (
    Article,
    EnforcementCategory,
    EnforcementItem,
    Officer,
    PowerKind,
    Role,
)
from sanxiang.org.selectors import officer_for_request

KINDS = {
    Procedure.PENALTY_SIMPLE.value: "当场处罚",
    Procedure.INSPECTION.value: "现场检查",
}
TWO_OFFICERS = (
    "现场执法须由两名以上持有有效执法证的执法人员进行，请选择同行的另一名执法人员"
    "（行政处罚法第四十二条、第五十一条、第五十五条）。"
)
SESSION_KEY = "sanxiang.onsite.start"
LIMITS_GUARD = "within_on_spot_limits"


def _colleagues(officer: Officer, category_id: int | None = None) -> list[Officer]:
    """Who may go out with ``officer``: in post, certified today (for the category), not a
    法制审核人员, and — unless he is a 负责人 — of his own unit (as ``handlers_set`` requires)."""
    today = timezone.localdate()
    people = (
        Officer.objects.filter(unit__agency_id=officer.unit.agency_id, is_active=True)
        .exclude(pk=officer.pk)
        .select_related("unit")
        .prefetch_related("roles", "certificates__categories")
        .order_by("unit__name", "name")
    )
    if not officer.has_role(Role.HEAD):
        people = people.filter(unit_id=officer.unit_id)
    chosen = []
    for person in people:
        certificate = person.certificate_valid_on(today)
        if certificate is None or person.has_role(Role.REVIEWER):
            continue
        if category_id and not any(c.pk == category_id for c in certificate.categories.all()):
            continue
        chosen.append(person)
    return chosen


def _usual_category(officer: Officer) -> str:
    """The 执法类别 of the officer's certificate, to start with."""
    certificate = officer.certificate_valid_on(timezone.localdate())
    category = certificate.categories.order_by("pk").first() if certificate else None
    return str(category.pk) if category else ""


def _onsite_cases(officer: Officer) -> list[Case]:
    """The officer's unfinished on-site cases, to come back to."""
    cases = selectors.cases_for(officer).filter(handlers=officer)
    rows = []
    for procedure, states in ONSITE_STATES.items():
        rows += list(cases.filter(procedure=procedure, state__in=states)[:20])
    return sorted(rows, key=lambda c: c.created_at, reverse=True)


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
    if data is not None:
        kind = data.get("kind", "")
        title = data.get("title", "").strip()
        try:
            category = categories.get(pk=int(data.get("category", "")))
        except (ValueError, EnforcementCategory.DoesNotExist):
            category = None
        colleagues = {o.pk: o for o in _colleagues(officer)}
        try:
            second = colleagues.get(int(data.get("second", "")))
        except ValueError:
            second = None
        if kind not in KINDS:
            errors.append("请选择当场处罚或现场检查。")
        if not title:
            errors.append("请填写案由（如：占道经营、油烟排放检查）。")
        if category is None:
            errors.append("请选择执法类别。")
        if second is None:
            errors.append(TWO_OFFICERS)
        if not errors and category is not None and second is not None:
            request.session[SESSION_KEY] = {
                "kind": kind,
                "title": title[:200],
                "category": category.pk,
                "second": second.pk,
            }
            return redirect("cases:onsite-party")
    return render(
        request,
        "cases/onsite/start.html",
        {
            "kinds": KINDS,
            "categories": categories,
            "colleagues": _colleagues(officer),
            "data": data or {"category": _usual_category(officer)},
            "errors": errors,
            "unfinished": _onsite_cases(officer),
        },
        status=400 if errors else 200,
    )


@login_required
def onsite_party(request: HttpRequest) -> HttpResponse:
    """Step b: the party. The case is opened here, with both officers and the party, or not at
    all (a refused ID number or credit code leaves nothing behind)."""
    officer = officer_for_request(request)
    start = request.session.get(SESSION_KEY)
    if not start:
        return redirect("cases:onsite")
    errors: list[str] = []
    data = request.POST if request.method == "POST" else None
    if data is not None:
        kind = data.get("party_kind", "")
        second = Officer.objects.filter(pk=start["second"]).first()
        if second is None:
            errors.append(TWO_OFFICERS)
        else:
            today = timezone.localdate()
            try:
                with transaction.atomic():
                    case = case_open(
                        actor=officer,
                        new=NewCase(
                            procedure=start["kind"],
                            title=start["title"],
                            source="现场执法",
                            category=EnforcementCategory.objects.get(pk=start["category"]),
                            violation_on=today,
                            clue_received_on=today,
                        ),
                    )
                    handlers_set(actor=officer, case_id=case.pk, officers=[officer, second])
                    party_add(
                        actor=officer,
                        case_id=case.pk,
                        kind=kind,
                        name=data.get("party_name", ""),
                        identifier=data.get("party_identifier", ""),
                        address=data.get("party_address", ""),
                        contact=data.get("party_contact", ""),
                    )
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
            "kind_label": KINDS.get(start["kind"], ""),
            "title": start["title"],
            "second": Officer.objects.filter(pk=start["second"]).first(),
            "party_kinds": PartyKind.choices,
            "data": data or {"party_kind": PartyKind.PERSON},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


COORDINATE_LIMIT = Decimal(10**7)


def _decimal(value: str) -> Decimal | None:
    """A coordinate or an accuracy in metres from the browser (JavaScript may write ``1e-7``);
    None for anything else, or for a magnitude no position has (it could not be quantized)."""
    value = value.strip()[:40]
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < COORDINATE_LIMIT else None


def _position(data: Any) -> Position | None:
    latitude, longitude = _decimal(data.get("latitude", "")), _decimal(data.get("longitude", ""))
    if latitude is None or longitude is None:
        return None
    accuracy = _decimal(data.get("accuracy", ""))
    degree = Decimal("0.000001")
    return Position(
        latitude.quantize(degree),
        longitude.quantize(degree),
        accuracy.quantize(Decimal("0.1")) if accuracy is not None else None,
    )


def _client_times(data: Any) -> list[datetime | None]:
    """The files' lastModified (milliseconds since 1970) as the browser reported them."""
    times: list[datetime | None] = []
    for raw in data.get("times", "").split(","):
        try:
            times.append(datetime.fromtimestamp(int(raw.strip()) / 1000, tz=UTC))
        except (ValueError, OverflowError, OSError):
            times.append(None)
    return times


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
        position = _position(data)
        times = _client_times(data)
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


def _article_choices(case: Case) -> tuple[list[tuple[str, list[Article]]], str]:
    """The articles to pick from: those the agency's 行政执法事项 (处罚, of the case's category)
    cite, else every article in force in the 法律法规库."""
    kind = PowerKind.PENALTY if case.procedure == Procedure.PENALTY_SIMPLE else PowerKind.INSPECTION
    cited = Article.objects.filter(
        pk__in=EnforcementItem.objects.filter(
            agency_id=case.agency_id, kind=kind, category_id=case.category_id, is_active=True
        ).values("basis_articles"),
        law__is_in_force=True,
    )
    source = "本机关行政执法事项清单所列依据"
    if not cited.exists():
        cited, source = Article.objects.filter(law__is_in_force=True), "法律法规库"
    articles = cited.select_related("law").order_by("law__title", "number")
    return [
        (title, list(group)) for title, group in groupby(articles, lambda a: a.law.title)
    ], source


def _decide_refusal(case: Case, officer: Officer) -> Refusal | None:
    definition = PROCEDURES[case.procedure]
    context = GuardContext(
        case=case, actor=officer, today=timezone.localdate(), calendar=get_calendar()
    )
    return definition.refusal(definition.transition("decide_on_spot"), context)


@login_required
def onsite_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    """Step d: facts, articles and the penalty; the 第五十一条 limits are checked on saving."""
    officer, case = _case(request, pk)
    if case.procedure != Procedure.PENALTY_SIMPLE:
        raise Http404("现场检查没有这一步。")
    groups, source = _article_choices(case)
    errors: list[str] = []
    refusal = None
    data: Any = request.POST if request.method == "POST" else None
    if data is not None:
        allowed = {a.pk: a for _, group in groups for a in group}
        violated = [
            allowed[int(v)] for v in data.getlist("violated") if is_id(v) and int(v) in allowed
        ]
        penalty = [
            allowed[int(v)] for v in data.getlist("penalty") if is_id(v) and int(v) in allowed
        ]
        warning = data.get("penalty_kind") == "warning"
        fine, fine_problem = None, ""
        try:
            fine = money_parse(data.get("fine_yuan", ""), label="罚款金额")
        except MoneyRefused as exc:
            fine_problem = exc.message
        if allowed and (not violated or not penalty):
            errors.append(
                "请选择违法依据和处罚依据（当场处罚决定书应当载明，行政处罚法第五十二条）。"
            )
        elif fine_problem and not warning:
            errors.append(fine_problem)
        elif not warning and fine is None:
            errors.append("请填写罚款金额，或选择警告。")
        else:
            try:
                with transaction.atomic():
                    case_assess(
                        actor=officer,
                        case_id=case.pk,
                        assessment=Assessment(
                            facts=data.get("facts", ""),
                            penalty_kinds=(PenaltyKind.WARNING,)
                            if warning
                            else (PenaltyKind.FINE,),
                            fine_yuan=None if warning else fine,
                        ),
                    )
                    case_basis_set(
                        actor=officer, case_id=case.pk, violated=violated, penalty=penalty
                    )
            except DomainError as exc:
                errors.append(exc.message)
            else:
                case = selectors.case_get_for(officer, case.pk)
                refusal = _decide_refusal(case, officer)
                if refusal is None or refusal.guard != LIMITS_GUARD:
                    return redirect("cases:onsite-confirm", pk=case.pk)
    else:
        refused = _decide_refusal(case, officer) if case.fine_yuan is not None else None
        refusal = refused if refused and refused.guard == LIMITS_GUARD else None
    chosen_violated = (
        {int(v) for v in data.getlist("violated") if is_id(v)}
        if data is not None
        else set(case.violated_articles.values_list("pk", flat=True))
    )
    chosen_penalty = (
        {int(v) for v in data.getlist("penalty") if is_id(v)}
        if data is not None
        else set(case.penalty_articles.values_list("pk", flat=True))
    )
    return render(
        request,
        "cases/onsite/penalty.html",
        {
            **_step_context(case, "penalty"),
            "groups": groups,
            "articles_source": source,
            "chosen_violated": chosen_violated,
            "chosen_penalty": chosen_penalty,
            "data": data
            or {
                "facts": case.facts,
                "fine_yuan": case.fine_yuan if case.fine_yuan is not None else "",
                "penalty_kind": "warning" if case.warning_only else "fine",
            },
            "errors": errors,
            "limits_refusal": refusal,
            "limit_person": "200",
            "limit_organisation": "3000",
            "party_kind": case.parties.values_list("kind", flat=True).first(),
        },
        status=400 if data is not None and (errors or refusal) else 200,
    )


@login_required
def onsite_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step e (当场处罚): everything at a glance; 当场作出处罚决定 and the 决定书 for the party."""
    officer, case = _case(request, pk)
    if case.procedure != Procedure.PENALTY_SIMPLE:
        raise Http404("现场检查没有这一步。")
    if case.state != "on_site":
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
                document_generate(actor=officer, case_id=case.pk, kind="on_spot_decision")
            except DomainError as exc:
                messages.error(request, f"已作出决定，但决定书未能生成：{exc.message}")
            return redirect("cases:onsite-done", pk=case.pk)
    refusal = _decide_refusal(case, officer)
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
            "refusal": refusal,
            "may_convert": refusal is not None and refusal.guard == LIMITS_GUARD,
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
    if case.state != "planned":
        return redirect("cases:onsite-done", pk=case.pk)
    errors: list[str] = []
    now = timezone.localtime()
    data: Any = request.POST if request.method == "POST" else None
    if data is not None:
        inputs = {
            name: data.get(name, "")
            for name in ("started_at", "ended_at", "place", "present", "findings")
        }
        try:
            inspection_record_on_site(actor=officer, case_id=case.pk, inputs=inputs)
            case_transition(actor=officer, case_id=case.pk, action="check")
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
    if case.procedure == Procedure.PENALTY_SIMPLE and case.state == "on_site":
        return redirect("cases:onsite-confirm", pk=case.pk)
    kind = "on_spot_decision" if case.procedure == Procedure.PENALTY_SIMPLE else "inspection_record"
    document = CaseDocument.objects.filter(case=case, kind=kind).order_by("-version").first()
    results = []
    if case.procedure == Procedure.INSPECTION and case.state == "checked":
        definition = PROCEDURES[case.procedure]
        context = GuardContext(
            case=case, actor=officer, today=timezone.localdate(), calendar=get_calendar()
        )
        results = [
            {"transition": t, "refusal": r}
            for t, r in definition.options(context)
            if t.action in ("find_nothing", "find_violation")
        ]
    return render(
        request,
        "cases/onsite/done.html",
        {
            **_step_context(
                case, "confirm" if case.procedure == Procedure.PENALTY_SIMPLE else "done"
            ),
            "document": document,
            "document_label": "当场行政处罚决定书"
            if kind == "on_spot_decision"
            else "现场检查笔录",
            "results": results,
            "follow_up": Case.objects.filter(origin=case).first(),
        },
    )


@login_required
@require_POST
def onsite_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the 当场处罚决定书 again (e.g. when the first try failed)."""
    officer, case = _case(request, pk)
    try:
        document_generate(actor=officer, case_id=case.pk, kind="on_spot_decision")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:onsite-done", pk=case.pk)


@login_required
@require_POST
def onsite_result(request: HttpRequest, pk: int) -> HttpResponse:
    """检查结果: nothing found, or a violation (which opens a general-procedure case)."""
    officer, case = _case(request, pk)
    action = request.POST.get("action", "")
    if action not in ("find_nothing", "find_violation"):
        raise Http404("没有这个检查结果。")
    try:
        case_transition(actor=officer, case_id=case.pk, action=action)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:onsite-done", pk=case.pk)
    follow_up = Case.objects.filter(origin=case).first()
    if follow_up is not None:
        messages.success(request, "已记录检查结果：发现违法行为，已转一般程序登记案源。")
        return redirect("cases:detail", pk=follow_up.pk)
    messages.success(request, "已记录检查结果：未发现违法行为。")
    return redirect("cases:onsite-done", pk=case.pk)
