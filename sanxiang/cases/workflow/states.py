"""The states of each procedure, as enums with their labels.

The values are what ``Case.state`` stores (unchanged strings); ``definitions.py`` builds each
procedure on its enum, and guards and pages name states through them.

Until migration ``cases/0021`` a case under 法制审核 also had the states ``review_returned``,
``committee`` and ``reviewed``, mirroring the review's own status; they are now the sub-states
``under_review.returned``, ``under_review.committee`` and ``under_review.passed``
(``LEGACY_REVIEW_STATES``, which ``ledger verify`` reads for events recorded before it).
"""

from __future__ import annotations

from django.db.models import TextChoices


class GeneralState(TextChoices):
    """States of 行政处罚一般程序 (the stored ``Case.state`` values)."""

    CLUE = "clue", "案源登记"
    INVESTIGATING = "investigating", "调查取证"
    INVESTIGATED = "investigated", "调查终结"
    NOTIFIED = "notified", "已事先告知"
    HEARING_REQUESTED = "hearing_requested", "当事人要求听证"
    HEARING_NOTICED = "hearing_noticed", "已通知听证"
    HEARD = "heard", "已举行听证"
    # Composite: the 法制审核 sub-process (``review.workflow``) runs while the case is here.
    UNDER_REVIEW = "under_review", "法制审核中"
    DISCUSSED = "discussed", "已集体讨论"
    DECIDED = "decided", "已作出决定"
    SERVED = "served", "已送达"
    DEMANDED = "demanded", "已催告"
    COURT_APPLIED = "court_applied", "已申请人民法院强制执行"
    EXECUTED = "executed", "执行完毕"
    ENDED = "ended", "终结执行"
    NOT_REGISTERED = "not_registered", "不予立案"
    NO_PENALTY = "no_penalty", "不予处罚"
    TRANSFERRED = "transferred", "移送司法机关"
    WITHDRAWN = "withdrawn", "撤案"
    CLOSED = "closed", "结案"
    ARCHIVED = "archived", "归档"


class SimpleState(TextChoices):
    """States of 行政处罚简易程序 (当场处罚)."""

    ON_SITE = "on_site", "现场处置"
    SERVED = "served", "当场处罚决定已交付"
    DEMANDED = "demanded", "已催告"
    COURT_APPLIED = "court_applied", "已申请人民法院强制执行"
    EXECUTED = "executed", "执行完毕"
    ENDED = "ended", "终结执行"
    CLOSED = "closed", "结案"
    ARCHIVED = "archived", "归档"
    CONVERTED = "converted", "已转一般程序"


class MeasureState(TextChoices):
    """States of 行政强制措施 (查封、扣押)."""

    PROPOSED = "proposed", "拟实施"
    # Composite: the 法制审核 sub-process (``review.workflow``) runs while the case is here.
    UNDER_REVIEW = "under_review", "法制审核中"
    APPROVED = "approved", "负责人已批准"
    DROPPED = "dropped", "不予实施"
    PENDING_APPROVAL = "pending_approval", "紧急实施待补批"
    IN_FORCE = "in_force", "查封扣押中"
    EXTENDED = "extended", "已延长期限"
    RELEASED = "released", "已解除"
    CONFISCATED = "confiscated", "已没收"
    DESTROYED = "destroyed", "已销毁"
    CLOSED = "closed", "结案"
    ARCHIVED = "archived", "归档"


class InspectionState(TextChoices):
    """States of 行政检查."""

    PLANNED = "planned", "已列入检查计划"
    CHECKED = "checked", "已现场检查"
    NO_VIOLATION = "no_violation", "未发现违法行为"
    VIOLATION_FOUND = "violation_found", "发现违法行为，已转立案"
    CLOSED = "closed", "结案"
    ARCHIVED = "archived", "归档"


# The case states that mirrored the review's status before 法制审核 became a sub-process, and
# the review status each stood for (migration ``cases/0021``; ``cases.state``).
LEGACY_REVIEW_STATES = {
    "review_returned": "returned",
    "committee": "committee",
    "reviewed": "passed",
}
