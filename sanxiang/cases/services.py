"""Every write to a case: open, parties, handlers, and each step of its procedure.

``case_transition`` is the only code that changes ``Case.state``: it locks the case row, asks
the declared procedure whether the step is allowed now (guards citing their articles), applies
the step's effects (numbers, dates, due dates) and appends the ledger event, in one
transaction (DESIGN.md rules 1 and 2).
"""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sanxiang.cases.document_inputs import InputError, inputs_clean
from sanxiang.cases.documents import (
    KINDS,
    PARTY_KINDS,
    context_for,
    convert_to_pdf,
    document_refusal,
    inputs_refusal,
    is_available,
    render_docx,
)
from sanxiang.cases.execution import case_account
from sanxiang.cases.execution import periods as execution_periods
from sanxiang.cases.models import (
    Case,
    CaseDocument,
    CaseRules,
    DecisionExtension,
    ExecutionStep,
    ExecutionStepKind,
    NumberingRule,
    NumberSeries,
    Party,
    PartyKind,
    Payment,
    PaymentChannel,
    PaymentSchedule,
    PenaltyKind,
    Procedure,
    Remedy,
    RemedyKind,
    RemedyOutcome,
    RemedyStep,
    RemedyStepKind,
    ReviewFlag,
    ScheduleKind,
)
from sanxiang.cases.party_access import code_display, party_code_current, party_code_ensure
from sanxiang.cases.signing import Signed, approval_sign_check, is_approval, signatures_required
from sanxiang.cases.workflow import observers
from sanxiang.cases.workflow.definitions import (
    DECISION_DEADLINE,
    MEASURE_EXTENSION,
    MEASURE_PERIOD,
    PROCEDURES,
)
from sanxiang.cases.workflow.engine import GuardContext, TransitionRefused
from sanxiang.cases.workflow.gate import review_gate
from sanxiang.cases.workflow.guards import party_act_past_provisional
from sanxiang.cases.workflow.periods import (
    COURT_APPLICATION_DEADLINE,
    INSTALMENT_DEADLINE_BASIS,
    PAYMENT_DEADLINE,
)
from sanxiang.core.deadlines import CalendarDays, WorkingDays
from sanxiang.core.identifiers import credit_code_problem, id_number_problem
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.core.services import provisional_deadline_clear, provisional_deadline_note
from sanxiang.core.workdays import Due, get_calendar
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.evidence.services import Upload, evidence_correct, evidence_register
from sanxiang.evidence.storage import blob_name, digest_stream, open_blob, store_blob
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append, sha256_hex
from sanxiang.org.models import Article, EnforcementCategory, Officer, Role

logger = logging.getLogger(__name__)


class CaseRefused(DomainError):
    """A change to a case that the rules do not allow; nothing was changed."""


def _snapshot_sha256(case: Case) -> str:
    """SHA-256 of the case's state as recorded with each event."""
    return sha256_hex(
        canonical_json(
            {
                "id": case.pk,
                "procedure": case.procedure,
                "state": case.state,
                "number": case.number,
                "title": case.title,
                "facts": case.facts,
                "fine_yuan": str(case.fine_yuan) if case.fine_yuan is not None else None,
                "registered_on": case.registered_on.isoformat() if case.registered_on else None,
                "decided_on": case.decided_on.isoformat() if case.decided_on else None,
                "hearing_right": case.hearing_right,
                "complex_or_major": case.complex_or_major,
                "penalty_kinds": sorted(case.penalty_kinds),
                "amount_involved_yuan": (
                    str(case.amount_involved_yuan)
                    if case.amount_involved_yuan is not None
                    else None
                ),
                "review_flags": sorted(case.review_flags),
                "handlers": sorted(case.handlers.values_list("pk", flat=True)),
                "parties": sorted(case.parties.values_list("pk", flat=True)),
                "violated_articles": sorted(case.violated_articles.values_list("pk", flat=True)),
                "penalty_articles": sorted(case.penalty_articles.values_list("pk", flat=True)),
            }
        )
    )


def proposal_sha256(case: Case) -> str:
    """SHA-256 of what a case proposes to decide — facts, parties, penalty, circumstances —
    without its state, so a reviewer can tell whether it changed since it was submitted."""
    parties = sorted(case.parties.values_list("kind", "name", "identifier", "address"))
    return sha256_hex(
        canonical_json(
            {
                "id": case.pk,
                "title": case.title,
                "facts": case.facts,
                "fine_yuan": str(case.fine_yuan) if case.fine_yuan is not None else None,
                "penalty_kinds": sorted(case.penalty_kinds),
                "amount_involved_yuan": (
                    str(case.amount_involved_yuan)
                    if case.amount_involved_yuan is not None
                    else None
                ),
                "review_flags": sorted(case.review_flags),
                "hearing_right": case.hearing_right,
                "complex_or_major": case.complex_or_major,
                "handlers": sorted(case.handlers.values_list("pk", flat=True)),
                "parties": [list(p) for p in parties],
                "violated_articles": sorted(case.violated_articles.values_list("pk", flat=True)),
                "penalty_articles": sorted(case.penalty_articles.values_list("pk", flat=True)),
            }
        )
    )


def _record(case: Case, actor: Officer, action: str) -> None:
    ledger_append(
        actor=actor.ledger_actor,
        action=f"cases.case.{action}",
        object_type="cases.case",
        object_id=case.pk,
        agency_id=case.agency_id,
        content_sha256=_snapshot_sha256(case),
    )


