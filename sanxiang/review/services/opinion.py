"""书面审核意见: each point with its conclusion and reasons, then 同意 or 存在问题."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sanxiang.cases.models import Case
from sanxiang.cases.services import proposal_sha256
from sanxiang.org.models import Officer, Role
from sanxiang.review.content import opinion_content
from sanxiang.review.models import (
    OPINION_POINTS,
    Conclusion,
    Opinion,
    OpinionPoint,
    PointConclusion,
    Review,
    ReviewStatus,
    Round,
)
from sanxiang.review.services._common import (
    ReviewRefused,
    _advance,
    _last_round,
    _record,
    _review_for_update,
    policy_for,
)
from sanxiang.review.services.submission import _eligible_reviewers


@dataclass(frozen=True)
class PointInput:
    conclusion: str
    reasoning: str


def opinion_write(
    *,
    actor: Officer,
    review_id: int,
    points: dict[str, PointInput],
    conclusion: str,
    summary: str,
    assisted_by: str = "",
) -> Opinion:
    """书面审核意见: every point with a conclusion (a problem with its reasons), then 同意 or
    存在问题."""
    _opinion_check(points, conclusion, summary)
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        last, case = _opinion_may_write(review, actor, conclusion)
        opinion = _opinion_save(last, actor, points, conclusion, summary, assisted_by)
        _advance(review, actor, _opinion_outcome(review, last, conclusion), case)
        _record(review, actor, "opinion", opinion_content(opinion))
    return opinion


def _opinion_check(points: dict[str, PointInput], conclusion: str, summary: str) -> None:
    """What the opinion must say, before anything is locked: a conclusion on each point, the
    reasons of each point found to have a problem, and a conclusion that agrees with the points.

    The 10-point checklist and the written 同意 / 存在问题 come from 国办发〔2018〕118号 and the
    provincial plans (law/research.md §2B); none of them asks for reasons on a point that
    passed, so a 符合 or 不适用 point may carry them but need not. A problem must say what it is,
    or the 承办机构 cannot answer it (the written answer of ``answer_write``)."""
    missing = [label for code, label in OPINION_POINTS if code not in points]
    if missing:
        raise ReviewRefused(
            "审核意见须逐项作出结论，尚未选择：" + "、".join(missing),
            log_message="opinion incomplete",
        )
    unreasoned = [
        label
        for code, label in OPINION_POINTS
        if points[code].conclusion == PointConclusion.PROBLEM and not points[code].reasoning.strip()
    ]
    if unreasoned:
        raise ReviewRefused(
            "存在问题的审核事项须写明问题和理由，尚未填写：" + "、".join(unreasoned),
            log_message="problem without reasons",
        )
    if any(p.conclusion not in PointConclusion.values for p in points.values()):
        raise ReviewRefused("审核事项的结论不正确。", log_message="bad point conclusion")
    if conclusion not in Conclusion.values:
        raise ReviewRefused("请选择审核结论：同意或存在问题。", log_message="bad conclusion")
    problems = [code for code, p in points.items() if p.conclusion == PointConclusion.PROBLEM]
    if conclusion == Conclusion.AGREE and problems:
        raise ReviewRefused(
            "有审核事项存在问题的，审核结论不能为“同意”。", log_message="agree with problems"
        )
    if conclusion == Conclusion.PROBLEMS and not problems:
        raise ReviewRefused(
            "审核结论为“存在问题”的，请在相应审核事项中写明问题。",
            log_message="problems without a point",
        )
    if not summary.strip():
        raise ReviewRefused("请填写审核意见。", log_message="summary empty")


def _opinion_may_write(review: Review, actor: Officer, conclusion: str) -> tuple[Round, Case]:
    """Under the locks: the assigned, still eligible reviewer, a review waiting for him, and
    (to agree) the case as it was submitted. The round the opinion answers, and the case."""
    if review.reviewer_id != actor.pk or not actor.has_role(Role.REVIEWER):
        raise ReviewRefused(
            "只有分配的法制审核人员可以出具审核意见。", log_message=f"{actor.pk} not reviewer"
        )
    if review.status != ReviewStatus.UNDER_REVIEW:
        raise ReviewRefused(
            f"本案当前{review.get_status_display()}，不能出具审核意见。",
            log_message=f"review {review.pk} is {review.status}",
        )
    last = _last_round(review)
    if hasattr(last, "opinion"):
        raise ReviewRefused("本轮已出具审核意见。", log_message="opinion exists")
    case = Case.objects.select_for_update().get(pk=review.case_id)
    if conclusion == Conclusion.AGREE and proposal_sha256(case) != last.case_snapshot_sha256:
        raise ReviewRefused(
            "送审后案件内容已发生变化，不能同意；请写明“存在问题”退回承办机构重新送审。",
            log_message=f"case {case.pk} changed since round {last.number}",
        )
    if actor not in _eligible_reviewers(case, policy_for(case.agency_id)):
        raise ReviewRefused(
            "您已不符合审核本案的条件（须在岗、属于法制审核机构、未参与办理本案），请联系负责人。",
            log_message=f"reviewer {actor.pk} no longer eligible for case {case.pk}",
        )
    return last, case


def _opinion_save(
    last: Round,
    actor: Officer,
    points: dict[str, PointInput],
    conclusion: str,
    summary: str,
    assisted_by: str,
) -> Opinion:
    """The opinion on ``last`` and its points (append-only rows)."""
    opinion = Opinion.objects.create(
        round=last,
        reviewer=actor,
        conclusion=conclusion,
        summary=summary.strip(),
        assisted_by=assisted_by.strip(),
    )
    OpinionPoint.objects.bulk_create(
        OpinionPoint(
            opinion=opinion,
            point=code,
            conclusion=points[code].conclusion,
            reasoning=points[code].reasoning.strip(),
        )
        for code, _ in OPINION_POINTS
    )
    return opinion


def _opinion_outcome(review: Review, last: Round, conclusion: str) -> str:
    """The step of the 法制审核 sub-process the opinion takes: passed, returned to the handlers,
    or — when they did not accept the last opinion — referred to the committee."""
    previous = review.rounds.filter(number=last.number - 1).select_related("answer").first()
    disagreed = previous is not None and not getattr(
        getattr(previous, "answer", None), "accepted", True
    )
    if conclusion == Conclusion.AGREE:
        return "pass"
    # The handlers did not accept the last opinion and the reviewer still finds problems: the
    # review body and the handlers disagree, so the committee decides (重庆江北方案).
    return "refer_committee" if disagreed else "return"
