"""The procedures, declared once (DESIGN.md rule 2). Edit here; everything else reads this.

Declared so far: 行政处罚一般程序 (with 听证 and 集体讨论) up to 归档 with its outcome branches,
行政处罚简易程序 (当场处罚), 行政强制措施 (查封、扣押) and 行政检查.

Each procedure declares its states (an enum; the stored values are the strings), its steps —
from where, to where, by whom, under which guards, and what each step does (``effects``:
numbers, dates, clocks, follow-up cases; ``due``: which date the next step is due by) — the
activities open within its states (拟处理意见, 依据, 缴款 …) and the documents each state calls
for. To add a guard citing a new article: write the check in ``guards.py`` and name it in the
step's ``guards`` (docs/architecture.md).
"""

from __future__ import annotations

from sanxiang.cases.models import Procedure
from sanxiang.cases.periods import (
    COURT_APPLICATION_DEADLINE,
    PAYMENT_DEADLINE,
)
from sanxiang.cases.workflow.effects import (
    COUNT_FROM_TODAY,
    AllocateNumber,
    ClearDate,
    CountFrom,
    CourtWindow,
    Due,
    ExtendClock,
    HoursAfter,
    MirrorClock,
    OpenFollowUpCase,
    OpenPublication,
    RecordDiscretion,
    SealArchive,
    StampActor,
    StampDate,
    StampServed,
    StampTime,
    StartClock,
)
from sanxiang.cases.workflow.engine import (
    Activity,
    Guard,
    ProcedureDefinition,
    Stage,
    Transition,
)
from sanxiang.cases.workflow.guards import (
    CIRCUMSTANCES_AS_NOTIFIED,
    COLLECTIVE_DISCUSSION_HELD,
    COURT_WINDOW_OPEN,
    DECIDER_SEPARATE,
    DECISION_DOCUMENT_ISSUED,
    DECISION_FALLEN,
    DECISION_IN_TIME,
    DECISION_SERVED,
    DECISION_STANDS,
    DEMAND_PERIOD_OVER,
    EMERGENCY_APPROVAL_IN_TIME,
    FACTS_RECORDED,
    FULLY_EXECUTED,
    HANDLERS_ARE_NOT_REVIEWERS,
    HEARING_NOTICE_PERIOD_OVER,
    HEARING_REQUEST_IN_TIME,
    HEARING_RIGHT,
    HEARING_WINDOW_CLOSED,
    HOST_NOT_INVESTIGATOR,
    INSPECTION_RECORD_ATTACHED,
    LEGAL_REVIEW_DONE,
    MEASURE_ALREADY_TAKEN,
    MEASURE_BASIS_RECORDED,
    MEASURE_NOT_EXPIRED,
    MEASURE_NOT_TAKEN,
    MEASURE_REVIEW_DONE,
    NO_PENALTY_DOCUMENT_ISSUED,
    NO_PENALTY_DOCUMENT_SERVED,
    NO_PENALTY_EDUCATION_GIVEN,
    NO_PENALTY_GROUND_RECORDED,
    NO_REMEDY_PENDING,
    NOT_SUSPENDED,
    NOTICE_BEFORE_PENALTY_REVIEW,
    NOTICE_CORRECTED,
    NOTICE_GIVEN,
    NOTICE_SERVED,
    PARTY_RECORDED,
    PAYMENT_OVERDUE,
    PENALTY_AS_NOTIFIED,
    STATEMENT_HEARD,
    STATEMENT_RECORDED,
    STILL_UNPERFORMED,
    TWO_CERTIFIED_HANDLERS,
    WITHIN_LIMITATION,
    WITHIN_ON_SPOT_LIMITS,
    recorded,
    review_step,
)
from sanxiang.cases.workflow.states import (
    GeneralState,
    InspectionState,
    MeasureState,
    SimpleState,
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

# Until the 90-day decision limit (or its extension) runs out.
UNTIL_DECISION_DUE = MirrorClock("decision_due_on")

# The case's sub-states while its 法制审核 runs (the review procedure, ``review.workflow``).
REVIEW_RETURNED = "under_review.returned"
REVIEW_PASSED = "under_review.passed"
# A case under review is in one composite state; the review runs as a procedure of its own.
UNDER_REVIEW_COMPOSITE = {"under_review": "review"}


def submit_review(
    submit_from: frozenset[str],
    *,
    basis: str,
    deadline: Deadline | None,
    due: Due = COUNT_FROM_TODAY,
    extra_guards: tuple[Guard, ...] = (),
) -> Transition:
    """提交法制审核: the case enters its composite state 法制审核中, where the review procedure
    (审核意见, 退回与答复, 审核委员会) runs on the review until it passes. The step is recorded by
    the submission page (``via="review"``) with the materials and the handlers' signed
    statement; its guard asks the review app that this was recorded."""
    return Transition(
        "submit_review", "提交法制审核", submit_from, "under_review", OFFICER,
        guards=(*extra_guards, review_step("submit_review", basis)), deadline=deadline,
        handlers_only=True, basis=basis, via="review", due=due,
    )  # fmt: skip


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
            # 行政强制法第三十八条: the 催告书 is handed to the party directly.
            effects=(StampDate("demand_served_on"),),
            due=CourtWindow(),
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
            confirm=True,
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
            confirm=True,
        ),
    )


