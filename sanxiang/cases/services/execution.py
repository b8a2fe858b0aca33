"""执行: payments, instalment and deferral schedules, 复议/诉讼 remedies, execution steps, and
the recomputation of stored payment deadlines when the holiday schedule changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.events import CaseEvent, case_execution_recorded, case_recorded
from sanxiang.cases.execution import case_account
from sanxiang.cases.models import (
    Case,
    ExecutionStep,
    ExecutionStepKind,
    Payment,
    PaymentChannel,
    PaymentSchedule,
    Procedure,
    Remedy,
    RemedyKind,
    RemedyOutcome,
    RemedyStep,
    RemedyStepKind,
    ScheduleKind,
)
from sanxiang.cases.periods import INSTALMENT_DEADLINE_BASIS, PAYMENT_DEADLINE
from sanxiang.cases.services._common import CaseRefused, _case_for_update, _money
from sanxiang.cases.services.transition import case_transition
from sanxiang.cases.signing import Signed
from sanxiang.cases.workflow import observers
from sanxiang.cases.workflow.definitions import PROCEDURES, is_open, open_in_any
from sanxiang.cases.workflow.engine import in_states
from sanxiang.core.selectors import get_calendar
from sanxiang.org.models import Officer, Role

logger = logging.getLogger(__name__)


# --- 执行: records the execution steps read ------------------------------------------------------

# Declared on the procedures (execution_activities): money can be received and performance
# recorded while the decision awaits execution; 复议/诉讼 can be brought once there is a
# decision, also after it was executed (the periods run from service).
PAYMENT_OPEN_IN = open_in_any("payment")
REMEDY_OPEN_IN = open_in_any("remedy")
CENT = Decimal("0.01")
# 行政处罚法第六十八条第一项: up to 100 yuan may be collected on the spot.
ON_SPOT_COLLECTION_LIMIT = Decimal("100")


def _execution_case(case_id: int, actor: Officer, states: frozenset[str], what: str) -> Case:
    case = _case_for_update(case_id, actor)
    if not case_allows(actor, CaseAction.CHANGE, case):
        raise CaseRefused(
            f"只有本案承办人或负责人可以登记{what}。", log_message=f"{actor.pk} not handler"
        )
    if not in_states(case, states):
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
    case_execution_recorded(case, actor, CaseEvent.named(f"cases.case.{verb}"), content)


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
        if not is_open("schedule", case.procedure, case.state):
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
        states = PAYMENT_OPEN_IN if kind == ExecutionStepKind.PERFORMED else open_in_any("court")
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
        case_recorded(case, actor, CaseEvent.PAYMENT_DUE_RECOMPUTED)
        moved.append(case.pk)
    if moved:
        logger.info("payment deadlines of %d cases moved after %s was entered", len(moved), year)
    return moved
