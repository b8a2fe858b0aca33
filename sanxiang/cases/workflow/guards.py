"""Named legal conditions on case transitions, each with the article it enforces.

A guard returns why a step may not happen (a Chinese sentence saying what to do; the engine
appends the article), or None. Agency-set numbers are parameters here with their legal
defaults, and are listed in docs/operations/cases.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sanxiang.cases.batch import batch_of
from sanxiang.cases.delivery import service_of, service_refusal
from sanxiang.cases.execution import (
    case_account,
    decision_fallen,
    execution_suspended,
    fully_executed,
    pending_remedies,
    periods,
)
from sanxiang.cases.fines import ON_SPOT_LIMITS
from sanxiang.cases.gate import review_gate
from sanxiang.cases.models import Case, CaseRules, documents_of
from sanxiang.cases.no_penalty import education_refusal, proposal_refusal
from sanxiang.cases.notified import NEW_NOTICE, against_party
from sanxiang.cases.recording import LIST_NAME, missing_recording
from sanxiang.cases.statements import heavier_refusal, statement_refusal
from sanxiang.cases.workflow.engine import Guard, GuardContext
from sanxiang.cases.workflow.states import GeneralState
from sanxiang.core.selectors import is_provisional
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Officer, Role

# 行政处罚法第三十六条: two years; five where life/health or financial safety is involved
# and harm resulted.
LIMITATION_YEARS, LONG_LIMITATION_YEARS = 2, 5


def _handlers(context: GuardContext) -> list[Officer]:
    return context.handlers


def _two_certified_handlers(context: GuardContext) -> str | None:
    case = context.case
    qualified = []
    for officer in _handlers(context):
        certificate = officer.certificate_valid_on(context.today)
        if certificate and any(c.pk == case.category_id for c in certificate.categories.all()):
            qualified.append(officer)
    if len(qualified) < 2:
        return (
            f"本案须有两名以上持有今日有效、且执法类别为“{case.category.name}”的执法证的承办人，"
            f"目前只有 {len(qualified)} 名，请先指定承办人"
        )
    return None


def _handlers_are_not_reviewers(context: GuardContext) -> str | None:
    reviewers = [o.name for o in _handlers(context) if o.has_role(Role.REVIEWER)]
    if reviewers:
        return f"法制审核人员不得承办案件（{'、'.join(reviewers)}），请更换承办人"
    return None


def _party_recorded(context: GuardContext) -> str | None:
    return None if context.case.parties.exists() else "请先登记当事人"


def _facts_recorded(context: GuardContext) -> str | None:
    return (
        None if context.case.facts.strip() else "请先写明违法事实；违法事实不清的，不得给予行政处罚"
    )


def _within_limitation(context: GuardContext) -> str | None:
    case = context.case
    years = (
        LONG_LIMITATION_YEARS
        if case.endangers_life_health_or_finance and case.caused_harm
        else LIMITATION_YEARS
    )
    start = case.limitation_starts_on
    try:
        expires = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        expires = start.replace(year=start.year + years, day=28)
    # "二年内未被发现": the period runs to discovery, i.e. when the clue reached the agency.
    if case.clue_received_on > expires:
        began, found = f"{start:%Y年%m月%d日}", f"{case.clue_received_on:%Y年%m月%d日}"
        return f"违法行为自 {began} 起至 {found} 发现时已超过 {years} 年，不再给予行政处罚"
    return None


def _within_on_spot_limits(context: GuardContext) -> str | None:
    case = context.case
    parties = list(case.parties.all())
    if not parties:
        return "请先登记当事人"
    if case.warning_only:
        if case.fine_yuan:
            return "选择仅警告时不能同时罚款，请删去罚款金额或取消仅警告"
        return None
    if case.fine_yuan is None:
        return "当场处罚须写明罚款金额，或选择仅警告"
    limit = min(ON_SPOT_LIMITS.for_party(p.kind) for p in parties)
    if case.fine_yuan > limit:
        return (
            f"罚款 {case.fine_yuan} 元超过当场处罚限额（{ON_SPOT_LIMITS.text()}），"
            "不能适用简易程序，请转为一般程序立案调查"
        )
    return None


def _review_done(context: GuardContext) -> str | None:
    gate = review_gate()
    if not gate.need(context.case).required:
        return None
    return gate.refusal(context.case, context.actor, "decision")


def _decider_separate(context: GuardContext) -> str | None:
    """办、审、定分离: whoever handled or reviewed the case does not also decide it."""
    if context.actor.pk in context.handler_ids:
        return "本案承办人不得批准或者作出本案的决定，请由其他负责人办理"
    return review_gate().refusal(context.case, context.actor, "decider")


def _case_rules(case: Case) -> CaseRules:
    """The agency's case rules (its defaults if it set none); for a batch, read once."""
    batch = batch_of(case)
    if batch is None:
        return CaseRules.objects.filter(agency_id=case.agency_id).first() or CaseRules()
    return batch.fact("cases.rules", case, _case_rules_of) or CaseRules()


