"""书面答复: the handlers' answer to an opinion, which starts the next round."""

from __future__ import annotations

from django.db import transaction

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer
from sanxiang.review.content import answer_content
from sanxiang.review.models import (
    Answer,
    ReviewStatus,
    Round,
)
from sanxiang.review.services._common import (
    ReviewRefused,
    _advance,
    _due,
    _last_round,
    _note_due,
    _record,
    _review_for_update,
    policy_for,
)
from sanxiang.review.services.submission import _new_round, materials_check


def answer_write(
    *,
    actor: Officer,
    review_id: int,
    accepted: bool,
    study: str,
    action: str,
    declared: set[int],
) -> Round:
    """书面答复: 研究意见 and 处理情况 on the opinion, then the case goes back to the reviewer."""
    if not study.strip() or not action.strip():
        raise ReviewRefused(
            "请写明对审核意见的研究意见和处理情况。", log_message="answer incomplete"
        )
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        case = Case.objects.select_for_update().get(pk=review.case_id)
        if not case.handlers.filter(pk=actor.pk).exists():
            raise ReviewRefused(
                "只有本案承办人可以答复审核意见。", log_message=f"{actor.pk} not handler"
            )
        if review.status != ReviewStatus.RETURNED:
            raise ReviewRefused(
                "审核意见尚未退回承办机构，无需答复。",
                log_message=f"review {review.pk} not returned",
            )
        last = _last_round(review)
        if hasattr(last, "answer"):
            raise ReviewRefused("本轮已答复。", log_message="answer exists")
        missing = [c.material.name for c in materials_check(case, declared) if not c.present]
        if missing:
            raise ReviewRefused(
                "送审材料不全，请补齐后再提交：" + "、".join(missing),
                log_message=f"case {case.pk} materials missing on resubmission",
            )
        answer = Answer.objects.create(
            round=last, answered_by=actor, accepted=accepted, study=study.strip(),
            action=action.strip(),
        )  # fmt: skip
        _record(review, actor, "answered", answer_content(answer))
        _advance(review, actor, "resubmit", case)
        policy = policy_for(case.agency_id)
        due = _due(policy)
        review.due_on = due.on
        review.save(update_fields=["due_on"])
        _note_due(review, policy, due, actor)
        round_ = _new_round(review, case, actor, declared, policy)
    return round_
