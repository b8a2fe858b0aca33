"""When a step of a case or of its 法制审核 brings the case back to someone, tell him.

Installed by ``NotificationsConfig.ready`` as an observer of the case steps
(``cases/workflow/observers.py``) and of the review steps (``review/observers.py``); both run
inside the step's transaction, so a notification exists only if its step does.

- 法制审核退回 (``return``, ``committee_return``): the case's handlers, who must answer.
- 法制审核通过 (``pass``, ``committee_proceed``): the handlers; and the 负责人, whose decision
  (作出决定, 批准实施) the case now waits for.
- 重新提交法制审核 (``resubmit``): the assigned reviewer.
- 作出决定 (``decide``, ``no_penalty``) and every other step only a 负责人 takes (立案,
  批准实施, 补办批准, 结案 …): the handlers.
- A step after which the case waits for a 负责人's approval (``AWAITING_APPROVAL``): the
  负责人 of the case's unit (or of the agency, where the unit has none).

Nobody is told of his own step.
"""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import Transition
from sanxiang.notifications.models import NotificationKind
from sanxiang.notifications.services import notifications_send
from sanxiang.notifications.texts import Message, case_name, handlers_of, heads_of
from sanxiang.org.models import Officer, Role
from sanxiang.review.models import Review

DECISIONS = frozenset({"decide", "no_penalty"})

# (procedure, step) → what the 负责人 is asked to do next. Only steps after which the case
# waits for an approval that the law times or that closes the case; the 工作台's 待办 lists
# every step a 负责人 may take, notified or not.
AWAITING_APPROVAL: dict[tuple[str, str], str] = {
    # 行政强制法第十九条: an urgent seizure is approved within 24 hours.
    ("coercive_measure", "enforce_urgently"): "当场实施了查封、扣押，请在二十四小时内补办批准",
    ("penalty_general", "execute"): "已执行完毕，待您批准结案",
}
# What the 负责人 decides once the review passed, per procedure.
AFTER_REVIEW = {"coercive_measure": "批准实施查封、扣押"}
AFTER_REVIEW_DEFAULT = "作出决定"


def _step(case: Case, action: str) -> Transition | None:
    definition = PROCEDURES.get(case.procedure)
    if definition is None:
        return None
    try:
        return definition.transition(action)
    except KeyError:  # a record on the case (e.g. remedy_outcome), not a step
        return None


def on_case_step(case: Case, actor: Officer, action: str) -> None:
    step = _step(case, action)
    if step is None:
        return
    name = case_name(case)
    if action in DECISIONS:
        message = Message(NotificationKind.DECIDED, f"{actor.name}对{name}{step.label}。")
        notifications_send(case=case, actor=actor, message=message, recipients=handlers_of(case))
    elif step.roles == frozenset({Role.HEAD.value}):
        message = Message(
            NotificationKind.APPROVED, f"负责人{actor.name}已办理“{step.label}”：{name}。"
        )
        notifications_send(case=case, actor=actor, message=message, recipients=handlers_of(case))
    waiting = AWAITING_APPROVAL.get((case.procedure, action))
    if waiting is not None:
        message = Message(NotificationKind.AWAITING_APPROVAL, f"{name}{waiting}。")
        notifications_send(case=case, actor=actor, message=message, recipients=heads_of(case))


def on_review_step(review: Review, case: Case, actor: Officer, action: str) -> None:
    name = case_name(case)
    if action in ("return", "committee_return"):
        who = "审核委员会" if action == "committee_return" else "法制审核人员"
        message = Message(
            NotificationKind.REVIEW_RETURNED,
            f"法制审核退回：{who}认为{name}存在问题，请书面答复审核意见。",
        )
        notifications_send(case=case, actor=actor, message=message, recipients=handlers_of(case))
    elif action in ("pass", "committee_proceed"):
        message = Message(NotificationKind.REVIEW_PASSED, f"法制审核通过：{name}。")
        handlers = handlers_of(case)
        notifications_send(case=case, actor=actor, message=message, recipients=handlers)
        then = AFTER_REVIEW.get(case.procedure, AFTER_REVIEW_DEFAULT)
        waiting = Message(NotificationKind.AWAITING_APPROVAL, f"{name}已通过法制审核，待您{then}。")
        # A 负责人 who handles the case was told already, as a handler.
        heads = [head for head in heads_of(case) if head not in handlers]
        notifications_send(case=case, actor=actor, message=waiting, recipients=heads)
    elif action == "resubmit" and review.reviewer is not None:
        message = Message(
            NotificationKind.REVIEW_RESUBMITTED, f"承办机构已书面答复并重新提交法制审核：{name}。"
        )
        notifications_send(case=case, actor=actor, message=message, recipients=[review.reviewer])