def _case_rules_of(cases: Sequence[Case]) -> dict[int, CaseRules]:
    agencies = sorted({case.agency_id for case in cases})
    rules = {r.agency_id: r for r in CaseRules.objects.filter(agency_id__in=agencies)}
    return {case.pk: rules[case.agency_id] for case in cases if case.agency_id in rules}


def _statement_heard(context: GuardContext) -> str | None:
    """行政处罚法第四十五条: the party's 陈述、申辩 come before the decision."""
    case = context.case
    if case.notified_on is None or case.statement_closed_on is not None:
        return None
    rules = _case_rules(case)
    due = context.calendar.add_workdays_provisional(case.notified_on, rules.statement_days)
    if context.today <= due.on:
        return (
            f"当事人陈述、申辩的期限至 {due.on:%Y年%m月%d日}{'（暂定）' if due.provisional else ''}"
            " 届满；当事人已经陈述、申辩或者明确放弃的，请先记录"
        )
    if due.provisional:
        return (
            _provisional_refusal(due.on, "当事人陈述、申辩的期限")
            + "；当事人已经陈述、申辩或者明确放弃的，请先记录"
        )
    return None


def _measure_basis_recorded(context: GuardContext) -> str | None:
    if context.case.penalty_articles.exists():
        return None
    return "请先在案件中登记实施查封、扣押的法律、法规依据"


def review_step(step: str, basis: str = "行政处罚法第五十八条") -> Guard:
    """A guard that asks the review app whether review step ``step`` has been recorded."""

    def check(context: GuardContext) -> str | None:
        return review_gate().refusal(context.case, context.actor, step)

    return Guard(f"review_{step}", basis, check)


def _decision_in_time(context: GuardContext) -> str | None:
    due = context.case.decision_due_on
    if due and context.today > due:
        return f"已超过作出决定的期限（{due:%Y年%m月%d日}），须经批准延长期限后方可作出决定"
    return None


def _measure_not_expired(context: GuardContext) -> str | None:
    due = context.case.measure_due_on
    if due and context.today > due:
        return f"查封、扣押期限已于 {due:%Y年%m月%d日} 届满，不能再延长，应当及时解除"
    return None


def _emergency_approval_in_time(context: GuardContext) -> str | None:
    from django.utils import timezone

    taken = context.case.measure_taken_at
    if taken and timezone.now() - taken > timedelta(hours=24):
        return "情况紧急当场实施后，未在二十四小时内补办批准手续，应当立即解除"
    return None


def _measure_not_taken(context: GuardContext) -> str | None:
    """A measure already taken in an emergency is approved afterwards or released, never
    approved (and taken) a second time or dropped while the property stays seized."""
    if context.case.measure_taken_at is not None:
        return "查封、扣押已情况紧急当场实施，请补办批准或者解除"
    return None


def _measure_taken(context: GuardContext) -> str | None:
    if context.case.measure_taken_at is None:
        return "查封、扣押尚未实施，请走批准实施"
    return None


def _inspection_record_attached(context: GuardContext) -> str | None:
    case = context.case
    if (
        case.number
        and EvidenceItem.objects.filter(
            case_number=case.number, kind=EvidenceKind.TEXT, agency_id=case.agency_id
        ).exists()
    ):
        return None
    return f"请先登记本次检查（{case.number or '未编号'}）的现场检查笔录；询问或者检查应当制作笔录"


INSPECTION_RECORD_ATTACHED = Guard(
    "inspection_record_attached", "行政处罚法第五十五条", _inspection_record_attached
)


@dataclass(frozen=True)
class RecordingGuard(Guard):
    """The 音像记录事项清单's guard on one step: ``step`` is the step's key
    (``procedure.action``), which the list's rows name."""

    step: str = ""