# --- What is open within the states (not steps: records on the case page) ----------------------


def assessment(*states: str) -> Activity:
    # The proposal (and the parties) can change until it goes to 法制审核 (or back to the
    # handlers from it): what the reviewer passed is what is decided (第五十八条).
    return Activity("assessment", "拟处理意见及当事人", frozenset(states), HEAD, handlers=True,
                    basis="行政处罚法第五十八条")  # fmt: skip


def hearing_right(*states: str) -> Activity:
    # Whether the penalty is within 听证 scope decides what the notice says.
    return Activity("hearing_right", "是否属于听证范围", frozenset(states), HEAD, handlers=True,
                    basis="行政处罚法第四十四条、第六十三条")  # fmt: skip


def basis(*states: str) -> Activity:
    # 违法依据 and 处罚依据 are set while the facts are being established; afterwards they are
    # what the review, the notice and the decision rely on.
    return Activity("basis", "违法依据和处罚依据", frozenset(states), handlers=True)


def circumstances(*states: str) -> Activity:
    # 裁量情节 (从轻、减轻、从重、首违不罚 …) are recorded by the handlers, with the evidence that
    # shows each, until the proposal goes to 法制审核: what the reviewer checks is what is decided.
    return Activity("circumstances", "裁量情节", frozenset(states), handlers=True,
                    basis="行政处罚法第三十二条、第三十三条")  # fmt: skip


def handlers(*states: str) -> Activity:
    # 指定承办人 until the investigation ends (on the spot, before the decision): whoever
    # investigated stays on record, so he can never host the hearing (第六十四条第四项).
    return Activity("handlers", "指定承办人", frozenset(states), HEAD, handlers=True)


def onsite(*states: str) -> Activity:
    return Activity("onsite", "现场执法记录（手机）", frozenset(states), handlers=True)


def execution_activities(served: str, *, decided: tuple[str, ...] = ()) -> tuple[Activity, ...]:
    """执行 records: 缴款 and performance while the decision awaits execution; 暂缓或者分期
    after service, before 催告; 复议/诉讼 once there is a decision, also after it was executed
    (the periods run from service, 行政复议法第二十条、行政诉讼法第四十六条); the court's
    rulings once it was applied to."""
    unpaid = frozenset({served, "demanded", "court_applied"})
    return (
        Activity("payment", "缴款、履行", unpaid, HEAD, handlers=True,
                 basis="行政处罚法第六十七条"),
        Activity("schedule", "暂缓或者分期缴纳", frozenset({served}), HEAD,
                 basis="行政处罚法第六十六条第二款"),
        Activity("remedy", "行政复议、行政诉讼",
                 unpaid | {*decided, "executed", "ended", "closed"}, HEAD, handlers=True,
                 basis="行政处罚法第七十三条"),
        Activity("court", "人民法院裁定及执行", frozenset({"court_applied"}), HEAD,
                 handlers=True, basis="行政强制法第五十七条、第五十八条"),
    )  # fmt: skip