def number_allocate(*, agency_id: int, kind: str, year: int) -> str:
    """The next number of ``kind`` for the agency and year, e.g. 示城执罚〔2026〕12号.

    Numbers never skip or repeat: the series row is locked (a transaction holds it until it
    commits, so an allocation in a transaction that rolls back is given out again).
    """
    rule = NumberingRule.objects.filter(agency_id=agency_id, kind=kind).first()
    if rule is None:
        raise CaseRefused(
            "本执法主体尚未设置案件编号规则，请系统管理员在管理后台“编号规则”中设置机关代字。",
            log_message=f"no numbering rule for agency {agency_id} kind {kind}",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberSeries.objects.get_or_create(agency_id=agency_id, kind=kind, year=year)
        except IntegrityError:
            pass  # created concurrently; the row exists now
        series = NumberSeries.objects.select_for_update().get(
            agency_id=agency_id, kind=kind, year=year
        )
        series.last += 1
        series.save(update_fields=["last"])
    return f"{rule.prefix}〔{year}〕{series.last}号"


def _check_party(kind: str, identifier: str) -> str | None:
    if kind not in PartyKind.values:
        return "当事人类型不正确。"
    check = credit_code_problem if kind == PartyKind.ORGANISATION else id_number_problem
    return check(identifier)


@dataclass(frozen=True)
class NewCase:
    """What an officer records when a clue comes in (案源登记) or on the spot."""

    procedure: str
    title: str
    source: str
    category: EnforcementCategory
    violation_on: date
    clue_received_on: date
    facts: str = ""
    violation_ended_on: date | None = None
    endangers_life_health_or_finance: bool = False
    caused_harm: bool = False
    fine_yuan: Decimal | None = None
    warning_only: bool = False
    hearing_right: bool = False
    complex_or_major: bool = False


# 指定承办人 is possible until the investigation ends (and on the spot, before the decision).
HANDLERS_OPEN_IN = {"clue", "investigating", "on_site", "proposed", "approved", "planned"}

NUMBERED_AT_OPENING: dict[str, str] = {
    Procedure.COERCIVE_MEASURE: "coercive",
    Procedure.INSPECTION: "inspection",
}


def case_open(*, actor: Officer, new: NewCase) -> Case:
    """Register a clue (一般程序) or start an on-the-spot case (简易程序)."""
    if not actor.is_active or not (actor.has_role(Role.OFFICER) or actor.has_role(Role.HEAD)):
        raise CaseRefused(
            "只有在岗的执法人员可以登记案件。", log_message=f"officer {actor.pk} may not open"
        )
    if new.procedure not in PROCEDURES:
        raise CaseRefused("程序类型不正确。", log_message=f"unknown procedure {new.procedure!r}")
    if not new.title.strip() or not new.source.strip():
        raise CaseRefused("请填写案由和案件来源。", log_message="title or source missing")
    if new.violation_on > timezone.localdate() or new.clue_received_on > timezone.localdate():
        raise CaseRefused("违法行为发生日和收到线索日期不能晚于今天。", log_message="future dates")
    if new.violation_ended_on and new.violation_ended_on < new.violation_on:
        raise CaseRefused("违法行为终了日不能早于发生日。", log_message="ended before started")
    _money(new.fine_yuan, "罚款金额")
    definition = PROCEDURES[new.procedure]
    with transaction.atomic():
        case = Case.objects.create(
            agency_id=actor.unit.agency_id,
            unit_id=actor.unit_id,
            procedure=new.procedure,
            state=definition.initial,
            title=new.title.strip(),
            source=new.source.strip(),
            facts=new.facts.strip(),
            category=new.category,
            violation_on=new.violation_on,
            violation_ended_on=new.violation_ended_on,
            endangers_life_health_or_finance=new.endangers_life_health_or_finance,
            caused_harm=new.caused_harm,
            fine_yuan=new.fine_yuan,
            warning_only=new.warning_only,
            penalty_kinds=(
                [PenaltyKind.FINE.value]
                if new.fine_yuan is not None
                else [PenaltyKind.WARNING.value]
                if new.warning_only
                else []
            ),
            hearing_right=new.hearing_right,
            complex_or_major=new.complex_or_major,
            clue_received_on=new.clue_received_on,
            created_by=actor,
        )
        if new.procedure in NUMBERED_AT_OPENING:
            # Their records (全程录像, 检查笔录) are filed under the number, so it comes first.
            case.number = number_allocate(
                agency_id=case.agency_id,
                kind=NUMBERED_AT_OPENING[new.procedure],
                year=timezone.localdate().year,
            )
            case.save(update_fields=["number"])
        if actor.has_role(Role.OFFICER) and not actor.has_role(Role.REVIEWER):
            case.handlers.add(actor)
        _record(case, actor, "opened")
    return case


def _case_for_update(case_id: int, actor: Officer) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or case.agency_id != actor.unit.agency_id:
        raise CaseRefused(
            "未找到该案件，或您无权办理。", log_message=f"case {case_id} not for {actor.pk}"
        )
    return case


def _may_edit(case: Case, actor: Officer) -> None:
    is_head = actor.has_role(Role.HEAD)
    if not is_head and not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人或负责人可以修改本案。", log_message=f"{actor.pk} not handler"
        )
    if case.state in PROCEDURES[case.procedure].terminal or case.decided_on:
        raise CaseRefused(
            "案件已作出决定或已归档，不能再修改。", log_message=f"case {case.pk} closed"
        )


def party_add(
    *,
    actor: Officer,
    case_id: int,
    kind: str,
    name: str,
    identifier: str,
    address: str,
    contact: str = "",
) -> Party:
    """登记当事人, with a checksum-valid ID number or credit code."""
    identifier = identifier.strip().upper()
    problem = _check_party(kind, identifier)
    if problem:
        raise CaseRefused(problem, log_message=f"party identifier refused ({kind})")
    if not name.strip() or not address.strip():
        raise CaseRefused(
            "请填写当事人姓名或名称及住所（行政处罚法第五十九条）。", log_message="party incomplete"
        )
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _may_edit(case, actor)
        if case.state not in ASSESSMENT_OPEN_IN:
            # The parties are part of what was reviewed and is decided (第五十八条).
            raise CaseRefused(
                "案件已提交法制审核、已批准或已作出决定，不能再登记当事人；审核退回后可以登记。",
                log_message=f"case {case.pk} parties frozen in {case.state}",
            )
        party = Party(
            case=case,
            kind=kind,
            name=name.strip(),
            identifier=identifier,
            address=address.strip(),
            contact=contact.strip(),
        )
        party.full_clean()
        party.save()
        _record(case, actor, "party_added")
    return party


def handlers_set(*, actor: Officer, case_id: int, officers: list[Officer]) -> Case:
    """指定承办人: officers of the case's agency; never a 法制审核人员 (办、审分离)."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _may_edit(case, actor)
        if case.state not in HANDLERS_OPEN_IN:
            # Whoever investigated stays on record as investigator, so he can never host the
            # hearing (行政处罚法第六十四条第四项) or be swapped out before the decision.
            raise CaseRefused(
                "调查终结后不能再更换承办人。", log_message=f"case {case.pk} handlers frozen"
            )
        if not actor.has_role(Role.HEAD) and any(o.unit_id != actor.unit_id for o in officers):
            raise CaseRefused(
                "从其他机构指定承办人须由负责人办理。", log_message="handler from another unit"
            )
        strangers = [
            o.name for o in officers if o.unit.agency_id != case.agency_id or not o.is_active
        ]
        if strangers:
            raise CaseRefused(
                f"承办人须为本执法主体的在岗人员：{'、'.join(strangers)}。",
                log_message="foreign handlers",
            )
        reviewers = [o.name for o in officers if o.has_role(Role.REVIEWER)]
        if reviewers:
            raise CaseRefused(
                f"法制审核人员不得承办案件（{'、'.join(reviewers)}）（国办发〔2018〕118号：办、审分离）。",
                log_message="reviewer as handler",
            )
        case.handlers.set(officers)
        _record(case, actor, "handlers_set")
    return case


@dataclass(frozen=True)
class Assessment:
    """What the handlers propose as the investigation goes on: facts, penalty, and the
    circumstances the review catalogue and the hearing and discussion rules look at."""

    facts: str
    penalty_kinds: tuple[str, ...] = ()
    fine_yuan: Decimal | None = None
    amount_involved_yuan: Decimal | None = None
    hearing_right: bool = False
    complex_or_major: bool = False
    review_flags: tuple[str, ...] = ()


# The proposal can change until it goes to 法制审核 (or back to the handlers from it): what the
# reviewer passed is what is decided.
ASSESSMENT_OPEN_IN = {
    "clue", "investigating", "investigated", "notified", "hearing_requested", "hearing_noticed",
    "heard", "review_returned", "proposed", "on_site", "planned", "checked",
}  # fmt: skip
# Whether the penalty is within 听证 scope decides what the notice says (第四十四条、第六十四条).
HEARING_RIGHT_OPEN_IN = {"clue", "investigating", "investigated", "proposed"}


def _money(
    value: object, label: str, *, max_digits: int = 14, positive: bool = False
) -> Decimal | None:
    """``core.money.money_parse``, refusing with ``CaseRefused``."""
    try:
        return money_parse(value, label=label, max_digits=max_digits, positive=positive)
    except MoneyRefused as exc:
        raise CaseRefused(exc.message, log_message=exc.log_message) from None


def case_assess(*, actor: Officer, case_id: int, assessment: Assessment) -> Case:
    """Record the facts and proposed penalty and the circumstances of the case."""
    unknown_kinds = set(assessment.penalty_kinds) - set(PenaltyKind.values)
    unknown_flags = set(assessment.review_flags) - set(ReviewFlag.values)
    if unknown_kinds or unknown_flags:
        raise CaseRefused(
            "处罚种类或重大执法决定情形不正确。",
            log_message=f"unknown kinds {unknown_kinds} flags {unknown_flags}",
        )
    _money(assessment.fine_yuan, "罚款金额")
    _money(assessment.amount_involved_yuan, "涉案金额", max_digits=16)
    if (PenaltyKind.FINE in assessment.penalty_kinds) != (assessment.fine_yuan is not None):
        raise CaseRefused(
            "拟处罚种类含罚款的，须填写罚款金额；不罚款的，请不要填写罚款金额。",
            log_message="fine kind and amount disagree",
        )
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _may_edit(case, actor)
        if case.state not in ASSESSMENT_OPEN_IN:
            raise CaseRefused(
                "案件已提交法制审核或已作出决定，不能再修改拟处理意见；审核退回后可以修改。",
                log_message=f"case {case.pk} assessment frozen in {case.state}",
            )
        if (
            assessment.hearing_right != case.hearing_right
            and case.state not in HEARING_RIGHT_OPEN_IN
        ):
            raise CaseRefused(
                "已事先告知当事人，不能再更改是否属于听证范围；如须更改，应当重新告知"
                "（行政处罚法第四十四条、第六十三条）。",
                log_message=f"case {case.pk} hearing right frozen",
            )
        case.facts = assessment.facts.strip()
        case.penalty_kinds = sorted(set(assessment.penalty_kinds))
        case.warning_only = case.penalty_kinds == [PenaltyKind.WARNING.value]
        case.fine_yuan = assessment.fine_yuan
        case.amount_involved_yuan = assessment.amount_involved_yuan
        case.hearing_right = assessment.hearing_right
        case.complex_or_major = assessment.complex_or_major
        case.review_flags = sorted(set(assessment.review_flags))
        case.save()
        _record(case, actor, "assessed")
    return case


# 违法依据 and 处罚依据 are set while the facts are being established; after the investigation
# they are what the review, the notice and the decision rely on.
BASIS_OPEN_IN: dict[str, frozenset[str]] = {
    Procedure.PENALTY_GENERAL: frozenset({"clue", "investigating"}),
    Procedure.PENALTY_SIMPLE: frozenset({"on_site"}),
    # What the 负责人 approves (and a reviewer passed) is what is enforced.
    Procedure.COERCIVE_MEASURE: frozenset({"proposed", "review_returned"}),
    Procedure.INSPECTION: frozenset({"planned", "checked"}),
}


def case_basis_set(
    *, actor: Officer, case_id: int, violated: list[Article], penalty: list[Article]
) -> Case:
    """登记违法依据和处罚依据: articles of laws in force in the 法律法规库, set by a handler."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        if not case.handlers.filter(pk=actor.pk).exists():
            raise CaseRefused(
                "只有本案承办人可以登记违法依据和处罚依据。",
                log_message=f"{actor.pk} not handler of {case.pk}",
            )
        if case.state not in BASIS_OPEN_IN[case.procedure]:
            state = PROCEDURES[case.procedure].states.get(case.state, case.state)
            raise CaseRefused(
                f"案件处于“{state}”，违法依据和处罚依据已不能修改（调查终结后以审核、告知和决定时的依据为准）。",
                log_message=f"case {case.pk} basis frozen in {case.state}",
            )
        repealed = sorted({str(a) for a in [*violated, *penalty] if not a.law.is_in_force})
        if repealed:
            raise CaseRefused(
                f"{'、'.join(repealed)}所在的法律法规已失效，不能作为依据。",
                log_message="repealed article as basis",
            )
        case.violated_articles.set(violated)
        case.penalty_articles.set(penalty)
        _record(case, actor, "basis_set")
    return case