def recorded(step: str) -> RecordingGuard:
    """Refuses ``step`` while the agency's 音像记录事项清单 lists it and the case has no
    recording of a kind that satisfies it; the refusal names the missing recording. Which steps
    are listed, and what satisfies them, is data (``RecordingMatter``): an agency that takes a
    matter off its list is no longer stopped."""

    def check(context: GuardContext) -> str | None:
        return missing_recording(context.case, step, context.recording_matters)

    return RecordingGuard(
        "recording_made", f"国办发〔2018〕118号；本机关{LIST_NAME}", check, step=step
    )


MEASURE_NOT_EXPIRED = Guard("measure_not_expired", "行政强制法第二十五条", _measure_not_expired)
EMERGENCY_APPROVAL_IN_TIME = Guard(
    "emergency_approval_in_time", "行政强制法第十九条", _emergency_approval_in_time
)


def _hearing_right(context: GuardContext) -> str | None:
    return None if context.case.hearing_right else "拟作出的处罚不属于听证范围"


# The party's acts bounded by a working-day limit stored on the case, by action. Such an act
# is refused when late, unless the limit is provisional (暂定: counted weekends only into a year
# whose schedule is not entered): the real limit may be later, so the act passes and
# ``case_transition`` flags it (``cases.case.provisional_deadline_passed``).
PARTY_ACT_LIMITS = {"request_hearing": "step_due_on"}


def party_act_past_provisional(case: Case, action: str, today: date) -> date | None:
    """The provisional limit a party's act comes after, or None."""
    field = PARTY_ACT_LIMITS.get(action)
    due = getattr(case, field) if field else None
    if field and due and today > due and is_provisional(case, field):
        return due  # type: ignore[no-any-return]
    return None


def _provisional_refusal(due: date, what: str) -> str:
    return (
        f"{what}（{due:%Y年%m月%d日}）是暂定日期：期间跨入尚未录入法定节假日安排的 {due.year} 年，"
        "实际届满日可能更晚。为不缩短当事人的期间，请系统管理员录入该年度节假日安排后再办理"
        "（行政处罚法第八十五条）"
    )


def _hearing_request_in_time(context: GuardContext) -> str | None:
    due = context.case.step_due_on
    if due and context.today > due:
        if is_provisional(context.case, "step_due_on"):
            return None  # passes; flagged by case_transition
        return f"当事人应在告知后五个工作日内（{due:%Y年%m月%d日}前）提出听证要求，已逾期"
    return None


def _host_not_investigator(context: GuardContext) -> str | None:
    if context.actor.pk in context.handler_ids:
        return "听证应由行政机关指定的非本案调查人员主持"
    return None


def _hearing_notice_period_over(context: GuardContext) -> str | None:
    due = context.case.step_due_on
    if due and context.today < due:
        return f"应在举行听证的七个工作日前通知当事人，最早可于 {due:%Y年%m月%d日} 举行"
    if due and is_provisional(context.case, "step_due_on"):
        return _provisional_refusal(due, "举行听证的最早日期")
    return None


def _hearing_window_closed(context: GuardContext) -> str | None:
    case = context.case
    if (
        case.state == GeneralState.NOTIFIED
        and case.hearing_right
        and case.step_due_on
        and context.today <= case.step_due_on
    ):
        return f"当事人要求听证的期限至 {case.step_due_on:%Y年%m月%d日} 届满，届满前不得作出决定"
    if (
        case.state == GeneralState.NOTIFIED
        and case.hearing_right
        and case.step_due_on
        and is_provisional(case, "step_due_on")
    ):
        return _provisional_refusal(case.step_due_on, "当事人要求听证的期限")
    return None


def _collective_discussion_held(context: GuardContext) -> str | None:
    case = context.case
    if case.complex_or_major and case.state != GeneralState.DISCUSSED:
        return "情节复杂或者重大违法行为给予行政处罚，负责人应当集体讨论决定，请先进行集体讨论"
    return None


def _notice_served(context: GuardContext) -> str | None:
    """行政处罚法第四十四条: the party is told in writing; 告知 counts once the notice is served."""
    return service_refusal(context.case, "advance_notice", "行政处罚事先告知书", context.today)