_G = GeneralState
# From 立案 until the decision is served.
_G_OPEN = frozenset(
    {_G.INVESTIGATING, _G.INVESTIGATED, _G.NOTIFIED, _G.HEARING_REQUESTED, _G.HEARING_NOTICED,
     _G.HEARD, _G.UNDER_REVIEW, _G.DISCUSSED, _G.DECIDED, _G.SERVED}
)  # fmt: skip
# 执行 (execution_transitions): awaiting payment, 催告, the court.
_G_EXECUTING = frozenset({_G.SERVED, _G.DEMANDED, _G.COURT_APPLIED})
# The states from which a case may end in 不予处罚 (the step ``no_penalty``).
_G_NO_PENALTY_FROM = frozenset(
    {_G.INVESTIGATED, _G.NOTIFIED, _G.HEARD, REVIEW_PASSED, _G.DISCUSSED}
)
GENERAL_ACTIVITIES = (
    assessment(_G.CLUE, _G.INVESTIGATING, _G.INVESTIGATED, _G.NOTIFIED, _G.HEARING_REQUESTED,
               _G.HEARING_NOTICED, _G.HEARD, REVIEW_RETURNED),
    hearing_right(_G.CLUE, _G.INVESTIGATING, _G.INVESTIGATED),
    # Until the notice, which states the basis: it can still be put right after 调查终结.
    basis(_G.CLUE, _G.INVESTIGATING, _G.INVESTIGATED),
    circumstances(_G.CLUE, _G.INVESTIGATING, _G.INVESTIGATED, _G.NOTIFIED, _G.HEARING_REQUESTED,
                  _G.HEARING_NOTICED, _G.HEARD, REVIEW_RETURNED),
    handlers(_G.CLUE, _G.INVESTIGATING),
    # 第三十三条第三款: the party is educated before the case ends in 不予处罚.
    Activity("education", "对当事人进行教育（不予处罚）", _G_NO_PENALTY_FROM, HEAD,
             handlers=True, basis="行政处罚法第三十三条第三款"),
    # Before the decision, a registered case may have its 90 days extended.
    Activity("extension", "延长办案期限", _G_OPEN - {_G.DECIDED, _G.SERVED}, HEAD,
             basis="行政处罚法第六十条"),
    *execution_activities(_G.SERVED, decided=(_G.DECIDED,)),
)  # fmt: skip
# Which documents each state calls for: kind -> states in which it may be made (or corrected).
GENERAL_DOCUMENTS = {
    "registration": frozenset({_G.INVESTIGATING, _G.INVESTIGATED, _G.NOTIFIED, REVIEW_RETURNED}),
    # 现场检查笔录 and 询问笔录 are made while investigating (调查取证).
    "inspection_record": frozenset({_G.INVESTIGATING}),
    "inquiry_record": frozenset({_G.INVESTIGATING}),
    # 第二十八条: whoever imposes a penalty orders the party to correct the act.
    "correction_order": _G_OPEN,
    # Made at the end of the investigation and handed over with 事先告知 (法制审核 follows it,
    # so the reviewer also sees what the party was told).
    "advance_notice": frozenset({_G.INVESTIGATED, _G.NOTIFIED}),
    # 第四十五条: what the party said, and the handlers' answer to each point.
    "statement_record": frozenset({_G.NOTIFIED}),
    "statement_review": frozenset({_G.NOTIFIED}),
    "hearing_notice": frozenset({_G.HEARING_REQUESTED, _G.HEARING_NOTICED}),
    "hearing_record": frozenset({_G.HEARING_NOTICED, _G.HEARD}),
    "decision": _G_EXECUTING | {_G.DECIDED, _G.EXECUTED, _G.ENDED, _G.CLOSED, _G.ARCHIVED},
    # Made once the ground, the review and the education are on record (documents.py), before
    # the step; corrected and served (第六十一条) after it.
    "no_penalty_decision": _G_NO_PENALTY_FROM | {_G.NO_PENALTY},
    "service_proof": _G_OPEN | _G_EXECUTING | {_G.EXECUTED, _G.NO_PENALTY},
    "closing_approval": frozenset(
        {_G.EXECUTED, _G.ENDED, _G.NO_PENALTY, _G.TRANSFERRED, _G.WITHDRAWN, _G.CLOSED}
    ),
}

_S = SimpleState
_S_EXECUTING = frozenset({_S.SERVED, _S.DEMANDED, _S.COURT_APPLIED})
SIMPLE_ACTIVITIES = (
    assessment(_S.ON_SITE),
    basis(_S.ON_SITE),
    circumstances(_S.ON_SITE),
    handlers(_S.ON_SITE),
    onsite(_S.ON_SITE),
    *execution_activities(_S.SERVED),
)
SIMPLE_DOCUMENTS = {
    "correction_order": frozenset({_S.ON_SITE, _S.SERVED}),
    "on_spot_decision": _S_EXECUTING | {_S.EXECUTED, _S.ENDED, _S.CLOSED, _S.ARCHIVED},
    "service_proof": _S_EXECUTING | {_S.EXECUTED},
    "closing_approval": frozenset({_S.EXECUTED, _S.ENDED, _S.CLOSED}),
}

_M = MeasureState
_M_SEIZURE = frozenset({_M.APPROVED, _M.PENDING_APPROVAL, _M.IN_FORCE, _M.EXTENDED})
MEASURE_ACTIVITIES = (
    assessment(_M.PROPOSED, REVIEW_RETURNED),
    hearing_right(_M.PROPOSED),
    # What the 负责人 approves (and a reviewer passed) is what is enforced.
    basis(_M.PROPOSED, REVIEW_RETURNED),
    handlers(_M.PROPOSED, _M.APPROVED),
)
MEASURE_DOCUMENTS = {
    "service_proof": _M_SEIZURE | {_M.RELEASED, _M.CONFISCATED, _M.DESTROYED},
    # 行政强制法第二十四条: made and handed over when the measure is taken (also in an emergency).
    "seizure_decision": _M_SEIZURE,
    "seizure_list": _M_SEIZURE,
    "closing_approval": frozenset(
        {_M.RELEASED, _M.CONFISCATED, _M.DESTROYED, _M.DROPPED, _M.CLOSED}
    ),
}

_I = InspectionState
INSPECTION_ACTIVITIES = (
    assessment(_I.PLANNED, _I.CHECKED),
    basis(_I.PLANNED, _I.CHECKED),
    handlers(_I.PLANNED),
    onsite(_I.PLANNED, _I.CHECKED),
)
INSPECTION_DOCUMENTS = {
    # 现场检查笔录 and 询问笔录 are made while checking.
    "inspection_record": frozenset({_I.PLANNED, _I.CHECKED}),
    "inquiry_record": frozenset({_I.PLANNED, _I.CHECKED}),
    "correction_order": frozenset({_I.CHECKED, _I.VIOLATION_FOUND}),
    "service_proof": frozenset({_I.CHECKED, _I.VIOLATION_FOUND}),
    "closing_approval": frozenset({_I.NO_VIOLATION, _I.VIOLATION_FOUND, _I.CLOSED}),
}