# Before the decision, a registered general-procedure case may have its 90 days extended.
EXTENSION_OPEN_IN = {
    "investigating", "investigated", "notified", "hearing_requested", "hearing_noticed", "heard",
    "under_review", "review_returned", "committee", "reviewed", "discussed",
}  # fmt: skip


def decision_extend(
    *, actor: Officer, case_id: int, days: int, reason: str, collective: bool = False
) -> DecisionExtension:
    """延长办案期限 of 行政处罚法第六十条, within the agency's rules, before the limit runs out."""
    if not reason.strip():
        raise CaseRefused("请写明延长办案期限的理由。", log_message="extension without reason")
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        if not actor.has_role(Role.HEAD) or not actor.is_active:
            raise CaseRefused("延长办案期限须经负责人批准。", log_message=f"{actor.pk} not head")
        if case.state not in EXTENSION_OPEN_IN or case.decision_due_on is None:
            raise CaseRefused(
                "只有已立案、尚未作出决定的案件可以延长办案期限。",
                log_message=f"case {case.pk} in {case.state}",
            )
        rules = CaseRules.objects.filter(agency_id=case.agency_id).first() or CaseRules()
        if not 1 <= days <= rules.extension_days:
            raise CaseRefused(
                f"每次延长不得超过 {rules.extension_days} 日（{rules.extension_basis}）。",
                log_message=f"extension of {days} days",
            )
        today = timezone.localdate()
        if today > case.decision_due_on:
            raise CaseRefused(
                f"办案期限已于 {case.decision_due_on:%Y年%m月%d日} 届满，应当在届满前批准延长。",
                log_message=f"case {case.pk} already overdue",
            )
        earlier = case.extensions.count()
        if earlier >= rules.extensions_by_head and not collective:
            raise CaseRefused(
                f"本案已延长 {earlier} 次；继续延长须经负责人集体讨论决定，"
                "请在集体讨论后勾选并填写讨论情况。",
                log_message=f"case {case.pk}: extension {earlier + 1} needs collective decision",
            )
        previous = case.decision_due_on
        case.decision_due_on = CalendarDays(days).due(previous, get_calendar())
        fields = ["decision_due_on", "updated_at"]
        if case.step_due_on == previous:
            case.step_due_on = case.decision_due_on
            case.step_due_basis = f"经批准延长办案期限{days}日（{rules.extension_basis}）"[:200]
            fields += ["step_due_on", "step_due_basis"]
        case.save(update_fields=fields)
        extension = DecisionExtension.objects.create(
            case=case, days=days, reason=reason.strip(), collective=collective,
            previous_due_on=previous, new_due_on=case.decision_due_on, approved_by=actor,
        )  # fmt: skip
        ledger_append(
            actor=actor.ledger_actor,
            action="cases.case.decision_extended",
            object_type="cases.case",
            object_id=case.pk,
            agency_id=case.agency_id,
            content_sha256=sha256_hex(
                canonical_json(
                    {
                        "case": case.pk, "days": days, "reason": extension.reason,
                        "collective": collective, "previous": previous.isoformat(),
                        "new": case.decision_due_on.isoformat(), "approved_by": actor.pk,
                    }
                )
            ),
        )  # fmt: skip
    return extension


def _follow_up_case(inspection: Case, actor: Officer, today: date, *, source: str = "") -> Case:
    """A finding of an inspection (or an on-the-spot case beyond 第五十一条) becomes a
    general-procedure case (案源登记), linked to it, with its parties, handlers and facts."""
    carried = {}
    if inspection.procedure == Procedure.PENALTY_SIMPLE:
        # What the officers proposed on the spot stays the proposal until they change it.
        carried = {
            "fine_yuan": inspection.fine_yuan,
            "warning_only": inspection.warning_only,
            "penalty_kinds": list(inspection.penalty_kinds),
        }
    case = Case.objects.create(
        agency_id=inspection.agency_id,
        unit_id=inspection.unit_id,
        procedure=Procedure.PENALTY_GENERAL,
        state=PROCEDURES[Procedure.PENALTY_GENERAL].initial,
        title=inspection.title,
        source=source or f"行政检查发现（{inspection.number}）",
        facts=inspection.facts,
        **carried,
        category_id=inspection.category_id,
        violation_on=inspection.violation_on,
        violation_ended_on=inspection.violation_ended_on,
        endangers_life_health_or_finance=inspection.endangers_life_health_or_finance,
        caused_harm=inspection.caused_harm,
        clue_received_on=today,
        origin=inspection,
        created_by=actor,
    )
    case.handlers.set(inspection.handlers.all())
    if inspection.procedure == Procedure.PENALTY_SIMPLE:
        case.violated_articles.set(inspection.violated_articles.all())
        case.penalty_articles.set(inspection.penalty_articles.all())
    for party in inspection.parties.all():
        Party.objects.create(
            case=case,
            kind=party.kind,
            name=party.name,
            identifier=party.identifier,
            address=party.address,
            contact=party.contact,
        )
    _record(case, actor, "opened")
    return case


