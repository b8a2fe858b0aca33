"""What the 执行 stage of a case stands at, read from its records: the money owed (fine,
加处罚款 paused while 复议/诉讼 is pending) and paid, the party's remedies, the periods that
open the way to 申请人民法院强制执行. Pure reads; the writes are in ``services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sanxiang.cases.fines import Account, Installment, account
from sanxiang.cases.models import (
    OUTCOMES_ENDING_EXECUTION,
    Case,
    ExecutionStepKind,
    PenaltyKind,
    Remedy,
    RemedyOutcome,
    RemedyStep,
    RemedyStepKind,
)
from sanxiang.cases.periods import (
    COURT_APPLICATION_DEADLINE,
    DEMAND_PERIOD,
    LITIGATION_PERIOD,
    RECONSIDERATION_PERIOD,
)
from sanxiang.core.workdays import WorkdayCalendar

# Penalties carried out by the decision itself once it is served: nothing left to perform.
SELF_EXECUTING = frozenset({PenaltyKind.WARNING, PenaltyKind.PUBLIC_CRITICISM, PenaltyKind.FINE})


# Each function reads the case's records through ``.all()``, so a case page that loaded them
# once (``selectors.case_page_prefetch``) asks nothing more, however often guards ask again.


def outcomes(case: Case) -> list[RemedyStep]:
    steps = [
        step
        for remedy in case.remedies.all()
        for step in remedy.steps.all()
        if step.kind == RemedyStepKind.OUTCOME
    ]
    return sorted(steps, key=lambda step: (step.decided_on, step.pk))


def effective_fine(case: Case) -> Decimal | None:
    """The fine as decided, or as a 复议机关 or court changed it (变更) most recently."""
    fine = case.fine_yuan
    for step in outcomes(case):
        if step.outcome == RemedyOutcome.CHANGED and step.changed_fine_yuan is not None:
            fine = step.changed_fine_yuan
    return fine


def instalments(case: Case) -> tuple[Installment, ...]:
    """The fine due on the payment date, or as the latest approved schedule spreads it."""
    fine = effective_fine(case)
    if not fine or case.payment_due_on is None:
        return ()
    schedule = max(case.schedules.all(), key=lambda s: s.pk, default=None)
    if schedule is not None:
        parts = tuple(
            Installment(date.fromisoformat(i["due_on"]), Decimal(i["amount"]))
            for i in schedule.instalments
        )
        if sum(p.amount for p in parts) == fine:
            return parts
    return (Installment(case.payment_due_on, fine),)


def paused_periods(case: Case, until: date) -> tuple[tuple[date, date], ...]:
    """行政处罚法第七十三条第三款: from filing to the outcome (or ``until`` while pending)."""
    ends = {s.remedy_id: s.decided_on for s in outcomes(case)}
    return tuple((remedy.filed_on, ends.get(remedy.pk, until)) for remedy in case.remedies.all())


def case_account(case: Case, on: date) -> Account | None:
    """The account on ``on``, or None when there is no fine to pay (yet)."""
    parts = instalments(case)
    if not parts:
        return None
    payments = tuple((p.paid_on, p.amount_yuan) for p in case.payments.all())
    return account(installments=parts, payments=payments, on=on, paused=paused_periods(case, on))


def pending_remedies(case: Case) -> list[Remedy]:
    return [
        remedy
        for remedy in case.remedies.all()
        if not any(step.kind == RemedyStepKind.OUTCOME for step in remedy.steps.all())
    ]


def execution_suspended(case: Case) -> Remedy | None:
    """A pending 复议/诉讼 in which 停止执行 was ordered, if any."""
    return next(
        (
            r
            for r in pending_remedies(case)
            if any(step.kind == RemedyStepKind.SUSPENSION for step in r.steps.all())
        ),
        None,
    )


def decision_fallen(case: Case) -> RemedyStep | None:
    """The outcome (撤销 or 确认无效) after which the decision no longer stands, if any."""
    return next((s for s in outcomes(case) if s.outcome in OUTCOMES_ENDING_EXECUTION), None)


def has_step(case: Case, kind: str) -> bool:
    return any(step.kind == kind for step in case.execution_steps.all())


def non_monetary_kinds(case: Case) -> list[str]:
    return [k for k in case.penalty_kinds if k not in SELF_EXECUTING]


@dataclass(frozen=True)
class Periods:
    reconsideration_until: date
    litigation_until: date
    court_opens_on: date  # the first day a court application may be made (第五十三条)
    court_until: date
    demand_over_on: date | None  # the first day after the ten working days of the 催告
    # 暂定: the ten working days run into a year whose schedule is not entered; the day shown
    # may be earlier than the real one, so the court may not be asked on it (guards).
    demand_over_provisional: bool = False


def periods(case: Case, calendar: WorkdayCalendar) -> Periods | None:
    """The remedy periods and the window for 申请人民法院强制执行, from the day of service."""
    if case.served_on is None:
        return None
    litigation = LITIGATION_PERIOD.due(case.served_on, calendar)
    lapse = litigation
    parts = instalments(case)
    if parts and case.schedules.exists():
        lapse = max(lapse, parts[-1].due_on)  # 行政处罚法第七十二条第二款
    demand_due = (
        DEMAND_PERIOD.due_provisional(case.demand_served_on, calendar)
        if case.demand_served_on
        else None
    )
    demand_over = demand_due.on + timedelta(days=1) if demand_due else None
    return Periods(
        reconsideration_until=RECONSIDERATION_PERIOD.due(case.served_on, calendar),
        litigation_until=litigation,
        court_opens_on=lapse + timedelta(days=1),
        court_until=COURT_APPLICATION_DEADLINE.due(lapse, calendar),
        demand_over_on=demand_over,
        demand_over_provisional=bool(demand_due and demand_due.provisional),
    )


def fully_executed(case: Case, on: date) -> str | None:
    """Why the decision is not yet fully executed on ``on``, or None if it is."""
    if has_step(case, ExecutionStepKind.COURT_ENFORCED):
        return None
    money = case_account(case, on)
    if money is not None and money.outstanding > 0:
        return (
            f"尚欠罚款及加处罚款 {money.outstanding} 元"
            f"（应缴 {money.owed} 元，已缴 {money.paid} 元），"
            "请先登记缴款"
        )
    if non_monetary_kinds(case) and not has_step(case, ExecutionStepKind.PERFORMED):
        labels = "、".join(PenaltyKind(k).label for k in non_monetary_kinds(case))
        return f"请先登记当事人已履行{labels}"
    return None