GENERAL = ProcedureDefinition(
    code=Procedure.PENALTY_GENERAL,
    label="行政处罚一般程序",
    state_enum=GeneralState,
    initial=GeneralState.CLUE,
    terminal=frozenset({GeneralState.NOT_REGISTERED, GeneralState.ARCHIVED}),
    activities=GENERAL_ACTIVITIES,
    documents=GENERAL_DOCUMENTS,
    composite=UNDER_REVIEW_COMPOSITE,
    stages=(
        Stage("案源登记", frozenset({_G.CLUE})),
        Stage("调查取证", frozenset({_G.INVESTIGATING})),
        Stage("调查终结", frozenset({_G.INVESTIGATED})),
        Stage(
            "告知与听证",
            frozenset({_G.NOTIFIED, _G.HEARING_REQUESTED, _G.HEARING_NOTICED, _G.HEARD}),
        ),
        Stage("法制审核", frozenset({_G.UNDER_REVIEW, _G.DISCUSSED})),
        Stage(
            "决定",
            frozenset({_G.DECIDED, _G.NOT_REGISTERED, _G.NO_PENALTY, _G.TRANSFERRED, _G.WITHDRAWN}),
            exits=frozenset({_G.NOT_REGISTERED, _G.NO_PENALTY, _G.TRANSFERRED, _G.WITHDRAWN}),
        ),
        Stage(
            "送达与执行",
            frozenset({_G.SERVED, _G.DEMANDED, _G.COURT_APPLIED, _G.EXECUTED, _G.ENDED}),
        ),
        Stage("结案", frozenset({_G.CLOSED})),
        Stage("归档", frozenset({_G.ARCHIVED})),
    ),
    transitions=(
        Transition(
            "register",
            "立案",
            frozenset({GeneralState.CLUE}),
            GeneralState.INVESTIGATING,
            HEAD,
            guards=(
                PARTY_RECORDED,
                WITHIN_LIMITATION,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
            ),
            deadline=DECISION_DEADLINE,
            basis="行政处罚法第五十四条",
            effects=(
                AllocateNumber("penalty"),
                StampDate("registered_on"),
                StampActor("registered_by"),
                StartClock("decision_due_on", DECISION_DEADLINE),
            ),
            due=UNTIL_DECISION_DUE,
            confirm=True,
        ),
        Transition(
            "decline",
            "不予立案",
            frozenset({GeneralState.CLUE}),
            GeneralState.NOT_REGISTERED,
            HEAD,
            confirm=True,
        ),
        Transition(
            "conclude",
            "调查终结",
            frozenset({GeneralState.INVESTIGATING}),
            GeneralState.INVESTIGATED,
            OFFICER,
            guards=(
                FACTS_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                recorded("penalty_general.conclude"),
            ),
            deadline=DECISION_DEADLINE,
            due=UNTIL_DECISION_DUE,
            handlers_only=True,
            basis="行政处罚法第五十七条",
        ),
        Transition(
            "notify",
            "事先告知",
            # Again from 已事先告知 when the notice was corrected and served anew (a heavier
            # penalty on new facts, 第四十四条): the periods run again from the new service.
            frozenset({GeneralState.INVESTIGATED, GeneralState.NOTIFIED}),
            GeneralState.NOTIFIED,
            OFFICER,
            guards=(NOTICE_SERVED, NOTICE_CORRECTED, CIRCUMSTANCES_AS_NOTIFIED),
            deadline=HEARING_REQUEST_DEADLINE,
            due=CountFrom("notified_on"),
            handlers_only=True,
            basis="行政处罚法第四十四条",
            # Notified on the day the notice was served; a new notice opens a new 陈述申辩 period.
            effects=(
                StampServed("notified_on", "advance_notice", "行政处罚事先告知书"),
                ClearDate("statement_closed_on"),
            ),
        ),
        # 法制审核 comes last before the decision, so it also covers the notice, the party's
        # statements and the hearing (行政处罚法第五十八条第一款第二项). A proposed 不予处罚
        # (no notice) goes from 调查终结.
        submit_review(
            frozenset({GeneralState.INVESTIGATED, GeneralState.NOTIFIED, GeneralState.HEARD}),
            basis="行政处罚法第五十八条",
            deadline=DECISION_DEADLINE,
            due=UNTIL_DECISION_DUE,
            extra_guards=(
                NOTICE_BEFORE_PENALTY_REVIEW,
                HEARING_WINDOW_CLOSED,
                STATEMENT_HEARD,
                CIRCUMSTANCES_AS_NOTIFIED,
            ),
        ),
        Transition(
            "record_statement",
            "记录当事人已陈述、申辩或明确放弃",
            frozenset({GeneralState.NOTIFIED}),
            GeneralState.NOTIFIED,
            OFFICER,
            guards=(STATEMENT_RECORDED,),
            handlers_only=True,
            basis="行政处罚法第四十五条",
            # Stated (or waived) and recorded: 第四十五条 is satisfied.
            effects=(StampDate("statement_closed_on", once=True),),
        ),
        Transition(
            "request_hearing",
            "登记当事人听证要求",
            frozenset({GeneralState.NOTIFIED}),
            GeneralState.HEARING_REQUESTED,
            OFFICER,
            guards=(HEARING_RIGHT, HEARING_REQUEST_IN_TIME),
            handlers_only=True,
            basis="行政处罚法第六十三条、第六十四条",
        ),
        Transition(
            "notice_hearing",
            "通知听证时间地点",
            frozenset({GeneralState.HEARING_REQUESTED}),
            GeneralState.HEARING_NOTICED,
            OFFICER,
            deadline=HEARING_NOTICE_PERIOD,
            handlers_only=True,
            basis="行政处罚法第六十四条第二项",
        ),
        Transition(
            "hold_hearing",
            "举行听证（制作听证笔录）",
            frozenset({GeneralState.HEARING_NOTICED}),
            GeneralState.HEARD,
            frozenset({Role.OFFICER.value, Role.HEAD.value}),
            guards=(
                HOST_NOT_INVESTIGATOR,
                HEARING_NOTICE_PERIOD_OVER,
                recorded("penalty_general.hold_hearing"),
            ),
            deadline=DECISION_DEADLINE,
            due=UNTIL_DECISION_DUE,
            basis="行政处罚法第六十四条、第六十五条",
            # Heard at the hearing: 第四十五条 is satisfied.
            effects=(
                StampDate("statement_closed_on", once=True),
                StampDate("hearing_held_on", once=True),
            ),
        ),
        Transition(
            "discuss",
            "负责人集体讨论",
            frozenset({GeneralState.NOTIFIED, GeneralState.HEARD, REVIEW_PASSED}),
            GeneralState.DISCUSSED,
            HEAD,
            guards=(HEARING_WINDOW_CLOSED, STATEMENT_HEARD, LEGAL_REVIEW_DONE),
            deadline=DECISION_DEADLINE,
            due=UNTIL_DECISION_DUE,
            basis="行政处罚法第五十七条第二款",
        ),
        Transition(
            "decide",
            "作出行政处罚决定",
            frozenset(
                {
                    GeneralState.NOTIFIED,
                    GeneralState.HEARD,
                    REVIEW_PASSED,
                    GeneralState.DISCUSSED,
                }
            ),
            GeneralState.DECIDED,
            HEAD,
            guards=(
                DECISION_IN_TIME,
                NOTICE_GIVEN,
                HEARING_WINDOW_CLOSED,
                STATEMENT_HEARD,
                PENALTY_AS_NOTIFIED,
                CIRCUMSTANCES_AS_NOTIFIED,
                LEGAL_REVIEW_DONE,
                COLLECTIVE_DISCUSSION_HELD,
                DECIDER_SEPARATE,
            ),
            deadline=SERVICE_DEADLINE,
            basis="行政处罚法第五十七条、第六十二条",
            effects=(
                StampDate("decided_on"),
                OpenPublication("penalty"),
                RecordDiscretion(),
            ),
            confirm=True,
        ),
        Transition(
            "no_penalty",
            "不予行政处罚",
            frozenset(
                {
                    GeneralState.INVESTIGATED,
                    GeneralState.NOTIFIED,
                    GeneralState.HEARD,
                    REVIEW_PASSED,
                    GeneralState.DISCUSSED,
                }
            ),
            GeneralState.NO_PENALTY,
            HEAD,
            # Reviewed where the catalogue says so, like a penalty (000 四(三)4; 第五十八条);
            # the ground stated with its proof, the party educated (第三十三条第三款) and the
            # 不予行政处罚决定书 made, which the 决定 then hands over (送达, before 结案).
            guards=(
                NO_PENALTY_GROUND_RECORDED,
                LEGAL_REVIEW_DONE,
                DECIDER_SEPARATE,
                NO_PENALTY_EDUCATION_GIVEN,
                NO_PENALTY_DOCUMENT_ISSUED,
            ),
            basis="行政处罚法第三十三条、第五十七条、第五十八条",
            # 国办发〔2018〕118号: every 执法决定 is published (执法机关、执法对象、执法类别、执法
            # 结论) within 20 working days; a 不予处罚 decision is not a 行政处罚 decision, so it
            # is not within the 7-day rule for 行政许可、行政处罚 nor the credit publicity of
            # 总局令第45号 (which publishes 行政处罚 information only).
            # 裁量偏离 counts it too: inside when the 情节 make 不予处罚 applicable.
            effects=(OpenPublication("other", "不予行政处罚"), RecordDiscretion()),
            confirm=True,
        ),
        Transition(
            "transfer",
            "移送司法机关",
            frozenset({GeneralState.INVESTIGATING, GeneralState.INVESTIGATED}),
            GeneralState.TRANSFERRED,
            HEAD,
            basis="行政处罚法第二十七条、第五十七条",
            confirm=True,
        ),
        Transition(
            "withdraw",
            "撤案",
            frozenset({GeneralState.INVESTIGATING, GeneralState.INVESTIGATED}),
            GeneralState.WITHDRAWN,
            HEAD,
            confirm=True,
        ),
        Transition(
            "serve",
            "送达决定书",
            frozenset({GeneralState.DECIDED}),
            GeneralState.SERVED,
            OFFICER,
            guards=(DECISION_DOCUMENT_ISSUED, DECISION_SERVED),
            deadline=PAYMENT_DEADLINE,
            due=CountFrom("served_on"),
            handlers_only=True,
            basis="行政处罚法第六十一条",
            # 第六十七条: fifteen days from receiving the decision, as its 送达回证 records.
            effects=(
                StampServed("served_on", "decision", "行政处罚决定书"),
                StartClock("payment_due_on", PAYMENT_DEADLINE, start="served_on"),
            ),
        ),
        *execution_transitions(GeneralState.SERVED),
        Transition(
            "close",
            "结案",
            frozenset(
                {
                    GeneralState.EXECUTED,
                    GeneralState.ENDED,
                    GeneralState.NO_PENALTY,
                    GeneralState.TRANSFERRED,
                    GeneralState.WITHDRAWN,
                }
            ),
            GeneralState.CLOSED,
            HEAD,
            guards=(NO_REMEDY_PENDING, NO_PENALTY_DOCUMENT_SERVED),
            effects=(StampActor("closed_by"),),
            confirm=True,
        ),
        Transition(
            "archive",
            "归档",
            frozenset({GeneralState.CLOSED}),
            GeneralState.ARCHIVED,
            OFFICER,
            handlers_only=True,
            basis="行政处罚法第四十七条",
            effects=(SealArchive(),),
            confirm=True,
        ),
    ),
)