def case_transition(
    *,
    actor: Officer,
    case_id: int,
    action: str,
    signed: Signed | None = None,
    via: str = "",
) -> Case:
    """Take one step of the case's procedure, if the law allows it now.

    A 负责人's approval carries his electronic signature (``signed``) where the agency requires
    it (办案规则), and is checked and kept whenever one is given. A step recorded with what it
    needs on its own form (``via="execution"``: the court applied to) is taken only through that
    form's service, which passes ``via``.
    """
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        definition = PROCEDURES[case.procedure]
        try:
            step = definition.transition(action)
        except KeyError:
            raise CaseRefused(
                "没有这个办案步骤。", log_message=f"unknown action {action!r}"
            ) from None
        if step.via == "execution" and via != step.via:
            raise CaseRefused(
                f"“{step.label}”请在案件页面“执行”部分填写后办理。",
                log_message=f"case {case.pk}: {action} outside its form",
            )
        today = timezone.localdate()
        calendar = get_calendar()
        refusal = definition.refusal(
            step, GuardContext(case=case, actor=actor, today=today, calendar=calendar)
        )
        if refusal is not None:
            raise TransitionRefused(refusal, case_id=case.pk, action=action)
        if is_approval(step) and (signed is not None or signatures_required(case)):
            # Before anything changes: the signature is over the case as it stands.
            approval_sign_check(case, action, actor, signed)
        fields = ["state", "step_due_on", "step_due_basis", "updated_at"]
        if action == "register":
            case.number = number_allocate(agency_id=case.agency_id, kind="penalty", year=today.year)
            case.registered_on = today
            case.decision_due_on = DECISION_DEADLINE.due(today, calendar)
            fields += ["number", "registered_on", "decision_due_on"]
        elif action == "decide_on_spot":
            case.number = number_allocate(agency_id=case.agency_id, kind="on_spot", year=today.year)
            case.decided_on = today
            fields += ["number", "decided_on"]
        elif action == "decide":
            case.decided_on = today
            fields += ["decided_on"]
        if action in ("serve", "decide_on_spot"):
            # 第六十七条: fifteen days from receiving the decision (on the spot, or when served).
            case.served_on = today
            case.payment_due_on = PAYMENT_DEADLINE.due(today, calendar)
            fields += ["served_on", "payment_due_on"]
        elif action == "demand":
            # 行政强制法第三十八条: the 催告书 is handed to the party directly.
            case.demand_served_on = today
            fields += ["demand_served_on"]
        elif action in ("enforce", "enforce_urgently"):
            # 行政强制法第二十五条: the period runs from the day the measure was taken, also
            # when it was taken in an emergency and approved afterwards (第十九条).
            case.measure_taken_at = timezone.now()
            case.measure_due_on = MEASURE_PERIOD.due(today, calendar)
            fields += ["measure_taken_at", "measure_due_on"]
        elif action == "extend" and case.measure_due_on:
            case.measure_due_on = MEASURE_EXTENSION.due(case.measure_due_on, calendar)
            fields += ["measure_due_on"]
        if action == "notify":
            case.notified_on, case.statement_closed_on = today, None
            fields += ["notified_on", "statement_closed_on"]
        elif action in ("record_statement", "hold_hearing") and case.statement_closed_on is None:
            # Heard at the hearing, or stated (or waived) and recorded: 第四十五条 is satisfied.
            case.statement_closed_on = today
            fields += ["statement_closed_on"]
        if action == "find_violation":
            _follow_up_case(case, actor, today)
        elif action == "convert":
            _follow_up_case(
                case, actor, today, source=f"当场处罚转一般程序（{evidence_reference(case)}）"
            )
        late = party_act_past_provisional(case, action, today)
        step_due: Due | None = None
        keeps_state = case.state == step.target
        case.state = step.target
        if keeps_state:
            pass  # a record within the step (e.g. 陈述申辩): the step's time limit stands
        elif step.deadline is None:
            case.step_due_on, case.step_due_basis = None, ""
        elif step.deadline == DECISION_DEADLINE:
            case.step_due_on, case.step_due_basis = case.decision_due_on, str(step.deadline)
        elif step.deadline == COURT_APPLICATION_DEADLINE:
            window = execution_periods(case, calendar)
            case.step_due_on = window.court_until if window else None
            case.step_due_basis = str(step.deadline)
        elif step.deadline in (MEASURE_PERIOD, MEASURE_EXTENSION):
            case.step_due_on, case.step_due_basis = case.measure_due_on, str(step.deadline)
        elif action == "enforce_urgently" and case.measure_taken_at:
            due = timezone.localtime(case.measure_taken_at + timedelta(hours=24)).date()
            case.step_due_on, case.step_due_basis = due, str(step.deadline)
        else:
            # A working-day limit is provisional (暂定) where it runs into a year whose holiday
            # schedule is not entered yet; recomputed when the year is entered.
            step_due = step.deadline.due_provisional(today, calendar)
            case.step_due_on, case.step_due_basis = step_due.on, str(step.deadline)
        case.save(update_fields=fields)
        if (
            step_due is not None
            and step.deadline is not None
            and isinstance(step.deadline.period, WorkingDays)
        ):
            provisional_deadline_note(
                instance=case, field="step_due_on", start=today,
                workdays=step.deadline.period.days, due=step_due, actor=actor.ledger_actor,
                agency_id=case.agency_id,
            )  # fmt: skip
        elif not keeps_state:
            provisional_deadline_clear(instance=case, field="step_due_on")
        if late is not None:
            _flag_past_provisional(case, actor, action, late, today)
        review_gate().on_transition(case, actor, action)
        observers.notify(case, actor, action)
        _record(case, actor, action)
    logger.info("case %s: %s by officer %s -> %s", case.pk, action, actor.pk, case.state)
    return case


def _flag_past_provisional(case: Case, actor: Officer, action: str, due: date, today: date) -> None:
    """A party's act after a provisional (暂定) limit is accepted, never refused (the real limit
    may be later); it is flagged in the ledger so the office can look at it once the year's
    schedule is entered."""
    ledger_append(
        actor=actor.ledger_actor,
        action="cases.case.provisional_deadline_passed",
        object_type="cases.case",
        object_id=case.pk,
        agency_id=case.agency_id,
        content_sha256=sha256_hex(
            canonical_json(
                {
                    "case": case.pk,
                    "action": action,
                    "due_on": due.isoformat(),
                    "on": today.isoformat(),
                }
            )
        ),
    )
    logger.warning(
        "case %s: %s on %s after the provisional limit %s; accepted and flagged",
        case.pk, action, today, due,
    )  # fmt: skip


def _document_checks(case: Case, actor: Officer, kind: str) -> None:
    if not actor.has_role(Role.HEAD) and not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人或负责人可以制作文书。", log_message=f"{actor.pk} not handler"
        )
    if not is_available(kind, case):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，不能制作{KINDS[kind].label}。",
            log_message=f"case {case.pk} state {case.state}: no {kind}",
        )
    refusal = document_refusal(kind, case)
    if refusal is not None:
        raise CaseRefused(f"{refusal}。", log_message=f"case {case.pk}: {kind} refused")


