"""Office pages for cases: thin adapters over selectors (reads) and services (writes)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.cases import execution, selectors
from sanxiang.cases.access import CaseAction, case_allows, case_supervised_only
from sanxiang.cases.circumstance_form import ticks_from_form
from sanxiang.cases.circumstances import CaseDiscretion, case_discretion
from sanxiang.cases.document_inputs import INPUTS
from sanxiang.cases.documents import (
    EVIDENTIAL_DOCUMENTS,
    KINDS,
    PARTY_SIGNED_KINDS,
    document_refusal,
    is_available,
)
from sanxiang.cases.forms import (
    AccessReasonForm,
    BasisForm,
    CaseOpenForm,
    document_inputs_form,
    drawn_inputs_form,
)
from sanxiang.cases.labels import case_event_label
from sanxiang.cases.models import (
    AccessReason,
    Case,
    CaseDocument,
    PenaltyKind,
    RemedyStepKind,
    ReviewFlag,
)
from sanxiang.cases.no_penalty_page import no_penalty_page, no_penalty_read_only
from sanxiang.cases.notified import NEW_NOTICE, against_party
from sanxiang.cases.page_forms import (
    AssessmentForm,
    CourtApplicationForm,
    CourtStepForm,
    ExtensionForm,
    PaymentForm,
    PerformanceForm,
    RemedyForm,
    RemedyStepForm,
    ScheduleForm,
)
from sanxiang.cases.page_notes import page_notes
from sanxiang.cases.page_rows import documents_html, timeline_html
from sanxiang.cases.party_access import code_display, party_code_current, party_code_reissue
from sanxiang.cases.reasoning import reasoning_text
from sanxiang.cases.services import (
    Assessment,
    CaseReasonRequired,
    NewCase,
    case_assess,
    case_basis_set,
    case_circumstances_set,
    case_open,
    case_page_open,
    case_transition,
    case_violation_choose,
    court_application_record,
    decision_extend,
    document_generate,
    document_open,
    evidence_reference,
    execution_step_record,
    handlers_set,
    party_add,
    payment_record,
    remedy_record,
    remedy_step_record,
    schedule_approve,
)
from sanxiang.cases.services.party_signatures import CLOSED_STATES
from sanxiang.cases.signature_selectors import party_signatures_by_document
from sanxiang.cases.signing import Signed, approval_text, is_approval
from sanxiang.cases.supervised_reason import reason_first, remembered_key
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import GuardContext, in_states, states_of
from sanxiang.core.downloads import serve_document
from sanxiang.core.money import money_parse
from sanxiang.core.params import id_list_param, int_param, page_param
from sanxiang.core.selectors import lazy_calendar
from sanxiang.discretion.selectors import (
    circumstances_for,
    fine_check,
    violation_search,
    violation_with_tiers,
)
from sanxiang.errors import DomainError
from sanxiang.evidence.grants import open_url
from sanxiang.evidence.selectors import access_history_of_case, evidence_list_for
from sanxiang.evidence.services import case_records_open
from sanxiang.ledger.selectors import entries_for_object
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request

# Cases no one has to act on any more; 我的案件 hides them unless asked (?all=1).
FINISHED_STATES = sorted(selectors.FINISHED)
CASES_PER_PAGE = 50


@login_required
def my_cases(request):
    """我的案件: open cases, the most urgent first, overdue marked; 50 a page."""
    officer = officer_for_request(request)
    today = timezone.localdate()
    show_all = request.GET.get("all") == "1"
    page = page_param(request.GET)
    cases = selectors.cases_for(officer)
    if not show_all:
        cases = cases.exclude(state__in=FINISHED_STATES)
    start = (page - 1) * CASES_PER_PAGE
    # One row more than a page tells whether there is a next page, without counting them all.
    window = list(cases[start : start + CASES_PER_PAGE + 1])
    rows = [
        {
            "case": case,
            "state": PROCEDURES[case.procedure].states.get(case.state, case.state),
            "overdue": bool(case.step_due_on and case.step_due_on < today),
        }
        for case in window[:CASES_PER_PAGE]
    ]
    return render(
        request,
        "cases/my_cases.html",
        {
            "rows": rows,
            "today": today,
            "show_all": show_all,
            "page": page,
            "has_next": len(window) > CASES_PER_PAGE,
        },
    )


@login_required
def case_new(request):
    officer = officer_for_request(request)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = case_open(
                    actor=officer,
                    new=NewCase(
                        procedure=data["procedure"],
                        title=data["title"],
                        source=data["source"],
                        category=data["category"],
                        violation_on=data["violation_on"],
                        violation_ended_on=data["violation_ended_on"],
                        violation_place=data["violation_place"],
                        endangers_life_health_or_finance=data["endangers_life_health_or_finance"],
                        caused_harm=data["caused_harm"],
                        clue_received_on=data["clue_received_on"],
                        facts=data["facts"],
                        fine_yuan=data["fine_yuan"],
                        warning_only=data["warning_only"],
                        hearing_right=data["hearing_right"],
                        complex_or_major=data["complex_or_major"],
                    ),
                )
                party_add(
                    actor=officer,
                    case_id=case.pk,
                    kind=data["party_kind"],
                    name=data["party_name"],
                    identifier=data["party_identifier"],
                    address=data["party_address"],
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记。")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"form": form})


def _timeline(case, definition) -> list[dict[str, object]]:
    """The case's ledger events, with step names and officers' names instead of codes."""
    entries = selectors.with_actor_names(
        entries_for_object(object_type="cases.case", object_id=str(case.pk))
    )
    rows = []
    for entry in entries:
        action = entry.action.removeprefix("cases.case.")
        who = entry.actor_name  # type: ignore[attr-defined]
        if entry.actor.startswith("party:"):
            who = "当事人（凭查询码）"
        rows.append(
            {"entry": entry, "label": case_event_label(action, definition), "who": who or "系统"}
        )
    return rows


def _visited(definition, timeline: list[dict[str, Any]]) -> set[str]:
    """The states the case has been in, read from its steps in the timeline already loaded."""
    targets = {t.action: t.target for t in definition.transitions}
    return {definition.initial} | {
        targets[action]
        for row in timeline
        if (action := row["entry"].action.removeprefix("cases.case.")) in targets
    }


def _latest(case, kind: str) -> CaseDocument | None:
    """The latest version of ``kind`` among the case's documents (loaded once for the page)."""
    return max(
        (d for d in case.documents.all() if d.kind == kind), key=lambda d: d.version, default=None
    )