SIMPLE = ProcedureDefinition(
    code=Procedure.PENALTY_SIMPLE,
    label="行政处罚简易程序（当场处罚）",
    state_enum=SimpleState,
    initial=SimpleState.ON_SITE,
    # A converted case lives on as the general-procedure case it opened (``origin``).
    terminal=frozenset({SimpleState.ARCHIVED, SimpleState.CONVERTED}),
    activities=SIMPLE_ACTIVITIES,
    documents=SIMPLE_DOCUMENTS,
    stages=(
        Stage("现场处置", frozenset({_S.ON_SITE})),
        Stage(
            "当场决定与执行",
            frozenset(
                {_S.SERVED, _S.DEMANDED, _S.COURT_APPLIED, _S.EXECUTED, _S.ENDED, _S.CONVERTED}
            ),
            exits=frozenset({_S.CONVERTED}),
        ),
        Stage("结案", frozenset({_S.CLOSED})),
        Stage("归档", frozenset({_S.ARCHIVED})),
    ),
    transitions=(
        Transition(
            "decide_on_spot",
            "当场作出处罚决定",
            frozenset({SimpleState.ON_SITE}),
            SimpleState.SERVED,
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
            # The decision is handed over on the spot: served, and the 15 days run (第六十七条).
            effects=(
                AllocateNumber("on_spot"),
                StampDate("decided_on"),
                StampDate("served_on"),
                StartClock("payment_due_on", PAYMENT_DEADLINE),
                OpenPublication("penalty"),
                RecordDiscretion(),
            ),
            confirm=True,
        ),
        *execution_transitions(SimpleState.SERVED),
        Transition(
            "convert",
            "不适用当场处罚，转为一般程序",
            frozenset({SimpleState.ON_SITE}),
            SimpleState.CONVERTED,
            OFFICER,
            guards=(PARTY_RECORDED,),
            handlers_only=True,
            basis="行政处罚法第五十一条、第五十四条",
            effects=(OpenFollowUpCase(source="当场处罚转一般程序（{reference}）"),),
            confirm=True,
        ),
        Transition(
            "close",
            "结案",
            frozenset({SimpleState.EXECUTED, SimpleState.ENDED}),
            SimpleState.CLOSED,
            OFFICER,
            guards=(NO_REMEDY_PENDING,),
            handlers_only=True,
            effects=(StampActor("closed_by"),),
            confirm=True,
        ),
        Transition(
            "archive",
            "归档",
            frozenset({SimpleState.CLOSED}),
            SimpleState.ARCHIVED,
            OFFICER,
            handlers_only=True,
            effects=(SealArchive(),),
            confirm=True,
        ),
    ),
)

