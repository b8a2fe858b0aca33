"""陈述、申辩 and their 复核 (行政处罚法第四十五条), and the penalty the notice announced.

The party's statement is a record, not a click: a 陈述申辩笔录 (document ``statement_record``)
says how he was heard (in person, in writing — the material registered as evidence — or that he
expressly waived it) and lists each point he made, one per line; the handlers' 陈述申辩复核意见
(``statement_review``) answers each point, in order, 采纳 or 不采纳 with reasons. Only then may
``record_statement`` close the statement period. 第四十五条第二款: the penalty may not become
heavier because he defended himself — a fine above the one the 事先告知书 announced is refused
(a heavier one on new facts needs a new notice, 第四十四条).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanxiang.cases.models import Case, CaseDocument

WAIVED = "明确放弃陈述、申辩"
IN_WRITING = "提交书面陈述、申辩材料"
WAYS = ("当面陈述、申辩", IN_WRITING, WAIVED)
REPLY_PREFIXES = ("采纳：", "不采纳：")


def points(fields: dict[str, Any]) -> list[str]:
    """The points of a 陈述申辩笔录, one per non-empty line."""
    return [line.strip() for line in str(fields.get("points", "")).splitlines() if line.strip()]


def replies(fields: dict[str, Any]) -> list[str]:
    return [line.strip() for line in str(fields.get("replies", "")).splitlines() if line.strip()]


def replies_problem(statement: dict[str, Any], review: dict[str, Any]) -> str | None:
    """Why a 复核意见 does not answer the statement point by point (None when it does)."""
    asked, answered = points(statement), replies(review)
    if len(answered) != len(asked):
        return (
            f"陈述申辩笔录记载了 {len(asked)} 项意见，复核意见须逐项答复"
            f"（现有 {len(answered)} 项），每行一项，按笔录顺序（行政处罚法第四十五条）"
        )
    for number, line in enumerate(answered, start=1):
        prefix = next((p for p in REPLY_PREFIXES if line.startswith(p)), None)
        if prefix is None or not line[len(prefix) :].strip():
            return f"复核意见第 {number} 项须以“采纳：”或“不采纳：”开头并写明理由"
    return None


def _latest(case: Case, kind: str) -> CaseDocument | None:
    from sanxiang.cases.models import documents_of

    versions = documents_of(case, kind)
    return versions[0] if versions else None


def statement_refusal(case: Case) -> str | None:
    """Why the party's 陈述、申辩 cannot be recorded as heard yet (None when it can)."""
    record = _latest(case, "statement_record")
    notice = _latest(case, "advance_notice")
    if record is None or (notice is not None and record.pk < notice.pk):
        return (
            "请先制作陈述申辩笔录，记录当事人陈述、申辩的内容（或其明确放弃的意思表示）；"
            "书面陈述的，将材料登记为证据后在笔录中注明"
        )
    if record.fields.get("way") == WAIVED:
        return None
    review = _latest(case, "statement_review")
    if review is None or review.pk < record.pk:
        return "请先制作陈述申辩复核意见，对当事人提出的事实、理由和证据逐项复核"
    return replies_problem(record.fields, review.fields)


def was_heard(case: Case) -> bool:
    """Whether the party made a statement (not merely waived it)."""
    record = _latest(case, "statement_record")
    return record is not None and record.fields.get("way") != WAIVED


@dataclass(frozen=True)
class NotifiedPenalty:
    fine: Decimal | None
    other: str


def notified_penalty(case: Case) -> NotifiedPenalty | None:
    """What the latest 事先告知书 announced, or None if there is none."""
    notice = _latest(case, "advance_notice")
    if notice is None:
        return None
    fine: Decimal | None = None
    if notice.fields.get("intended_fine"):
        try:
            fine = Decimal(str(notice.fields["intended_fine"]))
        except InvalidOperation:  # pragma: no cover - validated when generated
            fine = None
    return NotifiedPenalty(fine, str(notice.fields.get("intended_other", "")))


def heavier_refusal(case: Case, fine: Decimal | None) -> str | None:
    """Why a fine of ``fine`` goes beyond what the notice announced (None when it does not)."""
    notified = notified_penalty(case)
    if notified is None or fine is None:
        return None
    if notified.fine is None:
        return (
            "事先告知书未告知罚款，不能作出罚款决定；拟给予罚款的，应当重新事先告知"
            "（行政处罚法第四十四条）"
        )
    if fine <= notified.fine:
        return None
    if was_heard(case):
        return (
            f"罚款 {fine} 元高于事先告知的 {notified.fine} 元：不得因当事人陈述、申辩而给予更重的"
            "处罚（行政处罚法第四十五条第二款）；因新的事实须加重的，应当重新事先告知"
        )
    return (
        f"罚款 {fine} 元高于事先告知的 {notified.fine} 元，应当重新事先告知（行政处罚法第四十四条）"
    )