def _notice_given(context: GuardContext) -> str | None:
    """第四十四条: no penalty decision before the party was told of it in writing — by the
    latest notice: a corrected 事先告知书 must be served and 事先告知 taken again."""
    if context.case.notified_on is None:
        return "作出行政处罚决定之前，应当事先告知当事人拟作出的行政处罚内容及事实、理由、依据"
    unserved = service_refusal(context.case, "advance_notice", "行政处罚事先告知书", context.today)
    if unserved is not None:
        return f"{unserved}，并重新办理“事先告知”"
    served = service_of(context.case, "advance_notice")
    if served is not None and _recorded_after_notice(context.case, served.proof.pk):
        return "事先告知书已更正并重新送达，请重新办理“事先告知”（陈述、申辩期限重新起算）"
    return None


def _notice_corrected(context: GuardContext) -> str | None:
    """事先告知 is taken again only for a corrected notice served after the last one."""
    case = context.case
    if case.state != GeneralState.NOTIFIED:
        return None
    served = service_of(case, "advance_notice")
    if served is None or not _recorded_after_notice(case, served.proof.pk):
        return "已事先告知；事先告知书更正并重新送达后，方可重新告知"
    return None


def _recorded_after_notice(case: Case, proof_id: int) -> bool:
    """Whether the 送达回证 ``proof_id`` was recorded after the case's last 事先告知 (the ledger's
    order: both are events of the agency's log)."""
    last = (
        LedgerEntry.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="cases.case.notify"
        )
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return last is not None and LedgerEntry.objects.filter(
        object_type="cases.casedocument", object_id=str(proof_id), sequence__gt=last,
        action="cases.document.generated",
    ).exists()  # fmt: skip


def _notice_before_penalty_review(context: GuardContext) -> str | None:
    """A case goes to 法制审核 before 事先告知 only when it proposes no penalty (不予处罚): the
    review of a penalty also covers the notice and the party's statement."""
    case = context.case
    if case.notified_on is None and case.penalty_kinds:
        return (
            "拟作出行政处罚的，应当先事先告知并听取当事人的陈述、申辩，再提交法制审核；"
            "拟不予行政处罚的，请先在拟处理意见中取消处罚种类"
        )
    return None


def _decision_served(context: GuardContext) -> str | None:
    return service_refusal(context.case, "decision", "行政处罚决定书", context.today)


def _statement_recorded(context: GuardContext) -> str | None:
    return statement_refusal(context.case)


def _penalty_as_notified(context: GuardContext) -> str | None:
    return heavier_refusal(context.case, context.case.fine_yuan)


def _circumstances_as_notified(context: GuardContext) -> str | None:
    """第四十四条: no 情节 weighing against the party that the latest 事先告知书 did not state."""
    changed = against_party(context.case)
    return f"{changed}；{NEW_NOTICE}" if changed else None


def _decision_document_issued(context: GuardContext) -> str | None:
    if documents_of(context.case, "decision"):
        return None
    return "请先制作行政处罚决定书"


DECISION_DOCUMENT_ISSUED = Guard(
    "decision_document_issued", "行政处罚法第五十九条、第六十一条", _decision_document_issued
)


def _no_penalty_ground_recorded(context: GuardContext) -> str | None:
    return proposal_refusal(context.case)


def _no_penalty_education_given(context: GuardContext) -> str | None:
    return education_refusal(context.case)


def _no_penalty_document_issued(context: GuardContext) -> str | None:
    if documents_of(context.case, "no_penalty_decision"):
        return None
    return "请先制作不予行政处罚决定书"


def _no_penalty_document_served(context: GuardContext) -> str | None:
    """A 不予处罚 case is closed once its decision reached the party (送达, like a penalty)."""
    if context.case.state != GeneralState.NO_PENALTY:
        return None
    return service_refusal(context.case, "no_penalty_decision", "不予行政处罚决定书", context.today)


