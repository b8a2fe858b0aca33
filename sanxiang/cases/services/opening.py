"""Opening a case: numbering, the new case, its parties and its handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.cases.models import (
    Case,
    NumberingRule,
    NumberSeries,
    Party,
    PartyKind,
    PenaltyKind,
    Procedure,
)
from sanxiang.cases.services._common import (
    CaseRefused,
    _case_for_update,
    _may_edit,
    _money,
    _record,
)
from sanxiang.cases.services.assessment import ASSESSMENT_OPEN_IN
from sanxiang.cases.workflow.definitions import PROCEDURES, open_in_any
from sanxiang.cases.workflow.engine import in_states
from sanxiang.core.identifiers import credit_code_problem, id_number_problem
from sanxiang.org.models import EnforcementCategory, Officer, Role


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
    violation_place: str = ""
    endangers_life_health_or_finance: bool = False
    caused_harm: bool = False
    fine_yuan: Decimal | None = None
    warning_only: bool = False
    hearing_right: bool = False
    complex_or_major: bool = False


# 指定承办人 is possible until the investigation ends (and on the spot, before the decision).
HANDLERS_OPEN_IN = open_in_any("handlers")  # declared on the procedures

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
            violation_place=" ".join(new.violation_place.split())[:200],
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
        if not in_states(case, ASSESSMENT_OPEN_IN):
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


def handlers_set(
    *, actor: Officer, case_id: int, officers: list[Officer], drawn: bool = False
) -> Case:
    """指定承办人: officers of the case's agency; never a 法制审核人员 (办、审分离).

    ``drawn``: the team was drawn at random (双随机, ``sanxiang.inspections``), which may pick
    officers of any unit, so the rule that only a 负责人 assigns across units does not apply.
    From then on the case's handlers may be added to, but nobody drawn may be taken off it: a
    team chosen by lot cannot be swapped for a chosen one.
    """
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _may_edit(case, actor)
        if not in_states(case, HANDLERS_OPEN_IN):
            # Whoever investigated stays on record as investigator, so he can never host the
            # hearing (行政处罚法第六十四条第四项) or be swapped out before the decision.
            raise CaseRefused(
                "调查终结后不能再更换承办人。", log_message=f"case {case.pk} handlers frozen"
            )
        if (
            not drawn
            and not actor.has_role(Role.HEAD)
            and any(o.unit_id != actor.unit_id for o in officers)
        ):
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
        if case.handlers_drawn and not drawn:
            dropped = [o.name for o in case.handlers.all() if o not in officers]
            if dropped:
                raise CaseRefused(
                    f"本案检查组由双随机抽取确定，不能换下抽中的人员（{'、'.join(dropped)}），"
                    "只能增加承办人。",
                    log_message=f"case {case.pk} drawn handlers {dropped} kept",
                )
        if drawn:
            case.handlers_drawn = True
            case.save(update_fields=["handlers_drawn", "updated_at"])
        case.handlers.set(officers)
        _record(case, actor, "handlers_set")
    return case
