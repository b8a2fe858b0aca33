"""What a case's recorded events are called on pages and in documents.

The ledger stores action strings (``cases.case.register``, ``cases.case.party_added``); users
read the procedure's own step names (``Transition.label`` in the declarations) and, for the
records that are not steps, the names below. Nothing here falls back to the code: an action
without a name is shown as ``其他记录`` (``tests/cases/test_labels.py`` fails if a case event
of the vocabulary has no name).
"""

from __future__ import annotations

from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import ProcedureDefinition

CASE_PREFIX = "cases.case."
UNNAMED = "其他记录"

# Case events that are not workflow steps (``CaseEvent`` members on the case), by short action.
EVENT_LABELS = {
    "opened": "登记",
    "party_added": "登记当事人",
    "handlers_set": "指定承办人",
    "assessed": "修改拟处理意见",
    "basis_set": "登记违法依据和处罚依据",
    "payment_due_recomputed": "重新计算缴款期限",
    "decision_extended": "延长办案期限",
    "circumstances_set": "登记裁量情节",
    "provisional_deadline_passed": "暂定期限届满后办理",
    "payment_recorded": "登记缴款",
    "schedule_approved": "批准暂缓或分期缴纳",
    "remedy_filed": "登记复议或诉讼",
    "remedy_suspension": "登记停止执行情况",
    "remedy_outcome": "登记复议决定或判决",
    "execution_performed": "登记强制执行",
    "execution_court_applied": "申请人民法院强制执行",
    "execution_court_granted": "人民法院裁定准予执行",
    "execution_court_refused": "人民法院裁定不予执行",
    "execution_court_enforced": "人民法院执行完毕",
    "party_code_issued": "签发当事人查询码",
    "party_code_reissued": "重新签发当事人查询码（原查询码作废）",
    "party_viewed": "当事人在公示平台查询本案",
    "no_penalty_proposed": "提出拟不予处罚意见",
    "no_penalty_withdrawn": "撤回拟不予处罚意见",
    "education_recorded": "登记对当事人的教育",
    "discretion_recorded": "记录裁量基准适用情况",
    # Recorded by the review app on the case (it sits above cases, so named here as a string).
    "review.determination.recorded": "判定是否须经法制审核",
}


def case_event_label(action: str, definition: ProcedureDefinition | None = None) -> str:
    """The Chinese name of ``action`` (with or without ``cases.case.``): the step's label in
    ``definition`` (the case's procedure), else in any procedure, else the record's name."""
    short = action.removeprefix(CASE_PREFIX)
    definitions = ([definition] if definition else []) + list(PROCEDURES.values())
    for candidate in definitions:
        for transition in candidate.transitions:
            if transition.action == short:
                return transition.label
    return EVENT_LABELS.get(short, UNNAMED)


def procedure_label(code: str) -> str:
    """The procedure's Chinese name (``penalty_general`` → 行政处罚一般程序); '' for a code that
    names no procedure."""
    definition = PROCEDURES.get(code)
    return definition.label if definition else ""