def _initial_inputs(case, kind: str) -> dict[str, object]:
    """What the form starts with: the latest version's inputs, else what the case suggests."""
    latest = _latest(case, kind)
    if latest is not None:
        return dict(latest.fields)
    initial: dict[str, object] = {}
    if kind == "advance_notice" and case.fine_yuan is not None:
        initial["intended_fine"] = case.fine_yuan
    if kind == "advance_notice" and case.warning_only:
        initial["intended_other"] = "警告"
    if kind == "hearing_record":
        notice = _latest(case, "hearing_notice")
        if notice is not None:
            for name in ("place", "host", "recorder"):
                initial[name] = notice.fields.get(name, "")
            initial["started_at"] = notice.fields.get("hearing_at", "")
    if kind in ("service_proof", "inquiry_record"):
        party = min(case.parties.all(), key=lambda p: p.pk, default=None)
        initial["recipient" if kind == "service_proof" else "person"] = party.name if party else ""
    if kind == "seizure_decision":
        initial.update(starts_on=timezone.localdate().isoformat(), days="30")
    if kind == "decision":
        initial["reasoning"] = reasoning_text(case)
    return initial


def _document_kinds(case, officer, bound=None) -> list[dict[str, object]]:
    rows = []
    for code, kind in KINDS.items():
        if not is_available(code, case):
            continue
        form = None
        if INPUTS.get(code):
            if bound is not None and bound.prefix == code:
                form = bound
            else:
                form = drawn_inputs_form(code, initial=_initial_inputs(case, code))
        rows.append({"kind": kind, "refusal": document_refusal(code, case), "form": form})
    return rows


def _execution_context(case, officer, context: GuardContext) -> dict[str, object] | None:
    """The 执行 section: what is owed and paid, schedules, remedies, court steps, and which
    records the officer may add now."""
    if case.decided_on is None:
        return None
    may_record = officer.has_role(Role.HEAD) or officer.pk in context.handler_ids
    today = context.today
    declared = PROCEDURES[case.procedure]

    def is_open(activity: str) -> bool:
        return in_states(case, declared.open_in(activity))

    may_pay = may_record and is_open("payment") and case.fine_yuan
    may_schedule = officer.has_role(Role.HEAD) and is_open("schedule") and case.fine_yuan
    may_remedy = may_record and is_open("remedy")
    may_perform = may_record and is_open("payment")
    may_court = may_record and is_open("court")
    remedies = []
    for r in case.remedies.all():
        steps = list(r.steps.all())
        ended = any(st.kind == RemedyStepKind.OUTCOME for st in steps)
        form = RemedyStepForm(remedy_id=r.pk) if may_remedy and not ended else None
        remedies.append({"remedy": r, "steps": steps, "ended": ended, "form": form})
    # The forms are drawn only for what the officer may record now.
    return {
        "account": execution.case_account(case, today),
        "fine": execution.effective_fine(case),
        "periods": execution.periods(case, context.calendar),
        "payments": case.payments.all(),
        "schedules": case.schedules.all(),
        "remedies": remedies,
        "steps": case.execution_steps.all(),
        "non_monetary": [PenaltyKind(k).label for k in execution.non_monetary_kinds(case)],
        "may_pay": may_pay,
        "may_schedule": may_schedule,
        "may_remedy": may_remedy,
        "may_perform": may_perform,
        "may_court": may_court,
        "payment_form": PaymentForm(today=today, on_spot=case.procedure == "penalty_simple")
        if may_pay
        else None,
        "schedule_form": ScheduleForm(auto_id="schedule_%s") if may_schedule else None,
        "remedy_form": RemedyForm(auto_id="remedy_%s") if may_remedy else None,
        "performance_form": PerformanceForm(today=today) if may_perform else None,
        "court_form": CourtStepForm(auto_id="court_%s") if may_court else None,
        "today": today,
    }


