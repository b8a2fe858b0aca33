"""不予处罚: the handlers' proposal (with the ground and what shows each of its elements) and
the record of the party's education (行政处罚法第三十三条第三款). See ``cases/no_penalty.py``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.events import CaseEvent, case_no_penalty_recorded
from sanxiang.cases.models import (
    Case,
    EducationManner,
    NoPenaltyEducation,
    NoPenaltyGround,
    NoPenaltyProposal,
    Procedure,
)
from sanxiang.cases.no_penalty import (
    ARTICLE_33,
    ELEMENTS,
    PROOF_MAX,
    PROPOSAL_STATES,
    no_penalty_tiers,
    proposal_of,
)
from sanxiang.cases.services._common import CaseRefused, _case_for_update, _may_edit
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import in_states
from sanxiang.org.models import Officer

CONTENT_MAX = 2000


def _proposal_open(case: Case, actor: Officer) -> None:
    _may_edit(case, actor)
    definition = PROCEDURES[case.procedure]
    if (
        case.procedure != Procedure.PENALTY_GENERAL
        or not in_states(case, PROPOSAL_STATES)
        or not definition.open_to("assessment", case, actor)
    ):
        raise CaseRefused(
            "调查终结后、提交法制审核前（或审核退回后），本案承办人才能提出或者撤回拟不予处罚意见"
            "（行政处罚法第五十七条）。",
            log_message=f"case {case.pk}: no-penalty proposal not open in {case.state}",
        )


def _clean(text: object, label: str, limit: int, *, one_line: bool = True) -> str:
    value = " ".join(str(text or "").split()) if one_line else str(text or "").strip()
    if not value:
        raise CaseRefused(f"请填写{label}。", log_message=f"empty {label}")
    if len(value) > limit or "\x00" in value:
        raise CaseRefused(
            f"{label}不能超过 {limit} 字，且不能含有无法保存的字符。",
            log_message=f"bad {label}",
        )
    return value


def no_penalty_propose(
    *,
    actor: Officer,
    case_id: int,
    ground: str,
    tier_id: object = None,
    elements: Mapping[str, object],
) -> NoPenaltyProposal:
    """拟不予处罚: the ground, the 不予处罚 tier of the chosen 违法行为 it falls under (第三十三条;
    none when the facts do not stand) and what shows each element. The proposal drops any
    penalty proposed before: the case now goes to review (or is decided) without a notice."""
    if ground not in NoPenaltyGround.values:
        raise CaseRefused("请选择不予处罚的理由。", log_message=f"unknown ground {ground!r}")
    shown = {
        key: _clean(elements.get(key), f"“{label}”的事实和证据", PROOF_MAX)
        for key, label in ELEMENTS[ground]
    }
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _proposal_open(case, actor)
        tier = None
        if ground in ARTICLE_33:
            tiers = {str(t.pk): t for t in no_penalty_tiers(case)}
            if not tiers:
                raise CaseRefused(
                    "本案选用的违法行为在裁量基准中没有不予处罚的阶次，不能依第三十三条提出"
                    "拟不予处罚；请先在“违法依据和处罚依据”中选用裁量基准中的违法行为。",
                    log_message=f"case {case.pk}: no no-penalty tier",
                )
            tier = tiers.get(str(tier_id)) if len(tiers) > 1 else next(iter(tiers.values()))
            if tier is None:
                raise CaseRefused(
                    "请选择本案违法行为的不予处罚阶次。", log_message=f"tier {tier_id!r}"
                )
        proposal, _ = NoPenaltyProposal.objects.update_or_create(
            case=case,
            defaults={"ground": ground, "tier": tier, "elements": shown, "recorded_by": actor},
        )
        if case.penalty_kinds or case.fine_yuan is not None or case.warning_only:
            case.penalty_kinds, case.fine_yuan, case.warning_only = [], None, False
            case.save(update_fields=["penalty_kinds", "fine_yuan", "warning_only", "updated_at"])
        case_no_penalty_recorded(
            case, actor, CaseEvent.NO_PENALTY_PROPOSED,
            {"ground": ground, "tier": tier.pk if tier else None, "elements": shown},
        )  # fmt: skip
    return proposal


def no_penalty_withdraw(*, actor: Officer, case_id: int) -> Case:
    """撤回拟不予处罚意见 (to propose a penalty instead)."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _proposal_open(case, actor)
        deleted, _ = NoPenaltyProposal.objects.filter(case=case).delete()
        if not deleted:
            raise CaseRefused("本案没有拟不予处罚意见。", log_message=f"case {case.pk}: none")
        case_no_penalty_recorded(case, actor, CaseEvent.NO_PENALTY_WITHDRAWN, {})
    return case


# While the case may still end in 不予处罚 (the step's sources), and not before 调查终结.
EDUCATION_OPEN_IN = PROCEDURES[Procedure.PENALTY_GENERAL].open_in("education")


def education_record(
    *,
    actor: Officer,
    case_id: int,
    manner: str,
    given_on: date,
    given_by_id: object,
    content: str,
) -> NoPenaltyEducation:
    """登记对当事人的教育 (行政处罚法第三十三条第三款): how, when, by which handler, and what
    the party was told."""
    if manner not in EducationManner.values:
        raise CaseRefused("请选择教育方式。", log_message=f"unknown manner {manner!r}")
    text = _clean(content, "教育内容", CONTENT_MAX, one_line=False)
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        if not PROCEDURES[case.procedure].open_to("education", case, actor):
            raise CaseRefused(
                "调查终结后、作出不予处罚决定前，本案承办人或负责人可以登记对当事人的教育。",
                log_message=f"case {case.pk}: education not open in {case.state}",
            )
        proposal = proposal_of(case)
        if proposal is None or proposal.ground not in ARTICLE_33:
            raise CaseRefused(
                "请先依行政处罚法第三十三条提出拟不予处罚意见，再登记对当事人的教育。",
                log_message=f"case {case.pk}: education without an article-33 proposal",
            )
        handlers = {str(o.pk): o for o in case.handlers.all()}
        given_by = handlers.get(str(given_by_id))
        if given_by is None:
            raise CaseRefused("教育人员应为本案承办人。", log_message=f"given_by {given_by_id!r}")
        today = timezone.localdate()
        if given_on > today or (case.registered_on and given_on < case.registered_on):
            raise CaseRefused(
                "教育日期应在立案之后，且不能晚于今天。", log_message=f"given_on {given_on}"
            )
        education = NoPenaltyEducation.objects.create(
            case=case, manner=manner, given_on=given_on, given_by=given_by, content=text,
            recorded_by=actor,
        )  # fmt: skip
        case_no_penalty_recorded(
            case, actor, CaseEvent.EDUCATION_RECORDED,
            {"manner": manner, "given_on": given_on.isoformat(), "given_by": given_by.pk,
             "content": text},
        )  # fmt: skip
    return education