MEASURE_PERIOD = Deadline(CalendarDays(30), "查封、扣押决定之日", "行政强制法第二十五条")
MEASURE_EXTENSION = Deadline(CalendarDays(30), "原期限届满之日", "行政强制法第二十五条")
# 行政强制法第十九条: twenty-four hours, kept here as the next calendar day.
EMERGENCY_APPROVAL = Deadline(
    CalendarDays(1, rolls=False), "当场实施之时", "行政强制法第十九条：二十四小时内"
)
# 行政强制法第二十五条: the period runs from the day the measure was taken, also when it was
# taken in an emergency and approved afterwards (第十九条).
MEASURE_TAKEN = (StampTime("measure_taken_at"), StartClock("measure_due_on", MEASURE_PERIOD))
UNTIL_MEASURE_DUE = MirrorClock("measure_due_on")

COERCIVE_MEASURE = ProcedureDefinition(
    code=Procedure.COERCIVE_MEASURE,
    label="行政强制措施（查封、扣押）",
    state_enum=MeasureState,
    initial=MeasureState.PROPOSED,
    terminal=frozenset({MeasureState.ARCHIVED}),
    activities=MEASURE_ACTIVITIES,
    documents=MEASURE_DOCUMENTS,
    composite=UNDER_REVIEW_COMPOSITE,
    stages=(
        Stage("拟实施", frozenset({_M.PROPOSED})),
        Stage("法制审核", frozenset({_M.UNDER_REVIEW})),
        Stage(
            "批准",
            frozenset({_M.APPROVED, _M.PENDING_APPROVAL, _M.DROPPED}),
            exits=frozenset({_M.DROPPED}),
        ),
        Stage("查封扣押期间", frozenset({_M.IN_FORCE, _M.EXTENDED})),
        Stage("处理", frozenset({_M.RELEASED, _M.CONFISCATED, _M.DESTROYED})),
        Stage("结案", frozenset({_M.CLOSED})),
        Stage("归档", frozenset({_M.ARCHIVED})),
    ),
    transitions=(
        # Also after an emergency measure (行政强制法第十九条): reviewed within the 24 hours
        # before the 补办批准, whose clock the case keeps showing while under review.
        submit_review(
            frozenset({MeasureState.PROPOSED, MeasureState.PENDING_APPROVAL}),
            basis="国办发〔2018〕118号：重大执法决定法制审核",
            deadline=EMERGENCY_APPROVAL,
            due=HoursAfter("measure_taken_at", 24),
            extra_guards=(PARTY_RECORDED,),
        ),
        Transition(
            "approve",
            "批准实施",
            frozenset({MeasureState.PROPOSED, REVIEW_PASSED}),
            MeasureState.APPROVED,
            HEAD,
            guards=(
                MEASURE_NOT_TAKEN,
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                MEASURE_BASIS_RECORDED,
                MEASURE_REVIEW_DONE,
                DECIDER_SEPARATE,
            ),
            basis="行政强制法第十八条",
            effects=(OpenPublication("coercive", "实施查封、扣押"),),
            confirm=True,
        ),
        Transition(
            "drop",
            "不予实施",
            frozenset({MeasureState.PROPOSED, REVIEW_RETURNED, REVIEW_PASSED}),
            MeasureState.DROPPED,
            HEAD,
            guards=(MEASURE_NOT_TAKEN,),
            basis="行政强制法第十八条",
            confirm=True,
        ),
        Transition(
            "enforce",
            "实施查封、扣押（决定书及清单当场交付）",
            frozenset({MeasureState.APPROVED}),
            MeasureState.IN_FORCE,
            OFFICER,
            guards=(TWO_CERTIFIED_HANDLERS, recorded("coercive_measure.enforce")),
            deadline=MEASURE_PERIOD,
            due=UNTIL_MEASURE_DUE,
            handlers_only=True,
            basis="行政强制法第十八条、第二十四条",
            effects=MEASURE_TAKEN,
        ),
        Transition(
            "enforce_urgently",
            "情况紧急当场实施",
            frozenset({MeasureState.PROPOSED}),
            MeasureState.PENDING_APPROVAL,
            OFFICER,
            guards=(
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                recorded("coercive_measure.enforce_urgently"),
            ),
            deadline=EMERGENCY_APPROVAL,
            due=HoursAfter("measure_taken_at", 24),
            handlers_only=True,
            basis="行政强制法第十九条",
            effects=MEASURE_TAKEN,
            confirm=True,
        ),
        Transition(
            "approve_afterwards",
            "补办批准",
            frozenset({MeasureState.PENDING_APPROVAL, REVIEW_PASSED}),
            MeasureState.IN_FORCE,
            HEAD,
            # Reviewed first when the handlers submitted it within the 24 hours (from 审核通过);
            # not held for review otherwise — 行政强制法第十九条 allows twenty-four hours — and
            # then the finding is recorded and named in the review figures as not reviewed.
            guards=(MEASURE_ALREADY_TAKEN, EMERGENCY_APPROVAL_IN_TIME, DECIDER_SEPARATE),
            deadline=MEASURE_PERIOD,
            due=UNTIL_MEASURE_DUE,
            basis="行政强制法第十九条",
            effects=(OpenPublication("coercive", "实施查封、扣押"),),
            confirm=True,
        ),
        Transition(
            "extend",
            "延长查封、扣押期限（一次，不超过三十日）",
            frozenset({MeasureState.IN_FORCE}),
            MeasureState.EXTENDED,
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            deadline=MEASURE_EXTENSION,
            due=UNTIL_MEASURE_DUE,
            basis="行政强制法第二十五条",
            effects=(ExtendClock("measure_due_on", MEASURE_EXTENSION),),
        ),
        Transition(
            "release",
            "解除查封、扣押",
            # After an emergency measure the review may have returned it or passed it and the
            # 负责人 still not approve: then it is released (行政强制法第十九条).
            frozenset(
                {
                    MeasureState.PENDING_APPROVAL,
                    MeasureState.IN_FORCE,
                    MeasureState.EXTENDED,
                    REVIEW_RETURNED,
                    REVIEW_PASSED,
                }
            ),
            MeasureState.RELEASED,
            HEAD,
            guards=(MEASURE_ALREADY_TAKEN,),
            basis="行政强制法第十九条、第二十八条",
        ),
        Transition(
            "confiscate",
            "依法没收",
            frozenset({MeasureState.IN_FORCE, MeasureState.EXTENDED}),
            MeasureState.CONFISCATED,
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            basis="行政强制法第二十七条",
            confirm=True,
        ),
        Transition(
            "destroy",
            "依法销毁",
            frozenset({MeasureState.IN_FORCE, MeasureState.EXTENDED}),
            MeasureState.DESTROYED,
            HEAD,
            guards=(MEASURE_NOT_EXPIRED,),
            basis="行政强制法第二十七条",
            confirm=True,
        ),
        Transition(
            "close",
            "结案",
            frozenset(
                {
                    MeasureState.RELEASED,
                    MeasureState.CONFISCATED,
                    MeasureState.DESTROYED,
                    MeasureState.DROPPED,
                }
            ),
            MeasureState.CLOSED,
            HEAD,
            effects=(StampActor("closed_by"),),
            confirm=True,
        ),
        Transition(
            "archive",
            "归档",
            frozenset({MeasureState.CLOSED}),
            MeasureState.ARCHIVED,
            OFFICER,
            handlers_only=True,
            effects=(SealArchive(),),
            confirm=True,
        ),
    ),
)