@dataclass(frozen=True)
class HandlerPicker:
    """Who may handle the case (offered), and why each other officer of the agency may not."""

    eligible: list[Officer]
    excluded: list[tuple[Officer, str]]


def _handler_picker(case: Case, today: date, officers: list[Officer]) -> HandlerPicker:
    """The officers the 指定承办人 list offers: in post, not a 法制审核人员 (办、审分离), holding a
    certificate valid today that covers the case's 执法类别 (行政处罚法第四十二条、第五十五条).
    The others are listed with the reason, so nobody wonders where a colleague went.
    ``officers``: ``selectors.colleagues_of(case)``."""
    eligible: list[Officer] = []
    excluded: list[tuple[Officer, str]] = []
    for person in officers:
        certificate = person.certificate_valid_on(today)
        held = list(person.certificates.all())
        if person.has_role(Role.REVIEWER):
            excluded.append((person, "法制审核人员不得承办案件（办、审分离）"))
        elif certificate is None and not held:
            excluded.append((person, "无执法证"))
        elif certificate is None:
            last = max(held, key=lambda c: c.valid_until)
            state = last.status_on(today).label
            excluded.append((person, f"执法证{state}（有效期至 {last.valid_until:%Y-%m-%d}）"))
        elif not any(c.pk == case.category_id for c in certificate.categories.all()):
            excluded.append((person, f"执法证不含“{case.category.name}”类别"))
        else:
            eligible.append(person)
    return HandlerPicker(eligible, excluded)


def _folds(page: dict[str, Any], notice: dict[str, str] | None) -> dict[str, bool]:
    """Which of the case page's sections (``<details>``) are open when the officer has not
    chosen (case-page.js remembers his choice per section in the browser): those he works in
    — the next step, the forms the procedure has open now, evidence and documents — and not
    the ones he looks at now and then (查询码, 延长期限, 全过程记录). A section with an outcome
    to show is open."""
    folds = {
        "handlers": True,
        "basis": page["basis_form"] is not None
        and not (page["violated_articles"] and page["penalty_articles"]),
        "assessment": True,
        "extension": False,
        "execution": True,
        "actions": True,
        "party_code": False,
        "evidence": True,
        "documents": True,
        "timeline": False,
    }
    if notice:
        folds[notice["section"].replace("-", "_")] = True
    return folds


def _document_rows(case):
    """The 文书 table's rows; a version made on the spot says whether the party signed it."""
    documents = list(case.documents.all())
    # Read only for a case with signatures (the page's fetch says whether it has any).
    signed = (
        party_signatures_by_document(case)
        if getattr(case, "page_has_party_signatures", True)
        and any(d.kind in PARTY_SIGNED_KINDS for d in documents)
        else {}
    )
    latest: dict[str, tuple[int, int]] = {}
    for d in documents:
        if d.version > latest.get(d.kind, (0, 0))[0]:
            latest[d.kind] = (d.version, d.pk)
    closed = case.state in PROCEDURES[case.procedure].terminal | CLOSED_STATES
    return [
        {
            "document": d,
            "label": KINDS[d.kind].label,
            "signable": d.kind in PARTY_SIGNED_KINDS,
            "party_signature": signed.get(d.pk),
            # The party signs the latest version of an open case; an older one says so.
            "may_sign": not closed and latest[d.kind][1] == d.pk,
        }
        for d in documents
    ]


def _typed_money(post, name: str, label: str, *, max_digits: int = 14):
    """An amount typed into the 拟处理意见 form; a refusal names its field."""
    try:
        return money_parse(post.get(name, ""), label=label, max_digits=max_digits)
    except DomainError as exc:
        exc.field = name
        raise


