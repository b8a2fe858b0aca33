"""法制审核 as a procedure of its own, on the case workflow's engine.

A case that needs review enters its one composite state 法制审核中 (``under_review``) by the
case step 提交法制审核; this procedure then runs on the ``Review`` row (its ``status``) until it
has passed. The case leaves 法制审核中 only by steps declared from ``under_review.passed`` (作出
决定, 集体讨论, 批准实施 …), which also keep their guard on the written record
(``LEGAL_REVIEW_DONE``): the status column alone never opens the way to a decision.

Each step below is taken by the review service that records what the step needs (an opinion
on every point, a written answer, the committee's minutes); the guards read those rows of the
review app, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from sanxiang.cases.models import Case
from sanxiang.cases.workflow.engine import (
    Guard,
    GuardContext,
    ProcedureDefinition,
    Transition,
    register_subprocess,
)
from sanxiang.org.models import Role
from sanxiang.review.models import (
    Conclusion,
    MeetingConclusion,
    Opinion,
    Review,
    ReviewStatus,
    Round,
)

REVIEW_BASIS = "国办发〔2018〕118号：重大执法决定法制审核；行政处罚法第五十八条"
COMMITTEE_BASIS = "法制审核机构与承办机构意见不一致的，提请法制审核委员会集体审议"

REVIEWER = frozenset({Role.REVIEWER.value})
SECRETARIAT = frozenset({Role.REVIEWER.value, Role.HEAD.value})
OFFICER = frozenset({Role.OFFICER.value})


def _review(context: GuardContext) -> Review:
    subject = context.subject
    if not isinstance(subject, Review):  # a review step is always taken on its review
        raise TypeError(f"review step on {type(subject).__name__}")
    return subject


def _rounds(review: Review) -> list[Round]:
    """The review's rounds, newest first."""
    return list(review.rounds.order_by("-number").select_related("answer"))


def _opinion(round_: Round | None) -> Opinion | None:
    return None if round_ is None else Opinion.objects.filter(round=round_).first()


def _assigned_reviewer(context: GuardContext) -> str | None:
    if _review(context).reviewer_id != context.actor.pk:
        return "只有分配的法制审核人员可以出具审核意见"
    return None


def _last_opinion_is(conclusion: str, missing: str) -> Callable[[GuardContext], str | None]:
    """A check that the last round's written opinion concluded ``conclusion``."""

    def check(context: GuardContext) -> str | None:
        rounds = _rounds(_review(context))
        opinion = _opinion(rounds[0] if rounds else None)
        return None if opinion is not None and opinion.conclusion == conclusion else missing

    return check


def _handlers_disagreed(context: GuardContext) -> str | None:
    """The handlers did not accept the previous round's opinion (their written answer)."""
    rounds = _rounds(_review(context))
    previous = rounds[1] if len(rounds) > 1 else None
    answer = getattr(previous, "answer", None) if previous is not None else None
    if answer is None or answer.accepted:
        return "承办机构未对上一轮审核意见提出不同意见，应退回承办机构"
    return None


def _handlers_agreed(context: GuardContext) -> str | None:
    if _handlers_disagreed(context) is None:
        return "承办机构不采纳上一轮审核意见而审核人员仍认为存在问题的，应提请审核委员会审议"
    return None


def _answered(context: GuardContext) -> str | None:
    rounds = _rounds(_review(context))
    if not rounds or getattr(rounds[0], "answer", None) is None:
        return "请先书面答复审核意见（研究意见和处理情况）"
    return None


def _meeting_concluded(wanted: str) -> Guard:
    def check(context: GuardContext) -> str | None:
        review = _review(context)
        rounds = _rounds(review)
        opinion = _opinion(rounds[0] if rounds else None)
        meeting = review.meetings.order_by("-pk").first()
        if (
            opinion is None
            or meeting is None
            or meeting.created_at < opinion.created_at
            or meeting.conclusion != wanted
        ):
            label = MeetingConclusion(wanted).label
            return f"没有结论为“{label}”的审核委员会会议纪要"
        if meeting.recorded_by_id != context.actor.pk:
            return "审核委员会的结论由记录会议的人员提交"
        return None

    return Guard(f"meeting_{wanted}", COMMITTEE_BASIS, check)


ASSIGNED_REVIEWER = Guard("assigned_reviewer", REVIEW_BASIS, _assigned_reviewer)
OPINION_AGREES = Guard(
    "opinion_agrees",
    REVIEW_BASIS,
    _last_opinion_is(Conclusion.AGREE, "本轮没有“同意”的书面审核意见"),
)
OPINION_FINDS_PROBLEMS = Guard(
    "opinion_finds_problems",
    REVIEW_BASIS,
    _last_opinion_is(Conclusion.PROBLEMS, "本轮没有写明问题的书面审核意见"),
)
HANDLERS_DISAGREED = Guard("handlers_disagreed", COMMITTEE_BASIS, _handlers_disagreed)
HANDLERS_AGREED = Guard("handlers_agreed", COMMITTEE_BASIS, _handlers_agreed)
ANSWERED = Guard("answered", "厦城执法〔2019〕5号：承办机构书面答复审核意见", _answered)

_S = ReviewStatus

REVIEW_PROCEDURE = ProcedureDefinition(
    code="review",
    label="法制审核",
    state_enum=ReviewStatus,
    initial=_S.UNDER_REVIEW,
    terminal=frozenset({_S.PASSED}),
    state_attr="status",
    transitions=(
        Transition(
            "pass", "审核意见：同意", frozenset({_S.UNDER_REVIEW}), _S.PASSED, REVIEWER,
            guards=(ASSIGNED_REVIEWER, OPINION_AGREES), basis=REVIEW_BASIS,
        ),
        Transition(
            "return", "审核意见：存在问题，退回承办机构", frozenset({_S.UNDER_REVIEW}),
            _S.RETURNED, REVIEWER,
            guards=(ASSIGNED_REVIEWER, OPINION_FINDS_PROBLEMS, HANDLERS_AGREED),
            basis=REVIEW_BASIS,
        ),
        Transition(
            "resubmit", "书面答复审核意见后重新提交", frozenset({_S.RETURNED}),
            _S.UNDER_REVIEW, OFFICER, guards=(ANSWERED,), handlers_only=True,
            basis=REVIEW_BASIS,
        ),
        Transition(
            "refer_committee", "提请法制审核委员会审议", frozenset({_S.UNDER_REVIEW}),
            _S.COMMITTEE, REVIEWER,
            guards=(ASSIGNED_REVIEWER, OPINION_FINDS_PROBLEMS, HANDLERS_DISAGREED),
            basis=COMMITTEE_BASIS,
        ),
        Transition(
            "committee_proceed", "审核委员会结论：同意作出决定", frozenset({_S.COMMITTEE}),
            _S.PASSED, SECRETARIAT, guards=(_meeting_concluded(MeetingConclusion.PROCEED),),
            basis=COMMITTEE_BASIS,
        ),
        Transition(
            "committee_return", "审核委员会结论：退回承办机构", frozenset({_S.COMMITTEE}),
            _S.RETURNED, SECRETARIAT, guards=(_meeting_concluded(MeetingConclusion.RETURN),),
            basis=COMMITTEE_BASIS,
        ),
    ),
)  # fmt: skip


def review_state_of(case: Case) -> str | None:
    """The state of the case's 法制审核 sub-process (None before it was submitted)."""
    status = Review.objects.filter(case_id=case.pk).values_list("status", flat=True).first()
    return None if status is None else str(status)


def register_review_procedure() -> None:
    register_subprocess("review", REVIEW_PROCEDURE, review_state_of)
