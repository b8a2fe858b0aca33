"""The procedures, declared once (DESIGN.md rule 2). Edit here; everything else reads this.

Declared so far: 行政处罚一般程序 (with 听证 and 集体讨论) up to 归档 with its outcome branches,
行政处罚简易程序 (当场处罚), 行政强制措施 (查封、扣押) and 行政检查.
"""

from __future__ import annotations

from sanxiang.cases.models import Procedure
from sanxiang.cases.workflow.engine import Guard, ProcedureDefinition, Transition
from sanxiang.cases.workflow.guards import (
    COLLECTIVE_DISCUSSION_HELD,
    COURT_WINDOW_OPEN,
    DECIDER_SEPARATE,
    DECISION_DOCUMENT_ISSUED,
    DECISION_FALLEN,
    DECISION_IN_TIME,
    DECISION_STANDS,
    DEMAND_PERIOD_OVER,
    EMERGENCY_APPROVAL_IN_TIME,
    FACTS_RECORDED,
    FULL_VIDEO_ATTACHED,
    FULLY_EXECUTED,
    HANDLERS_ARE_NOT_REVIEWERS,
    HEARING_NOTICE_PERIOD_OVER,
    HEARING_REQUEST_IN_TIME,
    HEARING_RIGHT,
    HEARING_WINDOW_CLOSED,
    HOST_NOT_INVESTIGATOR,
    INSPECTION_RECORD_ATTACHED,
    LEGAL_REVIEW_DONE,
    MEASURE_BASIS_RECORDED,
    MEASURE_NOT_EXPIRED,
    MEASURE_REVIEW_DONE,
    NO_REMEDY_PENDING,
    NOT_SUSPENDED,
    PARTY_RECORDED,
    PAYMENT_OVERDUE,
    STATEMENT_HEARD,
    STILL_UNPERFORMED,
    TWO_CERTIFIED_HANDLERS,
    WITHIN_LIMITATION,
    WITHIN_ON_SPOT_LIMITS,
    review_step,
)
from sanxiang.cases.workflow.periods import (
    COURT_APPLICATION_DEADLINE,
    PAYMENT_DEADLINE,
)
from sanxiang.core.deadlines import CalendarDays, Deadline, WorkingDays
from sanxiang.org.models import Role

OFFICER = frozenset({Role.OFFICER.value})
HEAD = frozenset({Role.HEAD.value})
REVIEWER = frozenset({Role.REVIEWER.value})

DECISION_DEADLINE = Deadline(CalendarDays(90), "立案之日", "行政处罚法第六十条")
SERVICE_DEADLINE = Deadline(WorkingDays(7), "决定之日", "行政处罚法第六十一条、第八十五条")
HEARING_REQUEST_DEADLINE = Deadline(WorkingDays(5), "告知之日", "行政处罚法第六十四条、第八十五条")
# The hearing may be held once the parties have had seven working days' notice.
HEARING_NOTICE_PERIOD = Deadline(
    WorkingDays(7), "听证通知之日", "行政处罚法第六十四条第二项、第八十五条"
)

REVIEW_STATES = {
    "under_review": "法制审核中",
    "review_returned": "审核退回承办机构",
    "committee": "法制审核委员会审议",
    "reviewed": "法制审核通过",
}
COMMITTEE_BASIS = "法制审核机构与承办机构意见不一致的，提请法制审核委员会集体审议"