def _render_detail(
    request, officer, case, *, bound=None, notice=None, status=200, refused_assessment=None
):
    """The case page. ``bound``: a document's inputs form sent back; ``refused_assessment``:
    the 拟处理意见 as typed (the POST) and the refusal, drawn in the form instead of the
    saved proposal."""
    definition = PROCEDURES[case.procedure]
    today = timezone.localdate()
    # In the states where the 指定承办人 picker may be open, its officers (the agency's, with
    # roles and certificates) are read first and the handlers taken from among them.
    picking = definition.activity("handlers")
    colleagues = (
        selectors.colleagues_of(case)
        if picking is not None and picking.states & states_of(case)
        else None
    )
    selectors.case_page_prefetch(case, colleagues=colleagues)
    # The calendar is read when a guard or the 执行 section counts working days (not before).
    context = GuardContext(case=case, actor=officer, today=today, calendar=lazy_calendar())
    is_handler = officer.pk in context.handler_ids
    options: list[dict[str, Any]] = []
    review_steps: list[str] = []
    review_stopped = ""
    for transition, refusal in definition.options(context):
        if transition.via == "review":
            # Recorded on the review pages with what each step needs; one link leads there —
            # unless a rule of the case itself stops the step, which the page then says.
            if refusal is not None and not refusal.guard.startswith("review_"):
                review_stopped = refusal.message
            else:
                review_steps.append(transition.action)
        else:
            sign_text = (
                approval_text(case, transition.action, officer)
                if refusal is None and is_approval(transition) and officer.has_role(Role.HEAD)
                else ""
            )
            options.append({"transition": transition, "refusal": refusal, "sign_text": sign_text})
    # The one primary button: the first step open now that moves the case on along its main line
    # (not one that ends it early, such as 撤案 or 不予处罚); the others are plain buttons.
    primary = next(
        (
            o for o in options
            if o["refusal"] is None and definition.leads_on(o["transition"], case.state)
        ),
        None,
    )  # fmt: skip
    for option in options:
        option["primary"] = option is primary
    # 法制审核 runs as a sub-process while the case is in its composite state; its steps are
    # taken on the review pages, so the case page links there.
    review_link = (
        "提交法制审核"
        if "submit_review" in review_steps
        else "法制审核（查看、审核、答复）"
        if case.state in definition.composite
        else None
    )
    basis_open = definition.open_to("basis", case, officer)
    violated = list(case.violated_articles.all())
    penalty = list(case.penalty_articles.all())
    facts = selectors.page_facts(case, officer)
    timeline = _timeline(case, definition)
    # The case's evidence is filed under its number, or before 立案 under a provisional one.
    reference = evidence_reference(case)
    evidence = list(evidence_list_for(officer=officer, case_number=reference))
    page: dict[str, Any] = {
        "case": case,
        "signatures_required": facts.signatures_required,
        "officer_id": officer.pk,
        "active_key_id": facts.active_key_id,
        "signatures": case.signatures.select_related("officer", "key").order_by("signed_at")
        if facts.has_signatures
        else [],
        "state": definition.state_label(case),
        # The 暂定 mark of this case's due date only (the ``due`` tag reads the marks of every
        # case, for lists), read with the case.
        "step_due_provisional": facts.step_due_provisional,
        "progress": definition.progress(case.state, _visited(definition, timeline)),
        "procedure": definition,
        "options": options,
        "review_link": review_link,
        "review_stopped": review_stopped,
        "may_assess": definition.open_to("assessment", case, officer),
        "penalty_kinds": PenaltyKind.choices,
        "review_flags": ReviewFlag.choices,
        "may_extend": (may_extend := definition.open_to("extension", case, officer)),
        "extension_form": ExtensionForm(auto_id="extension_%s") if may_extend else None,
        "extensions": case.extensions.select_related("approved_by").order_by("created_at")
        if facts.has_extensions
        else [],
        "execution": _execution_context(case, officer, context),
        "parties": case.parties.all(),
        "handlers": context.handlers,
        "timeline": timeline,
        "timeline_html": timeline_html(timeline),
        "documents": (documents := _document_rows(case)),
        "documents_html": documents_html(case.pk, documents),
        "picker": _handler_picker(case, today, colleagues)
        if colleagues is not None and definition.open_to("handlers", case, officer)
        else None,
        "violated_articles": violated,
        "penalty_articles": penalty,
        "basis_form": BasisForm(initial={"violated": violated, "penalty": penalty})
        if basis_open
        else None,
        **_discretion(
            request,
            case,
            basis_open=bool(basis_open),
            circumstances_open=definition.open_to("circumstances", case, officer),
            evidence=evidence,
        ),
        "no_penalty": no_penalty_page(case, officer, ground=request.GET.get("np_ground", "")),
        "document_kinds": _document_kinds(case, officer, bound),
        "party_code": code_display(facts.party_code) if facts.party_code else "",
        "party_code_issued_at": facts.party_code_issued_at,
        "evidence": evidence,
        "evidence_reference": reference,
        "may_upload_evidence": is_handler,
        # Read with the case when it was fetched for the page (``with_audit``).
        "may_audit": case.may_audit
        if hasattr(case, "may_audit")
        else case_allows(officer, CaseAction.AUDIT, case),
        "may_issue_party_code": bool(case.number) and (officer.has_role(Role.HEAD) or is_handler),
        # One line each from apps above cases (e.g. an open 执法监督意见), linking to their page.
        "page_notes": page_notes(case, officer),
    }
    if case_supervised_only(officer, case):
        # A supervising body's 监督人员 reads the case; nothing on the page is his to do.
        page.update(
            options=[], review_link=None, review_stopped="", may_assess=False,
            may_extend=False, picker=None, basis_form=None, document_kinds=[],
            circumstances_open=False,
            may_upload_evidence=False, may_issue_party_code=False, supervised_only=True,
            party_code="", party_code_issued_at=None,  # the party's log-in, not his to read
        )  # fmt: skip
        page["evidence"] = _supervised_evidence(request, officer, case, reference)
        page["no_penalty"] = no_penalty_read_only(page["no_penalty"])
        primary = None
    page["assessment_form"] = None
    if page["may_assess"]:
        typed, refusal = refused_assessment or (None, None)
        form = AssessmentForm(
            case=case, discretion_help=_reasons_help(page["discretion"]), data=typed
        )
        if refusal is not None:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        page["assessment_form"] = form
    page["court_apply_form"] = CourtApplicationForm()
    # An outcome is shown in the section of the form that was sent; if the action took that
    # section away (its step is over), under 可办理的环节.
    shown = {
        "handlers": page["picker"] is not None,
        "assessment": page["may_assess"],
        "extension": page["may_extend"],
        "execution": page["execution"] is not None,
    }
    if notice and not shown.get(notice["section"], True):
        notice = {**notice, "section": "actions"}
    page["notice"] = notice
    page["has_next"] = primary is not None
    page["open"] = _folds(page, notice)
    return render(request, "cases/detail.html", page, status=status)