def _document_fields(
    case: Case, kind: str, inputs: Mapping[str, str], today: date
) -> dict[str, Any]:
    """The validated inputs, with what the document copies from an earlier one."""
    try:
        fields = inputs_clean(kind, inputs, today=today)
    except InputError as exc:
        raise CaseRefused(exc.message, log_message=exc.log_message) from exc
    refusal = inputs_refusal(kind, case, fields, today=today, calendar=get_calendar())
    if refusal is not None:
        raise CaseRefused(f"{refusal}。", log_message=f"case {case.pk}: {kind} inputs refused")
    if kind == "seizure_list":
        # 行政强制法第二十四条: the list names what the decision (latest version) names.
        decision = (
            CaseDocument.objects.filter(case=case, kind="seizure_decision")
            .order_by("-version")
            .first()
        )
        if decision is not None:
            fields["items"] = decision.fields.get("items", [])
            fields["measure"] = decision.fields.get("measure", "")
            fields["decision_code"] = decision.verification_code
    return fields


def document_generate(
    *, actor: Officer, case_id: int, kind: str, inputs: Mapping[str, str] | None = None
) -> CaseDocument:
    """Render a document from the case as it is now and the inputs typed for it (validated per
    kind, ``document_inputs``), store Word and PDF, record the version and its inputs' hash.

    Rendering and the PDF conversion (seconds) happen before the transaction, so the case row
    is locked only briefly; inside it the case must still be as it was rendered.
    """
    from sanxiang.cases.selectors import case_get_for

    if kind not in KINDS:
        raise CaseRefused("没有这种文书。", log_message=f"unknown document kind {kind!r}")
    case = case_get_for(actor, case_id)
    _document_checks(case, actor, kind)
    fields = _document_fields(case, kind, inputs or {}, timezone.localdate())
    rendered_from = _snapshot_sha256(case)
    code = secrets.token_hex(6)
    # The 负责人 who approved: who took 立案 (立案审批表) or 结案 (结案审批表).
    approved_by = (
        LedgerEntry.objects.filter(
            object_type="cases.case",
            object_id=str(case.pk),
            action="cases.case.close" if kind == "closing_approval" else "cases.case.register",
        )
        .values_list("actor", flat=True)
        .first()
    )
    approver = ""
    if approved_by and approved_by.startswith("user:"):
        head = Officer.objects.filter(user_id=int(approved_by[5:])).first()
        approver = head.name if head else ""
    # Documents for the party print his 查询码 (issued with the first of them).
    party_code = (
        party_code_ensure(actor=actor, case_id=case.pk).code
        if kind in PARTY_KINDS and case.number
        else ""
    )
    context = context_for(
        case,
        verification_code=code,
        approver=approver,
        kind=kind,
        fields=fields,
        party_code=code_display(party_code) if party_code else "",
    )
    docx = render_docx(KINDS[kind], context)
    pdf = convert_to_pdf(docx)
    hashes = []
    for data in (docx, pdf):
        digest = sha256_hex(data)
        store_blob(io.BytesIO(data), digest)
        hashes.append(digest)
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _document_checks(case, actor, kind)
        if _snapshot_sha256(case) != rendered_from:
            raise CaseRefused(
                "生成文书期间案件信息发生了变化，请重新生成。",
                log_message=f"case {case.pk} changed while rendering {kind}",
            )
        current = party_code_current(case.pk) if party_code else None
        if party_code and (current is None or current.code != party_code):
            raise CaseRefused(
                "生成文书期间查询码已重新签发，请重新生成。",
                log_message=f"case {case.pk}: party code reissued while rendering {kind}",
            )
        version = CaseDocument.objects.filter(case=case, kind=kind).count() + 1
        document = CaseDocument.objects.create(
            case=case,
            kind=kind,
            version=version,
            docx_sha256=hashes[0],
            pdf_sha256=hashes[1],
            verification_code=code,
            fields=fields,
            created_by=actor,
        )
        ledger_append(
            actor=actor.ledger_actor,
            action="cases.document.generated",
            object_type="cases.casedocument",
            object_id=document.pk,
            agency_id=case.agency_id,
            content_sha256=document.pdf_sha256,
        )
        if fields:
            # What was typed (笔录内容、送达方式 …) is recorded too, so it cannot change unseen.
            ledger_append(
                actor=actor.ledger_actor,
                action="cases.document.inputs",
                object_type="cases.casedocument",
                object_id=document.pk,
                agency_id=case.agency_id,
                content_sha256=document_fields_sha256(fields),
            )
    return document


def document_fields_sha256(fields: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(fields))


def document_open(*, actor: Officer, document_id: int, form: str) -> tuple[CaseDocument, bytes]:
    """The bytes of a stored document version; each download is recorded."""
    from sanxiang.cases.selectors import case_get_for

    document = CaseDocument.objects.select_related("case").filter(pk=document_id).first()
    try:
        in_scope = document is not None and case_get_for(actor, document.case_id) is not None
    except DomainError:
        in_scope = False
    if document is None or not in_scope:
        raise CaseRefused(
            "未找到该文书，或您无权查看。", log_message=f"document {document_id} not for {actor.pk}"
        )
    digest = document.pdf_sha256 if form == "pdf" else document.docx_sha256
    with transaction.atomic():
        ledger_append(
            actor=actor.ledger_actor,
            action="cases.document.downloaded",
            object_type="cases.casedocument",
            object_id=document.pk,
            agency_id=document.case.agency_id,
            content_sha256=digest,
        )
    with open_blob(blob_name(digest)) as handle:
        return document, handle.read()


# --- On the spot (现场执法, on a phone) --------------------------------------------------------
# A case on the spot has no number until its decision (当场处罚决定书编号), but its photos are
# registered as they are taken: they are filed under a provisional reference and re-filed
# (a recorded correction of their 案件编号) under the number when the case gets it.

ONSITE_STATES: dict[str, frozenset[str]] = {
    Procedure.PENALTY_SIMPLE: frozenset({"on_site"}),
    Procedure.INSPECTION: frozenset({"planned", "checked"}),
}
# A phone's clock and the file's time may disagree a little with the server's.
CLIENT_TIME_SLACK = timedelta(minutes=5)
CLIENT_TIME_MAX_AGE = timedelta(hours=24)


def evidence_reference(case: Case) -> str:
    """The 案件编号 the case's evidence is filed under: its number, or a provisional one."""
    return case.number or f"未编号案件-{case.pk}"


def _onsite_case(actor: Officer, case_id: int) -> Case:
    case = _case_for_update(case_id, actor)
    if not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人可以在现场办理本案。", log_message=f"{actor.pk} not handler"
        )
    if case.state not in ONSITE_STATES.get(case.procedure, frozenset()):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，不能再在现场添加记录。",
            log_message=f"case {case.pk} not on site ({case.procedure}/{case.state})",
        )
    return case