def review_transitions(
    submit_from: frozenset[str],
    *,
    basis: str,
    deadline: Deadline | None,
    extra_guards: tuple[Guard, ...] = (),
) -> tuple[Transition, ...]:
    """The 法制审核 loop, the same in every procedure that has a review gate.

    Each step is recorded by the review app's pages (``via="review"``) with what the step
    needs — materials and a signed statement, an opinion on every point, a written answer,
    committee minutes — and its guard asks the review app that this was recorded, so the
    step cannot be taken around those pages.
    """
    reviewers = frozenset({Role.REVIEWER.value})
    secretariat = frozenset({Role.REVIEWER.value, Role.HEAD.value})

    def step(action: str, label: str, source: set[str], target: str, roles: frozenset[str],
             *, handlers_only: bool = False, step_basis: str = basis,
             guards: tuple[Guard, ...] = ()) -> Transition:  # fmt: skip
        return Transition(
            action, label, frozenset(source), target, roles,
            guards=(*guards, review_step(action, basis)), deadline=deadline,
            handlers_only=handlers_only, basis=step_basis, via="review",
        )  # fmt: skip

    return (
        step("submit_review", "提交法制审核", set(submit_from), "under_review", OFFICER,
             handlers_only=True, guards=extra_guards),
        step("pass_review", "审核意见：同意", {"under_review"}, "reviewed", reviewers),
        step("return_review", "审核意见：存在问题，退回承办机构", {"under_review"},
             "review_returned", reviewers),
        step("resubmit_review", "书面答复审核意见后重新提交", {"review_returned"},
             "under_review", OFFICER, handlers_only=True),
        step("refer_committee", "提请法制审核委员会审议", {"under_review"}, "committee",
             reviewers, step_basis=COMMITTEE_BASIS),
        step("committee_proceed", "审核委员会结论：同意作出决定", {"committee"}, "reviewed",
             secretariat, step_basis=COMMITTEE_BASIS),
        step("committee_return", "审核委员会结论：退回承办机构", {"committee"},
             "review_returned", secretariat, step_basis=COMMITTEE_BASIS),
    )  # fmt: skip


EXECUTION_STATES = {
    "demanded": "已催告",
    "court_applied": "已申请人民法院强制执行",
    "executed": "执行完毕",
    "ended": "终结执行",
}


def execution_transitions(served: str) -> tuple[Transition, ...]:
    """执行: the party pays (or performs); if he does not, 催告 and then 申请人民法院强制执行
    once the remedy periods have lapsed; a decision that falls ends execution. Payments,
    暂缓或者分期缴纳, 复议/诉讼 and court rulings are records on the case page; the steps
    below read them. 复议/诉讼 do not stop execution (行政处罚法第七十三条第一款) unless the
    body ordered it."""
    unpaid = frozenset({served, "demanded", "court_applied"})
    return (
        Transition(
            "demand",
            "送达催告书",
            frozenset({served}),
            "demanded",
            OFFICER,
            guards=(PAYMENT_OVERDUE, DECISION_STANDS, NOT_SUSPENDED),
            deadline=COURT_APPLICATION_DEADLINE,
            handlers_only=True,
            basis="行政处罚法第七十二条；行政强制法第三十五条、第五十四条",
        ),
        Transition(
            "apply_court",
            "申请人民法院强制执行",
            frozenset({"demanded"}),
            "court_applied",
            HEAD,
            guards=(
                STILL_UNPERFORMED,
                DECISION_STANDS,
                NOT_SUSPENDED,
                NO_REMEDY_PENDING,
                DEMAND_PERIOD_OVER,
                COURT_WINDOW_OPEN,
            ),
            basis="行政处罚法第七十二条第一款第四项；行政强制法第五十三条、第五十四条、第五十五条",
            via="execution",
        ),
        Transition(
            "execute",
            "执行完毕",
            unpaid,
            "executed",
            OFFICER,
            guards=(DECISION_STANDS, FULLY_EXECUTED),
            handlers_only=True,
            basis="行政处罚法第六十六条、第六十七条、第七十二条",
        ),
        Transition(
            "terminate",
            "终结执行（决定被撤销或者确认无效）",
            unpaid,
            "ended",
            HEAD,
            guards=(DECISION_FALLEN,),
            basis="行政强制法第四十条第四项、第四十一条",
        ),
    )