def _supervised_evidence(request, officer, case, reference):
    """The case's evidence for a supervising body's 监督人员, each listed record a recorded look
    (``case_records_open``) with the 调阅事由 he gave for the case, and its link carrying that
    reason, so opening it is recorded with it too."""
    code = request.session.get(remembered_key(case.pk), "")
    if code not in AccessReason.values:
        return []
    reason = f"案件调阅：{AccessReason(code).label}"
    items = case_records_open(
        actor=officer, case_number=reference, reason=reason, agency_id=case.agency_id
    )
    for item in items:
        item.open_url = open_url(item.pk, officer, reason)  # type: ignore[attr-defined]
    return items


@login_required
def case_detail(request, pk):
    """The case, its parties and timeline, and only the actions the procedure allows now.
    Opening the page is recorded (案件调阅记录), as opening evidence is."""
    officer = officer_for_request(request)
    # A supervising body's 监督人员 gives a reason (调阅事由), remembered for this case for the
    # rest of his session; each opening is recorded with it.
    remembered = remembered_key(pk)
    reason = request.GET.get("reason") or request.session.get(remembered, "")
    try:
        case = case_page_open(actor=officer, case_id=pk, reason=reason)
    except CaseReasonRequired as exc:
        return render(
            request,
            "cases/access_reason.html",
            {"case": exc.case, "form": AccessReasonForm(request.GET if reason else None)},
            status=400 if reason else 200,
        )
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if case_supervised_only(officer, case):
        request.session[remembered] = reason
    return _render_detail(request, officer, case)


# --- Actions on the case page -------------------------------------------------------------------
# Every form on the case page is a plain POST that answers with a redirect back to the page (and
# the outcome as a message at its top), so the page works without JavaScript. With it, htmx sends
# the same POST with an ``HX-Request`` header (cases/static/cases/case-page.js): the answer is the
# case page itself, drawn after the action, with the outcome next to the form that was sent —
# 200, or 400 when the action was refused — and the browser swaps it in where the officer is.


def _from_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request") == "true")


def _answer(request, pk, *, section: str, done: str = "", error: str = "", level: str = "success"):
    """The answer to an action taken in ``section`` of the case page: ``error`` if it was
    refused, else ``done`` (a message of ``level``)."""
    if not _from_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.add_message(request, getattr(messages, level.upper()), done)
        anchor = "#execution" if section == "execution" else ""
        return redirect(f"{reverse('cases:detail', args=[pk])}{anchor}")
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk, for_page=True)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    notice = {"section": section, "level": "error" if error else level, "text": error or done}
    return _render_detail(request, officer, case, notice=notice, status=400 if error else 200)