@dataclass(frozen=True)
class Position:
    """Where the browser's Geolocation API put the phone (WGS 84 degrees, metres)."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: Decimal | None = None

    def problem(self) -> str | None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            return "定位数据不正确。"
        if self.accuracy_m is not None and self.accuracy_m < 0:
            return "定位精度不正确。"
        return None

    def text(self) -> str:
        accuracy = f"，精度约 {self.accuracy_m:.0f} 米" if self.accuracy_m is not None else ""
        return f"定位 {self.latitude:.6f},{self.longitude:.6f}{accuracy}"


def onsite_photo_location(place: str, position: Position | None) -> str:
    """采集地点: what the officer typed, with the position when the phone gave one."""
    place = " ".join(place.split())
    if position is None:
        if not place:
            raise CaseRefused(
                "未取得定位，请填写拍摄地点（采集地点为必填信息）。",
                log_message="photo without place or position",
            )
        return place[:200]
    if position.problem():
        raise CaseRefused(position.problem() or "", log_message="bad position")
    suffix = position.text()
    if not place:
        return suffix
    return f"{place[: 200 - len(suffix) - 2]}（{suffix}）"


def onsite_photo_add(
    *,
    actor: Officer,
    case_id: int,
    upload: Upload,
    place: str,
    position: Position | None,
    client_time: datetime | None,
    proves: str,
    device: str,
) -> EvidenceItem:
    """Register one photo taken on the spot as evidence of the case (the evidence app's own
    service: checks of type and metadata, hashing, custody, ledger).

    采集时间 is the file's time as the browser reported it when plausible (not in the future,
    not older than a day); otherwise the time the server received it. The server's receipt time
    is recorded either way (the record's 登记时间), and the description says which was used.
    """
    with transaction.atomic():
        case = _onsite_case(actor, case_id)
    location = onsite_photo_location(place, position)
    received = timezone.now()
    source = "服务器接收时间（浏览器未提供文件时间）"
    collected_at = received
    if client_time is not None:
        if received - CLIENT_TIME_MAX_AGE <= client_time <= received + CLIENT_TIME_SLACK:
            collected_at, source = min(client_time, received), "浏览器提供的文件时间"
        else:
            source = "服务器接收时间（浏览器提供的文件时间不可信）"
    description = (
        f"现场执法手机拍摄。采集时间取自{source}；"
        f"服务器接收时间 {timezone.localtime(received):%Y-%m-%d %H:%M:%S}。"
    )
    if position is not None:
        description += f"浏览器定位：纬度 {position.latitude}，经度 {position.longitude}"
        if position.accuracy_m is not None:
            description += f"，精度 {position.accuracy_m} 米"
        description += "。"
    return evidence_register(
        actor=actor,
        upload=upload,
        metadata={
            "case_number": evidence_reference(case),
            "kind": EvidenceKind.PHOTO,
            "collected_at": collected_at,
            "location": location,
            "collector": actor,
            "proves": proves.strip() or case.title,
            "device": device.strip()[:100] or "手机",
            "description": description,
        },
    )


def _refile_evidence(actor: Officer, case: Case, old_reference: str, new_reference: str) -> int:
    """Re-file the current records filed under ``old_reference`` (a recorded correction)."""
    if old_reference == new_reference:
        return 0
    items = EvidenceItem.objects.filter(
        agency_id=case.agency_id, case_number=old_reference, superseded_by__isnull=True
    ).order_by("pk")
    count = 0
    for item in items:
        evidence_correct(
            actor=actor,
            item_id=item.pk,
            changes={"case_number": new_reference},
            reason=f"案件编号由“{old_reference}”改为“{new_reference}”",
        )
        count += 1
    return count


def on_spot_decide(*, actor: Officer, case_id: int) -> Case:
    """当场作出处罚决定 (the declared step with all its guards), and the photos taken before it
    re-filed under the decision's number, in one transaction."""
    with transaction.atomic():
        provisional = evidence_reference(_case_for_update(case_id, actor))
        case = case_transition(actor=actor, case_id=case_id, action="decide_on_spot")
        _refile_evidence(actor, case, provisional, evidence_reference(case))
    return case


def on_spot_convert(*, actor: Officer, case_id: int) -> Case:
    """转为一般程序: the on-the-spot case closes as converted and a general-procedure case (案源
    登记) carries over its parties, handlers, facts, proposal, articles and photos."""
    with transaction.atomic():
        case = case_transition(actor=actor, case_id=case_id, action="convert")
        follow_up = Case.objects.get(origin=case)
        _refile_evidence(actor, case, evidence_reference(case), evidence_reference(follow_up))
    return follow_up


def inspection_record_on_site(
    *, actor: Officer, case_id: int, inputs: Mapping[str, str], device: str = "手机"
) -> CaseDocument:
    """现场检查笔录 made on the phone: the document is generated, and its PDF is registered as
    the check's written record (文字记录) through the evidence app, so 检查 can be recorded."""
    with transaction.atomic():
        case = _onsite_case(actor, case_id)
    document = document_generate(
        actor=actor, case_id=case.pk, kind="inspection_record", inputs=inputs
    )
    if document.fields.get("findings") and not case.facts:
        case_assess(
            actor=actor, case_id=case.pk, assessment=Assessment(facts=document.fields["findings"])
        )
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        data = io.BytesIO(handle.read())
    started = datetime.fromisoformat(document.fields["started_at"])
    if timezone.is_naive(started):
        started = timezone.make_aware(started)
    evidence_register(
        actor=actor,
        upload=Upload(
            handle=data,
            filename=f"现场检查笔录-v{document.version}.pdf",
            digests=digest_stream(data),
        ),
        metadata={
            "case_number": evidence_reference(case),
            "kind": EvidenceKind.TEXT,
            "collected_at": min(started, timezone.now()),
            "location": document.fields["place"],
            "collector": actor,
            "proves": "现场检查情况（现场检查笔录）",
            "device": device,
            "description": (
                f"现场检查笔录第 {document.version} 版，核验码 {document.verification_code}。"
            ),
        },
    )
    return document


# --- 执行: records the execution steps read ------------------------------------------------------

# Money can be received and performance recorded while the decision awaits execution.
PAYMENT_OPEN_IN = frozenset({"served", "demanded", "court_applied"})
# 复议/诉讼 can be brought once there is a decision, also after it was executed (the periods run
# from service, 行政复议法第二十条、行政诉讼法第四十六条).
REMEDY_OPEN_IN = frozenset(
    {"decided", "served", "demanded", "court_applied", "executed", "ended", "closed"}
)
CENT = Decimal("0.01")
# 行政处罚法第六十八条第一项: up to 100 yuan may be collected on the spot.
ON_SPOT_COLLECTION_LIMIT = Decimal("100")


def _execution_case(case_id: int, actor: Officer, states: frozenset[str], what: str) -> Case:
    case = _case_for_update(case_id, actor)
    if not actor.is_active or (
        not actor.has_role(Role.HEAD) and not case.handlers.filter(pk=actor.pk).exists()
    ):
        raise CaseRefused(
            f"只有本案承办人或负责人可以登记{what}。", log_message=f"{actor.pk} not handler"
        )
    if case.state not in states:
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，不能登记{what}。",
            log_message=f"case {case.pk}: {what} refused in {case.state}",
        )
    return case


def _positive_money(value: object, label: str) -> Decimal:
    """An amount in yuan above zero with at most two decimal places (``core.money``)."""
    amount = _money(value, label, positive=True)
    if amount is None:
        raise CaseRefused(f"请填写{label}。", log_message=f"{label} missing")
    return amount


def _past_date(value: date, label: str, case: Case) -> None:
    if value > timezone.localdate():
        raise CaseRefused(f"{label}不能晚于今天。", log_message=f"future {label}")
    if case.decided_on and value < case.decided_on:
        raise CaseRefused(f"{label}不能早于决定日期。", log_message=f"{label} before decision")


def _record_execution(case: Case, actor: Officer, verb: str, content: dict[str, Any]) -> None:
    ledger_append(
        actor=actor.ledger_actor,
        action=f"cases.case.{verb}",
        object_type="cases.case",
        object_id=case.pk,
        agency_id=case.agency_id,
        content_sha256=sha256_hex(canonical_json({"case": case.pk, **content})),
    )


def _follow_payment_due(case: Case, today: date) -> None:
    """While the fine is being paid, the case's step is due when the next instalment is."""
    if case.state != "served":
        return
    money = case_account(case, today)
    if money is None:
        return
    due = money.next_due_on
    if due is None:
        case.step_due_on, case.step_due_basis = None, ""
    else:
        basis = INSTALMENT_DEADLINE_BASIS if case.schedules.exists() else str(PAYMENT_DEADLINE)
        case.step_due_on, case.step_due_basis = due, basis
    case.save(update_fields=["step_due_on", "step_due_basis", "updated_at"])