GENERAL = ProcedureDefinition(
    code=Procedure.PENALTY_GENERAL,
    label="行政处罚一般程序",
    initial="clue",
    states={
        "clue": "案源登记",
        "investigating": "调查取证",
        "investigated": "调查终结",
        "notified": "已事先告知",
        "hearing_requested": "当事人要求听证",
        "hearing_noticed": "已通知听证",
        "heard": "已举行听证",
        **REVIEW_STATES,
        "discussed": "已集体讨论",
        "decided": "已作出决定",
        "served": "已送达",
        **EXECUTION_STATES,
        "not_registered": "不予立案",
        "no_penalty": "不予处罚",
        "transferred": "移送司法机关",
        "withdrawn": "撤案",
        "closed": "结案",
        "archived": "归档",
    },
    terminal=frozenset({"not_registered", "archived"}),
    transitions=(
        Transition(
            "register",
            "立案",
            frozenset({"clue"}),
            "investigating",
            HEAD,
            guards=(
                PARTY_RECORDED,
                WITHIN_LIMITATION,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
            ),
            deadline=DECISION_DEADLINE,
            basis="行政处罚法第五十四条",
        ),
        Transition("decline", "不予立案", frozenset({"clue"}), "not_registered", HEAD),
        Transition(
            "conclude",
            "调查终结",
            frozenset({"investigating"}),
            "investigated",
            OFFICER,
            guards=(FACTS_RECORDED, TWO_CERTIFIED_HANDLERS, HANDLERS_ARE_NOT_REVIEWERS),
            deadline=DECISION_DEADLINE,
            handlers_only=True,
            basis="行政处罚法第五十七条",
        ),
        Transition(
            "notify",
            "事先告知",
            frozenset({"investigated"}),
            "notified",
            OFFICER,
            deadline=HEARING_REQUEST_DEADLINE,
            handlers_only=True,
            basis="行政处罚法第四十四条",
        ),
        # 法制审核 comes last before the decision, so it also covers the notice, the party's
        # statements and the hearing (行政处罚法第五十八条第一款第二项).
        *review_transitions(
            frozenset({"notified", "heard"}),
            basis="行政处罚法第五十八条",
            deadline=DECISION_DEADLINE,
            extra_guards=(HEARING_WINDOW_CLOSED, STATEMENT_HEARD),
        ),
        Transition(
            "record_statement",
            "记录当事人已陈述、申辩或明确放弃",
            frozenset({"notified"}),
            "notified",
            OFFICER,
            handlers_only=True,
            basis="行政处罚法第四十五条",
        ),
        Transition(
            "request_hearing",
            "登记当事人听证要求",
            frozenset({"notified"}),
            "hearing_requested",
            OFFICER,
            guards=(HEARING_RIGHT, HEARING_REQUEST_IN_TIME),
            handlers_only=True,
            basis="行政处罚法第六十三条、第六十四条",
        ),
        Transition(
            "notice_hearing",
            "通知听证时间地点",
            frozenset({"hearing_requested"}),
            "hearing_noticed",
            OFFICER,
            deadline=HEARING_NOTICE_PERIOD,
            handlers_only=True,
            basis="行政处罚法第六十四条第二项",
        ),
        Transition(
            "hold_hearing",
            "举行听证（制作听证笔录）",
            frozenset({"hearing_noticed"}),
            "heard",
            frozenset({Role.OFFICER.value, Role.HEAD.value}),
            guards=(HOST_NOT_INVESTIGATOR, HEARING_NOTICE_PERIOD_OVER),
            deadline=DECISION_DEADLINE,
            basis="行政处罚法第六十四条、第六十五条",
        ),
        Transition(
            "discuss",
            "负责人集体讨论",
            frozenset({"notified", "heard", "reviewed"}),
            "discussed",
            HEAD,
            guards=(HEARING_WINDOW_CLOSED, STATEMENT_HEARD, LEGAL_REVIEW_DONE),
            deadline=DECISION_DEADLINE,
            basis="行政处罚法第五十七条第二款",
        ),
        Transition(
            "decide",
            "作出行政处罚决定",
            frozenset({"notified", "heard", "reviewed", "discussed"}),
            "decided",
            HEAD,
            guards=(
                DECISION_IN_TIME,
                HEARING_WINDOW_CLOSED,
                STATEMENT_HEARD,
                LEGAL_REVIEW_DONE,
                COLLECTIVE_DISCUSSION_HELD,
                DECIDER_SEPARATE,
            ),
            deadline=SERVICE_DEADLINE,
            basis="行政处罚法第五十七条、第六十二条",
        ),
        Transition(
            "no_penalty",
            "不予行政处罚",
            frozenset({"investigated", "notified", "heard", "reviewed", "discussed"}),
            "no_penalty",
            HEAD,
            basis="行政处罚法第三十三条、第五十七条",
        ),
        Transition(
            "transfer",
            "移送司法机关",
            frozenset({"investigating", "investigated"}),
            "transferred",
            HEAD,
            basis="行政处罚法第二十七条、第五十七条",
        ),
        Transition(
            "withdraw", "撤案", frozenset({"investigating", "investigated"}), "withdrawn", HEAD
        ),
        Transition(
            "serve",
            "送达决定书",
            frozenset({"decided"}),
            "served",
            OFFICER,
            guards=(DECISION_DOCUMENT_ISSUED,),
            deadline=PAYMENT_DEADLINE,
            handlers_only=True,
            basis="行政处罚法第六十一条",
        ),
        *execution_transitions("served"),
        Transition(
            "close",
            "结案",
            frozenset({"executed", "ended", "no_penalty", "transferred", "withdrawn"}),
            "closed",
            HEAD,
            guards=(NO_REMEDY_PENDING,),
        ),
        Transition(
            "archive",
            "归档",
            frozenset({"closed"}),
            "archived",
            OFFICER,
            handlers_only=True,
            basis="行政处罚法第四十七条",
        ),
    ),
)