@login_required
def case_access_history(request, pk):
    """案件调阅记录: who opened the case page, and the looks at the case's evidence records
    (those of one's own unit, as the evidence pages list them)."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk, CaseAction.AUDIT)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    evidence_looks = (
        access_history_of_case(officer=officer, case_number=case.number)[:500]
        if case.number
        else []
    )
    return render(
        request,
        "cases/access.html",
        {
            "case": case,
            "accesses": selectors.case_accesses_for(officer, case)[:500],
            "evidence_accesses": evidence_looks,
        },
    )


def _signed(post) -> Signed | None:
    """The signed approval text and its signature, when the browser signed one."""
    if not post.get("signed_text"):
        return None
    return Signed(post["signed_text"], post.get("signature", ""))


@login_required
@require_POST
def case_act(request, pk):
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        case = case_transition(
            actor=officer, case_id=pk, action=request.POST.get("action", ""),
            signed=_signed(request.POST),
        )  # fmt: skip
    except DomainError as exc:
        return _answer(request, pk, section="actions", error=exc.message)
    return _answer(
        request, pk, section="actions",
        done=f"已办理，案件现处于“{PROCEDURES[case.procedure].states[case.state]}”。",
    )  # fmt: skip


@login_required
@require_POST
def document_new(request, pk, kind):
    """Generate a document; a form with refused inputs comes back with what was typed."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    form = document_inputs_form(kind, data=request.POST) if INPUTS.get(kind) else None
    inputs = {
        name: request.POST.get(f"{kind}-{name}", "") for name in (form.fields if form else ())
    }
    made_before = case.documents.filter(kind=kind).count()
    try:
        document = document_generate(actor=officer, case_id=pk, kind=kind, inputs=inputs)
    except DomainError as exc:
        if form is None:
            return _answer(request, pk, section="documents", error=exc.message)
        form.add_error(None, exc.message)
        return _render_detail(request, officer, case, bound=form, status=400)
    label = KINDS[document.kind].label
    if document.version <= made_before:  # the same case and inputs: the version stands
        return _answer(
            request, pk, section="documents", level="info",
            done=f"{label}与已生成的第 {document.version} 版相同，未重复生成（核验码不变）。",
        )  # fmt: skip
    return _answer(
        request, pk, section="documents", done=f"已生成{label}第 {document.version} 版。"
    )


def _circumstance_rows(case: Case, found: CaseDiscretion, evidence: list[Any]) -> list[Any]:
    """Each 情节 of the chosen 违法行为, ticked or not, with the evidence picker's options."""
    recorded = {row.circumstance_id: row for row in found.rows}
    documents = sorted(
        (d for d in case.documents.all() if d.kind in EVIDENTIAL_DOCUMENTS),
        key=lambda d: (d.kind, d.version),
    )
    rows = []
    for circumstance in circumstances_for(found.violation):
        row = recorded.get(circumstance.pk)
        chosen_evidence = {e.pk for e in row.evidence.all()} if row else set()
        chosen_documents = {d.pk for d in row.documents.all()} if row else set()
        rows.append(
            {
                "circumstance": circumstance,
                "ticked": row is not None,
                "note": row.note if row else "",
                "evidence": [(item, item.pk in chosen_evidence) for item in evidence],
                "documents": [
                    (d, KINDS[d.kind].label, d.pk in chosen_documents) for d in documents
                ],
            }
        )
    return rows


def _reasons_help(found: CaseDiscretion | None) -> str | None:
    """What the 拟处理意见's reasons field says under it: the tier the 情节 make applicable, its
    range and the suggested fine (None: no 违法行为 chosen, so no tier and no reasons field)."""
    if found is None:
        return None
    tier = f"{found.tier.name}（{found.range_text}）" if found.tier else found.tier_kind.label
    suggestion = found.suggestion
    amount = (
        f"，建议罚款 {suggestion.amount:.0f} 元"
        if suggestion is not None and suggestion.amount is not None
        else ""
    )
    return f"适用阶次：{tier}{amount}；拟罚款超出该幅度的，须写明理由。"


