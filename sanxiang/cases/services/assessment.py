"""Before the decision: the proposal (拟处理意见), the legal basis, and the extension of the
decision deadline (行政处罚法第六十条).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.events import decision_extended
from sanxiang.cases.models import (
    Case,
    CaseRules,
    DecisionExtension,
    PenaltyKind,
    Procedure,
    ReviewFlag,
)
from sanxiang.cases.services._common import (
    CaseRefused,
    _case_for_update,
    _may_edit,
    _money,
    _record,
)
from sanxiang.cases.services.circumstances import circumstances_prune
from sanxiang.cases.statements import heavier_refusal, was_heard
from sanxiang.cases.workflow.definitions import PROCEDURES, open_in_any
from sanxiang.cases.workflow.engine import in_states
from sanxiang.core.deadlines import CalendarDays
from sanxiang.core.selectors import get_calendar
from sanxiang.discretion.selectors import violation_in_force
from sanxiang.org.models import Article, Officer, Role


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
    # 违法行为地点 as established by the investigation (None: left as it is).
    violation_place: str | None = None
    # Why the fine lies outside the tier the recorded 情节 point to (None: left as it is).
    discretion_reasons: str | None = None


# Declared on the procedures (workflow/definitions.py, their ``activities``): the proposal can
# change until it goes to 法制审核 (or back to the handlers from it); whether the penalty is within
# 听证 scope decides what the notice says (第四十四条、第六十四条).
ASSESSMENT_OPEN_IN = open_in_any("assessment")
HEARING_RIGHT_OPEN_IN = open_in_any("hearing_right")


def case_assess(*, actor: Officer, case_id: int, assessment: Assessment) -> Case:
    """Record the facts and proposed penalty and the circumstances of the case."""
    unknown_kinds = set(assessment.penalty_kinds) - set(PenaltyKind.values)
    unknown_flags = set(assessment.review_flags) - set(ReviewFlag.values)
    if unknown_kinds or unknown_flags:
        raise CaseRefused(
            "处罚种类或重大执法决定情形不正确。",
            log_message=f"unknown kinds {unknown_kinds} flags {unknown_flags}",
        )
    if "\x00" in assessment.facts:
        raise CaseRefused(
            "违法事实中含有无法保存的字符，请删除后重新填写。",
            log_message="NUL in facts",
            field="facts",
        )
    _money(assessment.fine_yuan, "罚款金额")
    _money(assessment.amount_involved_yuan, "涉案金额", max_digits=16)
    if (PenaltyKind.FINE in assessment.penalty_kinds) != (assessment.fine_yuan is not None):
        raise CaseRefused(
            "拟处罚种类含罚款的，须填写罚款金额；不罚款的，请不要填写罚款金额。",
            log_message="fine kind and amount disagree",
            field="fine_yuan",
        )
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _may_edit(case, actor)
        if not in_states(case, ASSESSMENT_OPEN_IN):
            raise CaseRefused(
                "案件已提交法制审核或已作出决定，不能再修改拟处理意见；审核退回后可以修改。",
                log_message=f"case {case.pk} assessment frozen in {case.state}",
            )
        if assessment.hearing_right != case.hearing_right and not in_states(
            case, HEARING_RIGHT_OPEN_IN
        ):
            raise CaseRefused(
                "已事先告知当事人，不能再更改是否属于听证范围；如须更改，应当重新告知"
                "（行政处罚法第四十四条、第六十三条）。",
                log_message=f"case {case.pk} hearing right frozen",
                field="hearing_right",
            )
        if case.notified_on is None and assessment.penalty_kinds and in_states(case, UNDER_REVIEW):
            # Sent to review as 不予处罚, without a notice: a penalty cannot be proposed inside
            # that review, since the party was never told of one (第四十四条).
            raise CaseRefused(
                "本案以拟不予处罚提交法制审核，未经事先告知，审核中不能改为给予处罚；"
                "对审核意见有不同看法的，请在答复中说明（行政处罚法第四十四条）。",
                log_message=f"case {case.pk}: penalty proposed in a no-penalty review",
            )
        if case.notified_on is not None and was_heard(case):
            # 第四十五条第二款: after the party has spoken, no heavier fine than announced.
            heavier = heavier_refusal(case, assessment.fine_yuan)
            if heavier is not None:
                raise CaseRefused(
                    f"{heavier}。", log_message=f"case {case.pk}: heavier fine", field="fine_yuan"
                )
        case.facts = assessment.facts.strip()
        if assessment.violation_place is not None:
            place = " ".join(assessment.violation_place.split())
            if len(place) > 200 or "\x00" in place:
                raise CaseRefused(
                    "违法行为地点不能超过 200 字，且不能含有无法保存的字符。",
                    log_message=f"case {case.pk}: bad violation place",
                    field="violation_place",
                )
            case.violation_place = place
        case.penalty_kinds = sorted(set(assessment.penalty_kinds))
        case.warning_only = case.penalty_kinds == [PenaltyKind.WARNING.value]
        case.fine_yuan = assessment.fine_yuan
        case.amount_involved_yuan = assessment.amount_involved_yuan
        case.hearing_right = assessment.hearing_right
        case.complex_or_major = assessment.complex_or_major
        case.review_flags = sorted(set(assessment.review_flags))
        _discretion_reasons(case, assessment.discretion_reasons)
        case.save()
        _record(case, actor, "assessed")
    return case


REASONS_MAX = 2000


def _discretion_reasons(case: Case, reasons: str | None) -> None:
    """A fine outside the tier the recorded 情节 point to needs the handlers' written reasons."""
    if reasons is not None:
        text = reasons.strip()
        if len(text) > REASONS_MAX or "\x00" in text:
            raise CaseRefused(
                f"超出适用阶次的理由不能超过 {REASONS_MAX} 字，且不能含有无法保存的字符。",
                log_message=f"case {case.pk}: bad discretion reasons",
                field="discretion_reasons",
            )
        case.discretion_reasons = text
    found = case_discretion(case)
    if found is not None and found.outside and not case.discretion_reasons:
        # 当场处罚 has no 法制审核: the reasons stay on the case, shown before deciding.
        after = (
            "法制审核时将提示审核人员核对"
            if case.procedure == Procedure.PENALTY_GENERAL
            else "理由记入本案，决定时一并核对"
        )
        raise CaseRefused(
            f"{found.outside}：请在“超出适用阶次的理由”中写明理由，{after}。",
            log_message=f"case {case.pk}: fine outside the tier without reasons",
            field="discretion_reasons",
        )