SIMPLE = ProcedureDefinition(
    code=Procedure.PENALTY_SIMPLE,
    label="行政处罚简易程序（当场处罚）",
    initial="on_site",
    states={
        "on_site": "现场处置",
        "served": "当场处罚决定已交付",
        **EXECUTION_STATES,
        "closed": "结案",
        "archived": "归档",
        "converted": "已转一般程序",
    },
    # A converted case lives on as the general-procedure case it opened (``origin``).
    terminal=frozenset({"archived", "converted"}),
    transitions=(
        Transition(
            "decide_on_spot",
            "当场作出处罚决定",
            frozenset({"on_site"}),
            "served",
            OFFICER,
            guards=(
                PARTY_RECORDED,
                FACTS_RECORDED,
                WITHIN_ON_SPOT_LIMITS,
                WITHIN_LIMITATION,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
            ),
            deadline=PAYMENT_DEADLINE,
            handlers_only=True,
            basis="行政处罚法第五十一条、第五十二条",
        ),
        *execution_transitions("served"),
        Transition(
            "convert",
            "不适用当场处罚，转为一般程序",
            frozenset({"on_site"}),
            "converted",
            OFFICER,
            guards=(PARTY_RECORDED,),
            handlers_only=True,
            basis="行政处罚法第五十一条、第五十四条",
        ),
        Transition(
            "close",
            "结案",
            frozenset({"executed", "ended"}),
            "closed",
            OFFICER,
            guards=(NO_REMEDY_PENDING,),
            handlers_only=True,
        ),
        Transition(
            "archive", "归档", frozenset({"closed"}), "archived", OFFICER, handlers_only=True
        ),
    ),
)

MEASURE_PERIOD = Deadline(CalendarDays(30), "查封、扣押决定之日", "行政强制法第二十五条")
MEASURE_EXTENSION = Deadline(CalendarDays(30), "原期限届满之日", "行政强制法第二十五条")
# 行政强制法第十九条: twenty-four hours, kept here as the next calendar day.
EMERGENCY_APPROVAL = Deadline(
    CalendarDays(1, rolls=False), "当场实施之时", "行政强制法第十九条：二十四小时内"
)