def _discretion(
    request, case: Case, *, basis_open: bool, circumstances_open: bool = False,
    evidence: list[Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The 裁量基准 part of the basis section: the chosen 违法行为 with its tiers and what they
    say of the proposed fine, the 情节 recorded (and, while open, the form to tick them), the
    applicable tier and a suggested amount, and, while the basis may change, the search."""
    chosen = case.discretion_violation_id and violation_with_tiers(case.discretion_violation_id)
    query = " ".join(request.GET.get("violation_q", "").split())[:100] if basis_open else ""
    found = case_discretion(case, violation=chosen) if chosen else None
    return {
        "discretion": found,
        # 情节 changed against the party since the 事先告知书 (cases.notified): a new notice.
        "notice_change": against_party(case) if found is not None and case.notified_on else None,
        "new_notice": NEW_NOTICE,
        "circumstances_open": circumstances_open and found is not None,
        "circumstance_rows": _circumstance_rows(case, found, evidence or []) if found else [],
        "chosen_violation": chosen or None,
        "fine_check": fine_check(chosen, case.fine_yuan) if chosen else None,
        # Offered whenever the basis may change (asking whether a version is in force would
        # cost every page a query; a search without one finds nothing and says so).
        "benchmark_open": basis_open,
        "violation_q": query,
        "violation_results": violation_search(case.agency_id, query, limit=10) if query else [],
    }


@login_required
@require_POST
def case_violation(request, pk):
    """选用裁量基准中的违法行为 (its articles become the case's basis)."""
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        case = case_violation_choose(
            actor=officer, case_id=pk, violation_id=request.POST.get("violation", "")
        )
    except DomainError as exc:
        return _answer(request, pk, section="basis", error=exc.message)
    name = case.discretion_violation.name if case.discretion_violation else ""
    done = f"已选用违法行为“{name}”，违法依据和处罚依据已按裁量基准填入。"
    return _answer(request, pk, section="basis", done=done)


@login_required
@require_POST
def case_circumstances(request, pk):
    """登记裁量情节: the ticked 情节, each with the evidence and records that show it."""
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        ticks = ticks_from_form(request.POST)
        rows = case_circumstances_set(actor=officer, case_id=pk, ticks=ticks)
    except DomainError as exc:
        return _answer(request, pk, section="basis", error=exc.message)
    done = f"已登记裁量情节 {len(rows)} 项。" if rows else "已清除本案登记的裁量情节。"
    return _answer(request, pk, section="basis", done=done)


@login_required
@require_POST
def case_basis(request, pk):
    """登记违法依据和处罚依据."""
    officer = officer_for_request(request)
    form = BasisForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, section="basis", error="请从法律法规库中选择条款。")
    try:
        selectors.case_get_for(officer, pk)
        case_basis_set(
            actor=officer,
            case_id=pk,
            violated=list(form.cleaned_data["violated"]),
            penalty=list(form.cleaned_data["penalty"]),
        )
    except DomainError as exc:
        return _answer(request, pk, section="basis", error=exc.message)
    return _answer(request, pk, section="basis", done="已登记违法依据和处罚依据。")


@login_required
def document_download(request, document_id, form):
    officer = officer_for_request(request)
    case_id = CaseDocument.objects.filter(pk=document_id).values_list("case_id", flat=True).first()
    if (first := reason_first(request, officer, case_id)) is not None:
        return first
    return serve_document(
        form=form,
        open_document=lambda form: document_open(actor=officer, document_id=document_id, form=form),
        filename=lambda document: (
            f"{KINDS[document.kind].label}-{document.case.number or document.case_id}"
            f"-v{document.version}"
        ),
    )


@login_required
@require_POST
def case_handlers(request, pk):
    """指定承办人."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
        chosen = list(
            Officer.objects.filter(
                pk__in=id_list_param(request.POST, "handlers", label="承办人"),
                unit__agency_id=case.agency_id,
            )
        )
        handlers_set(actor=officer, case_id=case.pk, officers=chosen)
    except DomainError as exc:
        return _answer(request, pk, section="handlers", error=exc.message)
    return _answer(
        request, pk, section="handlers", done="已指定承办人：" + "、".join(o.name for o in chosen)
    )


@login_required
@require_POST
def case_assess_view(request, pk):
    """拟处理意见: facts, proposed penalty and the circumstances the rules look at. A refused
    proposal comes back with what was typed, the refusal beside its field (issue #13)."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
    except DomainError as exc:
        return _answer(request, pk, section="assessment", error=exc.message)
    try:
        case_assess(
            actor=officer,
            case_id=case.pk,
            assessment=Assessment(
                facts=request.POST.get("facts", ""),
                penalty_kinds=tuple(request.POST.getlist("penalty_kinds")),
                fine_yuan=_typed_money(request.POST, "fine_yuan", "罚款金额"),
                amount_involved_yuan=_typed_money(
                    request.POST, "amount_involved_yuan", "涉案金额", max_digits=16
                ),
                hearing_right=request.POST.get("hearing_right") == "yes",
                complex_or_major=request.POST.get("complex_or_major") == "yes",
                review_flags=tuple(request.POST.getlist("review_flags")),
                violation_place=request.POST.get("violation_place"),
                discretion_reasons=request.POST.get("discretion_reasons"),
            ),
        )
    except DomainError as exc:
        try:
            case = selectors.case_get_for(officer, pk, for_page=True)
        except DomainError as gone:
            raise Http404(gone.message) from gone
        return _render_detail(
            request, officer, case, refused_assessment=(request.POST, exc), status=400,
            notice={"section": "assessment", "level": "error",
                    "text": f"拟处理意见未保存：{exc.message}"},
        )  # fmt: skip
    return _answer(request, pk, section="assessment", done="已保存拟处理意见。")


@login_required
@require_POST
def case_extend(request, pk):
    """延长办案期限 (负责人)."""
    officer = officer_for_request(request)
    try:
        case = selectors.case_get_for(officer, pk)
        days = int_param(request.POST, "days", label="延长的日数", minimum=1, maximum=3650)
        if days is None:
            raise DomainError("请填写延长的日数。", log_message="no extension days")
        extension = decision_extend(
            actor=officer,
            case_id=case.pk,
            days=days,
            reason=request.POST.get("reason", ""),
            collective=request.POST.get("collective") == "yes",
        )
    except DomainError as exc:
        return _answer(request, pk, section="extension", error=exc.message)
    return _answer(
        request, pk, section="extension",
        done=f"办案期限已延长至 {extension.new_due_on:%Y-%m-%d}。",
    )  # fmt: skip


@login_required
@require_POST
def case_party_code(request, pk):
    """签发 or 重新签发 the party's 查询码 (the old one stops working)."""
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        had_code = party_code_current(pk) is not None
        party_code_reissue(actor=officer, case_id=pk)
    except DomainError as exc:
        return _answer(request, pk, section="party-code", error=exc.message)
    return _answer(
        request, pk, section="party-code",
        done="已重新签发查询码，原查询码已作废；请核实当事人身份后书面告知新查询码。"
        if had_code
        else "已签发查询码。",
    )  # fmt: skip


# --- 执行 records ---------------------------------------------------------------------------------


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(f"请填写{label}（年-月-日）。", log_message=f"bad date {label}") from None


def _execution_write(request, pk, write, done: str):
    """Check the case is in scope, call the service, and come back to the case page."""
    officer = officer_for_request(request)
    try:
        selectors.case_get_for(officer, pk)
        write(officer)
    except DomainError as exc:
        return _answer(request, pk, section="execution", error=exc.message)
    return _answer(request, pk, section="execution", done=done)


@login_required
@require_POST
def payment_new(request, pk):
    """登记缴款."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: payment_record(
            actor=officer, case_id=pk, paid_on=_date(post.get("paid_on", ""), "缴款日期"),
            amount=post.get("amount", ""), channel=post.get("channel", ""),
            receipt_number=post.get("receipt_number", ""),
            on_spot_reason=post.get("on_spot_reason", ""),
        ),
        "已登记缴款。",
    )  # fmt: skip


def _instalments(text: str) -> list[tuple[date, str]]:
    """Lines of "YYYY-MM-DD 金额"."""
    parts = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.replace("，", " ").replace(",", " ").split()
        if len(fields) != 2:
            raise DomainError(
                "每行填写一期：缴纳期限和金额，例如 2026-07-01 500.00。",
                log_message="bad instalment line",
            )
        parts.append((_date(fields[0], "缴纳期限"), fields[1]))
    return parts


@login_required
@require_POST
def schedule_new(request, pk):
    """批准暂缓或者分期缴纳 (负责人)."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: schedule_approve(
            actor=officer, case_id=pk, kind=post.get("kind", ""),
            applied_on=_date(post.get("applied_on", ""), "申请日期"),
            reason=post.get("reason", ""), instalments=_instalments(post.get("instalments", "")),
        ),
        "已批准，缴纳期限按批准的期限计算。",
    )  # fmt: skip


@login_required
@require_POST
def remedy_new(request, pk):
    """登记行政复议、行政诉讼."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: remedy_record(
            actor=officer, case_id=pk, kind=post.get("kind", ""),
            filed_on=_date(post.get("filed_on", ""), "申请或者起诉日期"),
            body=post.get("body", ""), reference=post.get("reference", ""),
        ),
        "已登记。复议、诉讼期间不停止执行，加处罚款不予计算。",
    )  # fmt: skip


@login_required
@require_POST
def remedy_step_new(request, pk, remedy_id):
    """登记停止执行, or the 复议决定 or judgment."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: remedy_step_record(
            actor=officer, case_id=pk, remedy_id=remedy_id, kind=post.get("kind", ""),
            decided_on=_date(post.get("decided_on", ""), "日期"),
            outcome=post.get("outcome", ""), changed_fine=post.get("changed_fine", "").strip(),
        ),
        "已登记。",
    )  # fmt: skip


@login_required
@require_POST
def execution_step_new(request, pk):
    """登记履行情况, or the court's ruling and its execution."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: execution_step_record(
            actor=officer, case_id=pk, kind=post.get("kind", ""),
            occurred_on=_date(post.get("occurred_on", ""), "日期"),
            note=post.get("note", ""), reference=post.get("reference", ""),
        ),
        "已登记。",
    )  # fmt: skip


@login_required
@require_POST
def court_apply(request, pk):
    """申请人民法院强制执行 (负责人)."""
    post = request.POST
    return _execution_write(
        request, pk,
        lambda officer: court_application_record(
            actor=officer, case_id=pk, court=post.get("court", ""),
            reference=post.get("reference", ""), signed=_signed(post),
        ),
        "已申请人民法院强制执行。",
    )  # fmt: skip