UNDER_REVIEW = frozenset({"under_review"})

# 违法依据 and 处罚依据 are set while the facts are being established (declared per procedure).
BASIS_OPEN_IN: dict[str, frozenset[str]] = {
    code: definition.open_in("basis") for code, definition in PROCEDURES.items()
}


def _basis_open(case: Case, actor: Officer) -> None:
    if not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人可以登记违法依据和处罚依据。",
            log_message=f"{actor.pk} not handler of {case.pk}",
        )
    if not in_states(case, BASIS_OPEN_IN[case.procedure]):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，违法依据和处罚依据已不能修改（事先告知后以告知、审核和决定时的依据为准）。",
            log_message=f"case {case.pk} basis frozen in {case.state}",
        )


def _basis_store(case: Case, violated: list[Article], penalty: list[Article]) -> None:
    repealed = sorted({str(a) for a in [*violated, *penalty] if not a.law.is_in_force})
    if repealed:
        raise CaseRefused(
            f"{'、'.join(repealed)}所在的法律法规已失效，不能作为依据。",
            log_message="repealed article as basis",
        )
    case.violated_articles.set(violated)
    case.penalty_articles.set(penalty)


def case_basis_set(
    *, actor: Officer, case_id: int, violated: list[Article], penalty: list[Article]
) -> Case:
    """登记违法依据和处罚依据: articles of laws in force in the 法律法规库, set by a handler."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _basis_open(case, actor)
        _basis_store(case, violated, penalty)
        chosen = case.discretion_violation
        if chosen is not None and (
            {a.pk for a in violated} != {a.pk for a in chosen.violated_articles.all()}
            or {a.pk for a in penalty} != {a.pk for a in chosen.penalty_articles.all()}
        ):
            # Articles set by hand that are not the 违法行为's: the choice no longer holds, and
            # the 裁量 check must not judge the fine against its tiers.
            case.discretion_violation = None
            case.save(update_fields=["discretion_violation"])
            circumstances_prune(case, actor)
        _record(case, actor, "basis_set")
    return case


def case_violation_choose(*, actor: Officer, case_id: int, violation_id: object) -> Case:
    """选用裁量基准中的违法行为: a handler picks the 违法行为 from the agency's 裁量基准 in
    force; its 违法依据 and 处罚依据 become the case's, and the case keeps the version (the
    same ledger step as setting the basis by hand, its snapshot naming the 违法行为)."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _basis_open(case, actor)
        violation = violation_in_force(case.agency_id, violation_id)
        if violation is None:
            raise CaseRefused(
                "所选违法行为不在本机关现行有效的裁量基准中，请重新查找。",
                log_message=f"case {case.pk}: violation {violation_id!r} not in force",
            )
        _basis_store(
            case, list(violation.violated_articles.all()), list(violation.penalty_articles.all())
        )
        case.discretion_violation = violation
        case.save(update_fields=["discretion_violation"])
        circumstances_prune(case, actor)
        _record(case, actor, "basis_set")
    return case


# Before the decision, a registered general-procedure case may have its 90 days extended.
EXTENSION_OPEN_IN = open_in_any("extension")


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
        if not in_states(case, EXTENSION_OPEN_IN) or case.decision_due_on is None:
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
        decision_extended(extension)
    return extension