COERCIVE_MEASURE = ProcedureDefinition(
    code=Procedure.COERCIVE_MEASURE,
    label="行政强制措施（查封、扣押）",
    initial="proposed",
    states={
        "proposed": "拟实施",
        **REVIEW_STATES,
        "approved": "负责人已批准",
        "dropped": "不予实施",
        "pending_approval": "紧急实施待补批",
        "in_force": "查封扣押中",
        "extended": "已延长期限",
        "released": "已解除",
        "confiscated": "已没收",
        "destroyed": "已销毁",
        "closed": "结案",
        "archived": "归档",
    },
    terminal=frozenset({"archived"}),
    transitions=(
        *review_transitions(
            frozenset({"proposed"}),
            basis="国办发〔2018〕118号：重大执法决定法制审核",
            deadline=None,
            extra_guards=(PARTY_RECORDED,),
        ),
        Transition(
            "approve",
            "批准实施",
            frozenset({"proposed", "reviewed"}),
            "approved",
            HEAD,
            guards=(
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                MEASURE_BASIS_RECORDED,
                MEASURE_REVIEW_DONE,
                DECIDER_SEPARATE,
            ),
            basis="行政强制法第十八条",
        ),
        Transition(
            "drop",
            "不予实施",
            frozenset({"proposed", "review_returned", "reviewed"}),
            "dropped",
            HEAD,
            basis="行政强制法第十八条",
        ),
        Transition(
            "enforce",
            "实施查封、扣押（决定书及清单当场交付）",
            frozenset({"approved"}),
            "in_force",
            OFFICER,
            guards=(TWO_CERTIFIED_HANDLERS, FULL_VIDEO_ATTACHED),
            deadline=MEASURE_PERIOD,
            handlers_only=True,
            basis="行政强制法第十八条、第二十四条",
        ),
        Transition(
            "enforce_urgently",
            "情况紧急当场实施",
            frozenset({"proposed"}),
            "pending_approval",
            OFFICER,
            guards=(
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                FULL_VIDEO_ATTACHED,
            ),
            deadline=EMERGENCY_APPROVAL,
            handlers_only=True,
            basis="行政强制法第十九条",
        ),
        Transition(
            "approve_afterwards",
            "补办批准",
            frozenset({"pending_approval"}),
            "in_force",
            HEAD,
            # Not held for 法制审核: the measure is already taken and 行政强制法第十九条 allows
            # twenty-four hours; the finding is recorded, and counts against review coverage.
            guards=(EMERGENCY_APPROVAL_IN_TIME, DECIDER_SEPARATE),
            deadline=MEASURE_PERIOD,
            basis="行政强制法第十九条",
        ),
        Transition(
            "extend",
            "延长查封、扣押期限（一次，不超过三十日）",
            frozenset({"in_force"}),
            "extended",
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            deadline=MEASURE_EXTENSION,
            basis="行政强制法第二十五条",
        ),
        Transition(
            "release",
            "解除查封、扣押",
            frozenset({"pending_approval", "in_force", "extended"}),
            "released",
            HEAD,
            basis="行政强制法第十九条、第二十八条",
        ),
        Transition(
            "confiscate",
            "依法没收",
            frozenset({"in_force", "extended"}),
            "confiscated",
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            basis="行政强制法第二十七条",
        ),
        Transition(
            "destroy",
            "依法销毁",
            frozenset({"in_force", "extended"}),
            "destroyed",
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            basis="行政强制法第二十七条",
        ),
        Transition(
            "close",
            "结案",
            frozenset({"released", "confiscated", "destroyed", "dropped"}),
            "closed",
            HEAD,
        ),
        Transition(
            "archive", "归档", frozenset({"closed"}), "archived", OFFICER, handlers_only=True
        ),
    ),
)

INSPECTION = ProcedureDefinition(
    code=Procedure.INSPECTION,
    label="行政检查",
    initial="planned",
    states={
        "planned": "已列入检查计划",
        "checked": "已现场检查",
        "no_violation": "未发现违法行为",
        "violation_found": "发现违法行为，已转立案",
        "closed": "结案",
        "archived": "归档",
    },
    terminal=frozenset({"archived"}),
    transitions=(
        Transition(
            "check",
            "现场检查（出示证件、制作笔录）",
            frozenset({"planned"}),
            "checked",
            OFFICER,
            guards=(
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                INSPECTION_RECORD_ATTACHED,
            ),
            handlers_only=True,
            basis="行政处罚法第五十四条、第五十五条",
        ),
        Transition(
            "find_nothing",
            "检查结果：未发现违法行为",
            frozenset({"checked"}),
            "no_violation",
            OFFICER,
            handlers_only=True,
        ),
        Transition(
            "find_violation",
            "检查结果：发现违法行为，转一般程序立案",
            frozenset({"checked"}),
            "violation_found",
            OFFICER,
            handlers_only=True,
            basis="行政处罚法第五十四条",
        ),
        Transition(
            "close",
            "结案",
            frozenset({"no_violation", "violation_found"}),
            "closed",
            OFFICER,
            handlers_only=True,
        ),
        Transition(
            "archive", "归档", frozenset({"closed"}), "archived", OFFICER, handlers_only=True
        ),
    ),
)

PROCEDURES: dict[str, ProcedureDefinition] = {
    GENERAL.code: GENERAL,
    SIMPLE.code: SIMPLE,
    COERCIVE_MEASURE.code: COERCIVE_MEASURE,
    INSPECTION.code: INSPECTION,
}
