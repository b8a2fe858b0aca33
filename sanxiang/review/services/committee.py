"""法制审核委员会集体审议: the members' views and votes, and the collective conclusion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer, Role
from sanxiang.review.content import meeting_content
from sanxiang.review.models import (
    Capacity,
    CommitteeMeeting,
    MeetingConclusion,
    MeetingParticipant,
    Review,
    ReviewStatus,
)
from sanxiang.review.services._common import (
    ReviewRefused,
    _advance,
    _record,
    _review_for_update,
)


@dataclass(frozen=True)
class ParticipantInput:
    name: str
    capacity: str
    view: str
    vote: str = ""
    officer_id: int | None = None


def committee_record(
    *,
    actor: Officer,
    review_id: int,
    held_on: date,
    place: str,
    chair: Officer,
    participants: list[ParticipantInput],
    conclusion: str,
    minutes: str,
) -> CommitteeMeeting:
    """法制审核委员会集体审议: each member's view and the collective conclusion."""
    _meeting_check(held_on=held_on, place=place, minutes=minutes, conclusion=conclusion)
    members = _participants_check(participants)
    _majority_check(members, conclusion)
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        case = _meeting_may_record(review, actor, chair, members)
        meeting = _meeting_save(
            CommitteeMeeting(
                review=review, held_on=held_on, place=place.strip(), chair=chair,
                conclusion=conclusion, minutes=minutes.strip(), recorded_by=actor,
            ),
            participants,
        )  # fmt: skip
        _advance(review, actor, _meeting_outcome(conclusion), case)
        _record(review, actor, "committee", meeting_content(meeting))
    return meeting


def _meeting_check(*, held_on: date, place: str, minutes: str, conclusion: str) -> None:
    """The meeting itself: a conclusion, where, the minutes, and not a day still to come."""
    if conclusion not in MeetingConclusion.values:
        raise ReviewRefused("请选择集体审议结论。", log_message="bad meeting conclusion")
    if not place.strip() or not minutes.strip():
        raise ReviewRefused("请填写会议地点和会议纪要。", log_message="meeting incomplete")
    if held_on > timezone.localdate():
        raise ReviewRefused("会议日期不能晚于今天。", log_message="meeting in the future")


def _participants_check(participants: list[ParticipantInput]) -> list[ParticipantInput]:
    """Three or more members, each with a view and a vote; guests give views but no vote.
    The members."""
    members = [p for p in participants if p.capacity == Capacity.MEMBER]
    if len(members) < 3:
        raise ReviewRefused(
            "集体审议须有三名以上委员出席，并记录每名委员的意见。",
            log_message=f"{len(members)} members",
        )
    for p in participants:
        if p.capacity not in Capacity.values or not p.name.strip() or not p.view.strip():
            raise ReviewRefused(
                "请写明每名出席人员的姓名、身份和意见。", log_message="participant incomplete"
            )
        if p.capacity == Capacity.MEMBER and p.vote not in MeetingConclusion.values:
            raise ReviewRefused(
                f"请记录委员{p.name}的表决意见。", log_message="member without vote"
            )
        if p.capacity != Capacity.MEMBER and p.vote:
            raise ReviewRefused(
                "受邀的法律顾问、律师和专家提供咨询意见，不参加表决。",
                log_message="guest voted",
            )
    return members


def _majority_check(members: list[ParticipantInput], conclusion: str) -> None:
    """The conclusion is what more than half of the members voted for."""
    votes = [p.vote for p in members]
    majority = max(MeetingConclusion.values, key=votes.count)
    if votes.count(majority) * 2 <= len(votes) or majority != conclusion:
        raise ReviewRefused(
            "集体审议结论应与过半数委员的表决意见一致。", log_message="conclusion not majority"
        )


def _meeting_may_record(
    review: Review, actor: Officer, chair: Officer, members: list[ParticipantInput]
) -> Case:
    """Under the locks: a review referred to the committee, recorded by its reviewer or a
    负责人 who did not handle the case, with neither side of the disagreement as chair or
    member. The locked case."""
    if review.status != ReviewStatus.COMMITTEE:
        raise ReviewRefused(
            "本案未提请审核委员会审议。", log_message=f"review {review.pk} not in committee"
        )
    case = Case.objects.select_for_update().get(pk=review.case_id)
    handlers = set(case.handlers.values_list("pk", flat=True))
    if actor.pk in handlers or not (actor.pk == review.reviewer_id or actor.has_role(Role.HEAD)):
        raise ReviewRefused(
            "审核委员会会议由本案的法制审核人员或非承办人的负责人记录。",
            log_message=f"{actor.pk} may not record the meeting",
        )
    # The two sides of the disagreement state their views but do not sit as members.
    parties_to_it = handlers | {review.reviewer_id}
    members_ids = [p.officer_id for p in members]
    if any(officer_id is None for officer_id in members_ids):
        raise ReviewRefused(
            "委员须为本机关人员，请在“本机关人员”中选择。", log_message="member not an officer"
        )
    if chair.pk in parties_to_it or any(i in parties_to_it for i in members_ids):
        raise ReviewRefused(
            "本案承办人和法制审核人员不得作为委员或主持人参加本案的集体审议。",
            log_message="party to the disagreement on committee",
        )
    if len(set(members_ids)) != len(members_ids):
        raise ReviewRefused("同一委员不能重复记录。", log_message="duplicate member")
    return case


def _meeting_save(
    meeting: CommitteeMeeting, participants: list[ParticipantInput]
) -> CommitteeMeeting:
    """The meeting and each participant's view and vote (append-only rows)."""
    meeting.save(force_insert=True)
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(
            meeting=meeting, name=p.name.strip(), officer_id=p.officer_id,
            capacity=p.capacity, view=p.view.strip(), vote=p.vote,
        )
        for p in participants
    )  # fmt: skip
    return meeting


def _meeting_outcome(conclusion: str) -> str:
    """The step of the 法制审核 sub-process that the committee's conclusion takes."""
    return "committee_proceed" if conclusion == MeetingConclusion.PROCEED else "committee_return"
