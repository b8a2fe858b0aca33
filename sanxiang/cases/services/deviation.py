"""裁量偏离: what the 裁量基准 said of a decision, kept with it (the decision steps' declared
``RecordDiscretion`` effect, applied by ``case_transition`` in the step's transaction)."""

from __future__ import annotations

import logging

from django.utils import timezone

from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.events import discretion_recorded
from sanxiang.cases.models import (
    Case,
    DecisionDiscretion,
    DiscretionOutcome,
    NoPenaltyGround,
    PenaltyKind,
)
from sanxiang.cases.no_penalty import proposal_of
from sanxiang.cases.workflow.states import GeneralState
from sanxiang.discretion.models import TierKind
from sanxiang.discretion.selectors import fine_check, violation_with_tiers
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)
NO_PENALTY_STATE = GeneralState.NO_PENALTY


def _no_penalty_record(case: Case, record: DecisionDiscretion) -> DecisionDiscretion | None:
    """A 不予行政处罚决定: inside when the recorded 情节 make the 不予处罚 tier applicable (首违不罚
    or 轻微不罚, no 从重), outside when they do not. 违法事实不能成立 is no discretion (no record);
    没有主观过错 (第三十三条第二款) is no 情节 of the benchmark, so it is left to the reviewer."""
    proposal = proposal_of(case)
    if proposal is None or proposal.ground == NoPenaltyGround.NOT_ESTABLISHED:
        return None
    record.no_penalty = True
    violation = (
        violation_with_tiers(case.discretion_violation_id)
        if case.discretion_violation_id is not None
        else None
    )
    if violation is None:
        record.outcome = DiscretionOutcome.NOT_CHOSEN
        return record
    record.benchmark_id = violation.benchmark_id
    record.violation = violation
    record.violation_code = violation.code
    record.tier = proposal.tier
    if proposal.ground == NoPenaltyGround.NO_FAULT:
        record.outcome = DiscretionOutcome.UNCHECKED
        return record
    applicable = case_discretion(case, fine=None, violation=violation)
    if applicable is not None and applicable.tier_kind == TierKind.NO_PENALTY:
        record.outcome = DiscretionOutcome.WITHIN
    else:
        kind = applicable.tier_kind.label if applicable is not None else TierKind.ORDINARY.label
        record.outcome = DiscretionOutcome.OUTSIDE
        record.problems = [
            f"不予处罚，但登记的裁量情节适用“{kind}”（未登记首违不罚或轻微不罚情节，或另有从重情节）"
        ]
    return record


def decision_discretion_record(*, case: Case, actor: Officer) -> DecisionDiscretion | None:
    """Record the version, the chosen 违法行为, the tier of the decided fine and whether it is
    inside the tiers' range. A case without a chosen 违法行为 is recorded as 未选用裁量基准
    (never as inside); a fine the tiers of fixed amounts cannot judge (multiples of 违法所得,
    no fine at all) as 无固定金额可核对. A 不予行政处罚决定 is judged by its 情节
    (``_no_penalty_record``). Called inside the decision step's transaction."""
    if case.state == NO_PENALTY_STATE:
        found = _no_penalty_record(
            case,
            DecisionDiscretion(
                case=case, agency_id=case.agency_id, unit_id=case.unit_id,
                decided_on=case.decided_on or timezone.localdate(),
            ),
        )  # fmt: skip
        if found is not None:
            found.save()
            discretion_recorded(found, actor)
            logger.info("case %s: no-penalty discretion recorded as %s", case.pk, found.outcome)
        return found
    fine = case.fine_yuan if PenaltyKind.FINE in (case.penalty_kinds or ()) else None
    violation = (
        violation_with_tiers(case.discretion_violation_id)
        if case.discretion_violation_id is not None
        else None
    )
    record = DecisionDiscretion(
        case=case,
        agency_id=case.agency_id,
        unit_id=case.unit_id,
        decided_on=case.decided_on or timezone.localdate(),
        fine_yuan=fine,
    )
    if violation is None:
        record.outcome = DiscretionOutcome.NOT_CHOSEN
    else:
        check = fine_check(violation, fine)
        record.benchmark_id = violation.benchmark_id
        record.violation = violation
        record.violation_code = violation.code
        record.tier = check.tier
        record.problems = check.problems
        if check.tier is not None:
            record.outcome = DiscretionOutcome.WITHIN
        elif check.problems:
            record.outcome = DiscretionOutcome.OUTSIDE
        else:
            record.outcome = DiscretionOutcome.UNCHECKED
        # The tier the recorded 情节 make applicable is the one the decision is judged by: a
        # fine inside another tier of the 违法行为 (``tier`` says which) is still outside, e.g.
        # a 一般 amount where the 情节 call for 从轻.
        applicable = case_discretion(case, fine=fine, violation=violation)
        if applicable is not None and applicable.tier is not None and fine is not None:
            if applicable.outside:
                record.outcome = DiscretionOutcome.OUTSIDE
                record.problems = [*check.problems, applicable.outside]
            elif not check.problems:
                record.outcome = DiscretionOutcome.WITHIN
    record.save()
    discretion_recorded(record, actor)
    logger.info("case %s: discretion recorded as %s", case.pk, record.outcome)
    return record