def payment_record(
    *,
    actor: Officer,
    case_id: int,
    paid_on: date,
    amount: object,
    channel: str,
    receipt_number: str,
    on_spot_reason: str = "",
) -> Payment:
    """登记缴款: the receipt of the bank, the electronic payment or 非税收入 system, or the
    专用票据 of 当场收缴; never more than is owed that day (fine and 加处罚款)."""
    money = _positive_money(amount, "缴款金额")
    receipt_number = receipt_number.strip()
    if channel not in PaymentChannel.values:
        raise CaseRefused("请选择缴款渠道。", log_message=f"bad channel {channel!r}")
    if not receipt_number:
        raise CaseRefused("请填写缴款凭证或票据号码。", log_message="no receipt number")
    with transaction.atomic():
        case = _execution_case(case_id, actor, PAYMENT_OPEN_IN, "缴款")
        _past_date(paid_on, "缴款日期", case)
        if channel == PaymentChannel.ON_SPOT:
            # 行政处罚法第六十七条第二款、第六十八条、第六十九条: only on-the-spot decisions, up
            # to 100 yuan, or where collecting later would be hard or paying at a bank is.
            if case.procedure != Procedure.PENALTY_SIMPLE or paid_on != case.decided_on:
                raise CaseRefused(
                    "只有当场作出的处罚决定可以在作出决定时当场收缴罚款；其他罚款应当到指定的"
                    "银行或者通过电子支付系统缴纳（行政处罚法第六十七条、第六十八条）。",
                    log_message=f"case {case.pk}: on-spot collection refused",
                )
            if (case.fine_yuan or 0) > ON_SPOT_COLLECTION_LIMIT and not on_spot_reason.strip():
                raise CaseRefused(
                    "罚款超过一百元的，只有不当场收缴事后难以执行，或者在边远、水上、交通不便"
                    "地区当事人缴纳确有困难并提出的，才可以当场收缴，请写明情形"
                    "（行政处罚法第六十八条、第六十九条）。",
                    log_message=f"case {case.pk}: on-spot collection above 100 without reason",
                )
        owed = case_account(case, paid_on)
        if owed is None:
            raise CaseRefused("本案没有应缴纳的罚款。", log_message=f"case {case.pk}: no fine")
        if money > owed.outstanding:
            raise CaseRefused(
                f"缴款金额 {money} 元超过 {paid_on:%Y年%m月%d日} 尚欠的 {owed.outstanding} 元"
                f"（罚款 {owed.principal} 元、加处罚款 {owed.late_fee} 元，已缴 {owed.paid} 元）。",
                log_message=f"case {case.pk}: overpayment {money} > {owed.outstanding}",
            )
        if case.payments.filter(receipt_number=receipt_number).exists():
            raise CaseRefused("该缴款凭证已登记。", log_message="receipt recorded twice")
        payment = Payment.objects.create(
            case=case, paid_on=paid_on, amount_yuan=money, channel=channel,
            receipt_number=receipt_number, recorded_by=actor,
        )  # fmt: skip
        _follow_payment_due(case, timezone.localdate())
        _record_execution(
            case, actor, "payment_recorded",
            {"payment": payment.pk, "paid_on": paid_on.isoformat(), "amount": str(money),
             "channel": channel, "receipt": receipt_number, "on_spot_reason": on_spot_reason},
        )  # fmt: skip
    return payment


def schedule_approve(
    *,
    actor: Officer,
    case_id: int,
    kind: str,
    applied_on: date,
    reason: str,
    instalments: Sequence[tuple[date, object]],
) -> PaymentSchedule:
    """批准暂缓或者分期缴纳 (行政处罚法第六十六条第二款) on the party's application, made within
    the time to pay; the instalments add up to the fine and become its due dates."""
    if kind not in ScheduleKind.values:
        raise CaseRefused("请选择暂缓缴纳或者分期缴纳。", log_message=f"bad schedule {kind!r}")
    if not reason.strip():
        raise CaseRefused(
            "请写明当事人确有经济困难的情况（行政处罚法第六十六条第二款）。",
            log_message="schedule without reason",
        )
    parts = [(due, _positive_money(amount, "每期金额")) for due, amount in instalments]
    if kind == ScheduleKind.DEFERRAL and len(parts) != 1:
        raise CaseRefused("暂缓缴纳只有一个缴纳期限。", log_message="deferral with parts")
    if kind == ScheduleKind.INSTALMENTS and len(parts) < 2:
        raise CaseRefused("分期缴纳至少分为两期。", log_message="one instalment")
    dues = [due for due, _ in parts]
    if dues != sorted(set(dues)):
        raise CaseRefused("各期缴纳期限应当先后不同、依次排列。", log_message="bad order")
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        if not actor.is_active or not actor.has_role(Role.HEAD):
            raise CaseRefused(
                "暂缓或者分期缴纳须经行政机关负责人批准。", log_message=f"{actor.pk} not head"
            )
        if case.state != "served":
            raise CaseRefused(
                "只有已送达、尚未催告的罚款可以批准暂缓或者分期缴纳。",
                log_message=f"case {case.pk} schedule in {case.state}",
            )
        today = timezone.localdate()
        money = case_account(case, today)
        if money is None:
            raise CaseRefused("本案没有应缴纳的罚款。", log_message=f"case {case.pk}: no fine")
        current_due = money.next_due_on or case.payment_due_on
        if applied_on > today or (case.served_on and applied_on < case.served_on):
            raise CaseRefused(
                "申请日期应在决定书送达之后、不晚于今天。", log_message="bad application date"
            )
        if current_due is None or applied_on > current_due:
            raise CaseRefused(
                f"当事人应当在缴纳期限（{current_due:%Y年%m月%d日}）届满前申请暂缓或者分期缴纳。"
                if current_due
                else "罚款已缴清，无须暂缓或者分期缴纳。",
                log_message=f"case {case.pk}: late application",
            )
        if dues[0] < today:
            raise CaseRefused("缴纳期限不能早于今天。", log_message="instalment in the past")
        total = sum((amount for _, amount in parts), Decimal("0.00"))
        if total != money.principal:
            raise CaseRefused(
                f"各期金额合计 {total} 元，应当等于罚款 {money.principal} 元。",
                log_message=f"case {case.pk}: instalments {total} != {money.principal}",
            )
        schedule = PaymentSchedule.objects.create(
            case=case, kind=kind, applied_on=applied_on, reason=reason.strip(),
            instalments=[{"due_on": d.isoformat(), "amount": str(a)} for d, a in parts],
            approved_by=actor,
        )  # fmt: skip
        case.payment_due_on = dues[-1]
        case.save(update_fields=["payment_due_on", "updated_at"])
        _follow_payment_due(case, today)
        _record_execution(
            case, actor, "schedule_approved",
            {"schedule": schedule.pk, "kind": kind, "applied_on": applied_on.isoformat(),
             "reason": schedule.reason, "instalments": schedule.instalments},
        )  # fmt: skip
    return schedule


def remedy_record(
    *, actor: Officer, case_id: int, kind: str, filed_on: date, body: str, reference: str = ""
) -> Remedy:
    """登记当事人申请行政复议或者提起行政诉讼. Late filings are recorded too: whether a
    filing is in time is for the 复议机关 or the court to decide."""
    if kind not in RemedyKind.values:
        raise CaseRefused("请选择行政复议或者行政诉讼。", log_message=f"bad remedy {kind!r}")
    if not body.strip():
        raise CaseRefused("请填写复议机关或者人民法院。", log_message="remedy without body")
    with transaction.atomic():
        case = _execution_case(case_id, actor, REMEDY_OPEN_IN, "行政复议、行政诉讼")
        _past_date(filed_on, "申请或者起诉日期", case)
        remedy = Remedy.objects.create(
            case=case, kind=kind, filed_on=filed_on, body=body.strip()[:200],
            reference=reference.strip()[:100], recorded_by=actor,
        )  # fmt: skip
        _record_execution(
            case, actor, "remedy_filed",
            {"remedy": remedy.pk, "kind": kind, "filed_on": filed_on.isoformat(),
             "body": remedy.body, "reference": remedy.reference},
        )  # fmt: skip
    return remedy