INSPECTION = ProcedureDefinition(
    code=Procedure.INSPECTION,
    label="行政检查",
    state_enum=InspectionState,
    initial=InspectionState.PLANNED,
    terminal=frozenset({InspectionState.ARCHIVED}),
    activities=INSPECTION_ACTIVITIES,
    documents=INSPECTION_DOCUMENTS,
    stages=(
        Stage("检查计划", frozenset({_I.PLANNED})),
        Stage("现场检查", frozenset({_I.CHECKED})),
        Stage("检查结果", frozenset({_I.NO_VIOLATION, _I.VIOLATION_FOUND})),
        Stage("结案", frozenset({_I.CLOSED})),
        Stage("归档", frozenset({_I.ARCHIVED})),
    ),
    transitions=(
        Transition(
            "check",
            "现场检查（出示证件、制作笔录）",
            frozenset({InspectionState.PLANNED}),
            InspectionState.CHECKED,
            OFFICER,
            guards=(
                PARTY_RECORDED,
                TWO_CERTIFIED_HANDLERS,
                HANDLERS_ARE_NOT_REVIEWERS,
                INSPECTION_RECORD_ATTACHED,
                recorded("inspection.check"),
            ),
            handlers_only=True,
            basis="行政处罚法第五十四条、第五十五条",
        ),
        Transition(
            "find_nothing",
            "检查结果：未发现违法行为",
            frozenset({InspectionState.CHECKED}),
            InspectionState.NO_VIOLATION,
            OFFICER,
            handlers_only=True,
            effects=(OpenPublication("inspection", "未发现违法行为"),),
            confirm=True,
        ),
        Transition(
            "find_violation",
            "检查结果：发现违法行为，转一般程序立案",
            frozenset({InspectionState.CHECKED}),
            InspectionState.VIOLATION_FOUND,
            OFFICER,
            handlers_only=True,
            basis="行政处罚法第五十四条",
            effects=(
                OpenFollowUpCase(source="行政检查发现（{number}）"),
                OpenPublication("inspection", "发现违法行为，已立案调查"),
            ),
            confirm=True,
        ),
        Transition(
            "close",
            "结案",
            frozenset({InspectionState.NO_VIOLATION, InspectionState.VIOLATION_FOUND}),
            InspectionState.CLOSED,
            OFFICER,
            handlers_only=True,
            effects=(StampActor("closed_by"),),
            confirm=True,
        ),
        Transition(
            "archive",
            "归档",
            frozenset({InspectionState.CLOSED}),
            InspectionState.ARCHIVED,
            OFFICER,
            handlers_only=True,
            effects=(SealArchive(),),
            confirm=True,
        ),
    ),
)

PROCEDURES: dict[str, ProcedureDefinition] = {
    GENERAL.code: GENERAL,
    SIMPLE.code: SIMPLE,
    COERCIVE_MEASURE.code: COERCIVE_MEASURE,
    INSPECTION.code: INSPECTION,
}


def open_in_any(activity: str) -> frozenset[str]:
    """The states, in any procedure, in which ``activity`` is open (for queries across
    procedures; a state belongs to its procedure's declaration, so this is exact)."""
    return frozenset().union(*(d.open_in(activity) for d in PROCEDURES.values()))


def is_open(activity: str, procedure: str, state: str) -> bool:
    """Whether ``activity`` is open in ``state`` of ``procedure``."""
    definition = PROCEDURES.get(procedure)
    return definition is not None and state in definition.open_in(activity)