NO_PENALTY_GROUND_RECORDED = Guard(
    "no_penalty_ground_recorded",
    "行政处罚法第三十三条、第五十七条第一款",
    _no_penalty_ground_recorded,
)
NO_PENALTY_EDUCATION_GIVEN = Guard(
    "no_penalty_education_given", "行政处罚法第三十三条第三款", _no_penalty_education_given
)
NO_PENALTY_DOCUMENT_ISSUED = Guard(
    "no_penalty_document_issued", "行政处罚法第五十七条第一款", _no_penalty_document_issued
)
NO_PENALTY_DOCUMENT_SERVED = Guard(
    "no_penalty_document_served",
    "行政处罚法第六十一条、民事诉讼法第八十七条",
    _no_penalty_document_served,
)
MEASURE_NOT_TAKEN = Guard("measure_not_taken", "行政强制法第十八条、第十九条", _measure_not_taken)
MEASURE_ALREADY_TAKEN = Guard("measure_already_taken", "行政强制法第十九条", _measure_taken)
NOTICE_SERVED = Guard("notice_served", "行政处罚法第四十四条、第六十一条", _notice_served)
NOTICE_CORRECTED = Guard("notice_corrected", "行政处罚法第四十四条", _notice_corrected)
NOTICE_GIVEN = Guard("notice_given", "行政处罚法第四十四条", _notice_given)
NOTICE_BEFORE_PENALTY_REVIEW = Guard(
    "notice_before_penalty_review",
    "行政处罚法第四十四条、第五十八条",
    _notice_before_penalty_review,
)
DECISION_SERVED = Guard(
    "decision_served", "行政处罚法第六十一条、民事诉讼法第八十七条", _decision_served
)
STATEMENT_RECORDED = Guard("statement_recorded", "行政处罚法第四十五条", _statement_recorded)
CIRCUMSTANCES_AS_NOTIFIED = Guard(
    "circumstances_as_notified", "行政处罚法第四十四条", _circumstances_as_notified
)
PENALTY_AS_NOTIFIED = Guard(
    "penalty_as_notified", "行政处罚法第四十四条、第四十五条第二款", _penalty_as_notified
)
HEARING_RIGHT = Guard("hearing_right", "行政处罚法第六十三条", _hearing_right)
HEARING_REQUEST_IN_TIME = Guard(
    "hearing_request_in_time", "行政处罚法第六十四条第一项、第八十五条", _hearing_request_in_time
)
HOST_NOT_INVESTIGATOR = Guard(
    "host_not_investigator", "行政处罚法第六十四条第四项", _host_not_investigator
)
HEARING_NOTICE_PERIOD_OVER = Guard(
    "hearing_notice_period_over",
    "行政处罚法第六十四条第二项、第八十五条",
    _hearing_notice_period_over,
)
HEARING_WINDOW_CLOSED = Guard(
    "hearing_window_closed", "行政处罚法第六十四条", _hearing_window_closed
)
COLLECTIVE_DISCUSSION_HELD = Guard(
    "collective_discussion_held", "行政处罚法第五十七条第二款", _collective_discussion_held
)
TWO_CERTIFIED_HANDLERS = Guard(
    "two_certified_handlers", "行政处罚法第四十二条、第五十五条", _two_certified_handlers
)
HANDLERS_ARE_NOT_REVIEWERS = Guard(
    "handlers_are_not_reviewers", "国办发〔2018〕118号：办、审分离", _handlers_are_not_reviewers
)
PARTY_RECORDED = Guard("party_recorded", "行政处罚法第五十九条", _party_recorded)
FACTS_RECORDED = Guard("facts_recorded", "行政处罚法第四十条", _facts_recorded)
WITHIN_LIMITATION = Guard("within_limitation", "行政处罚法第三十六条", _within_limitation)
WITHIN_ON_SPOT_LIMITS = Guard(
    "within_on_spot_limits", "行政处罚法第五十一条", _within_on_spot_limits
)
STATEMENT_HEARD = Guard("statement_heard", "行政处罚法第四十四条、第四十五条", _statement_heard)
MEASURE_BASIS_RECORDED = Guard(
    "measure_basis_recorded", "行政强制法第十条、第十八条、第二十四条", _measure_basis_recorded
)
DECIDER_SEPARATE = Guard(
    "decider_separate", "国办发〔2018〕118号：办、审、定分离", _decider_separate
)
# 未经法制审核或者审核未通过的，不得作出决定: asked of the review app through the gate.
LEGAL_REVIEW_DONE = Guard("legal_review_done", "行政处罚法第五十八条", _review_done)
MEASURE_REVIEW_DONE = Guard(
    "measure_review_done",
    "国办发〔2018〕118号：重大执法决定法制审核；本机关法制审核目录清单",
    _review_done,
)
DECISION_IN_TIME = Guard("decision_in_time", "行政处罚法第六十条", _decision_in_time)


# --- 执行 ------------------------------------------------------------------------------------