def remedy_step_record(
    *,
    actor: Officer,
    case_id: int,
    remedy_id: int,
    kind: str,
    decided_on: date,
    outcome: str = "",
    changed_fine: object = None,
) -> RemedyStep:
    """登记复议机关或者人民法院决定停止执行, or the outcome that ends the proceeding. An outcome
    that changes, revokes or finds the decision illegal or void tells the apps above (执法公示
    must withdraw the published decision within three working days, 行政处罚法第四十八条)."""
    if kind not in RemedyStepKind.values:
        raise CaseRefused("请选择登记事项。", log_message=f"bad remedy step {kind!r}")
    if kind == RemedyStepKind.OUTCOME and outcome not in RemedyOutcome.values:
        raise CaseRefused("请选择复议决定或者裁判结果。", log_message=f"bad outcome {outcome!r}")
    if kind == RemedyStepKind.SUSPENSION:
        outcome = ""
    fine = None
    if changed_fine not in (None, ""):
        if outcome != RemedyOutcome.CHANGED:
            raise CaseRefused(
                "只有变更处罚决定的，才填写变更后的罚款金额。", log_message="fine without change"
            )
        fine = _positive_money(changed_fine, "变更后的罚款金额")
    with transaction.atomic():
        case = _execution_case(case_id, actor, REMEDY_OPEN_IN, "复议决定或者裁判")
        remedy = case.remedies.filter(pk=remedy_id).first()
        if remedy is None:
            raise CaseRefused("未找到该复议或诉讼。", log_message=f"remedy {remedy_id}")
        if remedy.steps.filter(kind=RemedyStepKind.OUTCOME).exists():
            raise CaseRefused("该复议或诉讼已经终结。", log_message=f"remedy {remedy.pk} closed")
        if decided_on > timezone.localdate() or decided_on < remedy.filed_on:
            raise CaseRefused(
                "日期应在申请或者起诉之后、不晚于今天。", log_message="bad remedy step date"
            )
        if kind == RemedyStepKind.SUSPENSION and remedy.steps.exists():
            raise CaseRefused("已登记停止执行。", log_message="suspension twice")
        step = RemedyStep.objects.create(
            remedy=remedy, kind=kind, decided_on=decided_on, outcome=outcome,
            changed_fine_yuan=fine, recorded_by=actor,
        )  # fmt: skip
        _record_execution(
            case, actor, "remedy_suspension" if kind == RemedyStepKind.SUSPENSION
            else "remedy_outcome",
            {"remedy": remedy.pk, "step": step.pk, "kind": kind,
             "decided_on": decided_on.isoformat(), "outcome": outcome,
             "changed_fine": str(fine) if fine is not None else None},
        )  # fmt: skip
        _follow_payment_due(case, timezone.localdate())
        if kind == RemedyStepKind.OUTCOME:
            observers.notify(case, actor, "remedy_outcome")
    return step


def execution_step_record(
    *,
    actor: Officer,
    case_id: int,
    kind: str,
    occurred_on: date,
    note: str = "",
    reference: str = "",
) -> ExecutionStep:
    """登记罚款以外的处罚已履行, or the court's ruling on the application and its execution."""
    if kind not in (
        ExecutionStepKind.PERFORMED,
        ExecutionStepKind.COURT_GRANTED,
        ExecutionStepKind.COURT_REFUSED,
        ExecutionStepKind.COURT_ENFORCED,
    ):
        raise CaseRefused("请选择登记事项。", log_message=f"bad execution step {kind!r}")
    if kind == ExecutionStepKind.PERFORMED and not note.strip():
        raise CaseRefused("请写明履行情况。", log_message="performance without note")
    with transaction.atomic():
        states = PAYMENT_OPEN_IN if kind == ExecutionStepKind.PERFORMED else {"court_applied"}
        case = _execution_case(case_id, actor, frozenset(states), "执行情况")
        _past_date(occurred_on, "日期", case)
        court = ""
        if kind != ExecutionStepKind.PERFORMED:
            application = case.execution_steps.filter(kind=ExecutionStepKind.COURT_APPLIED).last()
            court = application.court if application else ""
            if (
                kind == ExecutionStepKind.COURT_ENFORCED
                and not case.execution_steps.filter(kind=ExecutionStepKind.COURT_GRANTED).exists()
            ):
                raise CaseRefused(
                    "请先登记人民法院准予执行的裁定。", log_message="enforced before granted"
                )
        step = ExecutionStep.objects.create(
            case=case, kind=kind, occurred_on=occurred_on, court=court,
            reference=reference.strip()[:100], note=note.strip(), recorded_by=actor,
        )  # fmt: skip
        _record_execution(
            case, actor, f"execution_{kind}",
            {"step": step.pk, "kind": kind, "on": occurred_on.isoformat(),
             "reference": step.reference, "note": step.note},
        )  # fmt: skip
    return step


def court_application_record(
    *,
    actor: Officer,
    case_id: int,
    court: str,
    reference: str = "",
    signed: Signed | None = None,
) -> ExecutionStep:
    """申请人民法院强制执行 (行政强制法第五十三条至第五十五条): the step, with its court; a
    负责人's approval, signed like any other where the agency requires it."""
    if not court.strip():
        raise CaseRefused("请填写受理申请的人民法院。", log_message="no court")
    with transaction.atomic():
        case = case_transition(
            actor=actor, case_id=case_id, action="apply_court", via="execution", signed=signed
        )
        step = ExecutionStep.objects.create(
            case=case, kind=ExecutionStepKind.COURT_APPLIED, occurred_on=timezone.localdate(),
            court=court.strip()[:200], reference=reference.strip()[:100], recorded_by=actor,
        )  # fmt: skip
        _record_execution(
            case, actor, "execution_court_applied",
            {"step": step.pk, "court": step.court, "reference": step.reference},
        )  # fmt: skip
    return step


def payment_deadlines_recompute(*, year: int, actor: str) -> list[int]:
    """Once ``year``'s holiday schedule is entered, move each 缴款期限 that ended in that year on
    a day not known to be a holiday (民事诉讼法第八十五条: it ends on the next working day).

    Without the schedule the period's end was kept unrolled (``CalendarDays``), which is early
    for the party: 加处罚款 and 催告 count from it. Only later dates are written (the period
    can only grow), for cases still awaiting payment without an approved schedule; each move is
    a ledger event. Returns the ids of the cases changed.
    """
    calendar = get_calendar()
    moved = []
    # No join to the schedules (an approved schedule sets its own dates), so the rows can be
    # locked on PostgreSQL too.
    candidates = (
        Case.objects.select_for_update()
        .filter(served_on__isnull=False, payment_due_on__year=year, state__in=PAYMENT_OPEN_IN)
        .exclude(Exists(PaymentSchedule.objects.filter(case=OuterRef("pk"))))
    )
    for case in candidates:
        if case.served_on is None or case.payment_due_on is None:
            continue
        exact = PAYMENT_DEADLINE.due(case.served_on, calendar)
        if exact <= case.payment_due_on:
            continue
        fields = ["payment_due_on", "updated_at"]
        if case.step_due_on == case.payment_due_on:
            case.step_due_on = exact
            fields.append("step_due_on")
        case.payment_due_on = exact
        case.save(update_fields=fields)
        ledger_append(
            actor=actor,
            action="cases.case.payment_due_recomputed",
            object_type="cases.case",
            object_id=case.pk,
            agency_id=case.agency_id,
            content_sha256=_snapshot_sha256(case),
        )
        moved.append(case.pk)
    if moved:
        logger.info("payment deadlines of %d cases moved after %s was entered", len(moved), year)
    return moved