def _fully_executed(context: GuardContext) -> str | None:
    return fully_executed(context.case, context.today)


def _no_remedy_pending(context: GuardContext) -> str | None:
    pending = pending_remedies(context.case)
    if pending:
        names = "、".join(f"{r.get_kind_display()}（{r.body}）" for r in pending)
        return f"当事人提起的{names}尚未终结，请先登记复议决定或者裁判结果"
    return None


def _decision_stands(context: GuardContext) -> str | None:
    fallen = decision_fallen(context.case)
    if fallen is not None:
        return (
            f"行政处罚决定已于 {fallen.decided_on:%Y年%m月%d日} 被{fallen.get_outcome_display()}，"
            "不能再执行，应当终结执行"
        )
    return None


def _decision_fallen(context: GuardContext) -> str | None:
    if decision_fallen(context.case) is None:
        return "只有行政处罚决定被撤销或者确认无效的，才终结执行"
    return None


def _not_suspended(context: GuardContext) -> str | None:
    remedy = execution_suspended(context.case)
    if remedy is not None:
        return f"{remedy.body}已决定停止执行，{remedy.get_kind_display()}终结前不能强制执行"
    return None


def _payment_overdue(context: GuardContext) -> str | None:
    money = case_account(context.case, context.today)
    if money is not None and money.outstanding > 0:
        due = money.next_due_on
        if due is None or due < context.today:
            return None  # an instalment, or the 加处罚款, is overdue
        return f"缴纳期限（{due:%Y年%m月%d日}）尚未届满，届满仍不缴纳的方可催告"
    if fully_executed(context.case, context.today) is None:
        return "当事人已经履行，无须催告"
    return None  # a penalty other than a fine is not carried out


def _demand_period_over(context: GuardContext) -> str | None:
    found = periods(context.case, context.calendar)
    if found is None or found.demand_over_on is None:
        return "请先送达催告书"
    if context.today < found.demand_over_on:
        return (
            "催告书送达十日后当事人仍未履行的，方可申请，"
            f"最早于 {found.demand_over_on:%Y年%m月%d日}"
            + ("（暂定）" if found.demand_over_provisional else "")
        )
    if found.demand_over_provisional:
        return _provisional_refusal(found.demand_over_on, "催告期满后可申请的最早日期")
    return None


def _court_window_open(context: GuardContext) -> str | None:
    found = periods(context.case, context.calendar)
    if found is None:
        return "决定书尚未送达"
    if context.today < found.court_opens_on:
        return (
            f"当事人申请行政复议、提起行政诉讼的期限（至 {found.litigation_until:%Y年%m月%d日}）"
            f"届满后方可申请人民法院强制执行，最早于 {found.court_opens_on:%Y年%m月%d日}"
        )
    if context.today > found.court_until:
        return f"申请人民法院强制执行的期限已于 {found.court_until:%Y年%m月%d日} 届满"
    return None


def _still_unperformed(context: GuardContext) -> str | None:
    if fully_executed(context.case, context.today) is None:
        return "当事人已经履行，无须申请强制执行"
    return None


FULLY_EXECUTED = Guard(
    "fully_executed",
    "行政处罚法第六十六条、第六十七条、第七十二条；行政强制法第五十三条",
    _fully_executed,
)
NO_REMEDY_PENDING = Guard(
    "no_remedy_pending", "行政处罚法第七十三条；行政复议法；行政诉讼法", _no_remedy_pending
)
DECISION_STANDS = Guard("decision_stands", "行政强制法第四十条第四项", _decision_stands)
DECISION_FALLEN = Guard("decision_fallen", "行政强制法第四十条第四项", _decision_fallen)
NOT_SUSPENDED = Guard("not_suspended", "行政处罚法第七十三条第一款", _not_suspended)
PAYMENT_OVERDUE = Guard(
    "payment_overdue", "行政处罚法第七十二条；行政强制法第三十五条、第五十四条", _payment_overdue
)
DEMAND_PERIOD_OVER = Guard(
    "demand_period_over", "行政强制法第五十四条、第六十九条", _demand_period_over
)
COURT_WINDOW_OPEN = Guard(
    "court_window_open", "行政强制法第五十三条；行政处罚法第七十二条第二款", _court_window_open
)
STILL_UNPERFORMED = Guard("still_unperformed", "行政强制法第五十三条", _still_unperformed)
