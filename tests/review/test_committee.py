"""法制审核委员会: the handlers reject the opinion and the reviewer still finds problems."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanxiang.cases.services import case_transition
from sanxiang.review.models import CommitteeMeeting, ReviewStatus
from sanxiang.review.services import (
    ParticipantInput,
    ReviewRefused,
    answer_write,
    committee_record,
    opinion_write,
)
from tests.conftest import make_officer
from tests.review.conftest import declared_all
from tests.review.test_review_flow import ALL_OK, state, submit, with_problem


@pytest.fixture
def disputed(staff, notified_case):
    """The handlers answered 不予采纳 and the reviewer maintains the problem."""
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分。",
    )  # fmt: skip
    answer_write(
        actor=staff.zhang, review_id=review.pk, accepted=False,
        study="照片由执法记录仪拍摄，元数据载明时间。", action="不予采纳，维持原意见。",
        declared=declared_all(notified_case.agency),
    )  # fmt: skip
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="仍认为证据不充分。",
    )  # fmt: skip
    review.refresh_from_db()
    return review


def members(staff, agency):
    legal = agency.units.get(name="法制科")
    people = [
        make_officer(unit=legal, name=name, number=f"9901001210{i}", roles=("head",))
        for i, name in enumerate(("陈一", "杨二", "黄三"))
    ]
    return people


def participants(people, votes=("proceed", "proceed", "return")):
    rows = [
        ParticipantInput(p.name, "member", f"{p.name}的意见", vote, p.pk)
        for p, vote in zip(people, votes, strict=True)
    ]
    rows.append(ParticipantInput("孙律师", "lawyer", "证据形式合法，建议补强说理。"))
    return rows


def test_a_maintained_disagreement_goes_to_the_committee(staff, disputed, notified_case):
    assert disputed.status == ReviewStatus.COMMITTEE
    assert state(notified_case) == "under_review.committee"


def test_the_committee_records_each_view_and_a_majority_conclusion(
    staff, disputed, notified_case, agency
):
    people = members(staff, agency)
    common = {
        "actor": staff.zhou, "review_id": disputed.pk, "held_on": timezone.localdate(),
        "place": "局三楼会议室", "chair": people[0], "minutes": "经集体审议，同意作出决定。",
    }  # fmt: skip
    with pytest.raises(ReviewRefused, match="三名以上委员"):
        committee_record(**common, participants=participants(people)[2:], conclusion="proceed")
    with pytest.raises(ReviewRefused, match="过半数委员"):
        committee_record(**common, participants=participants(people), conclusion="return")
    with pytest.raises(ReviewRefused, match="不参加表决"):
        rows = participants(people)
        rows[-1] = ParticipantInput("孙律师", "lawyer", "意见", "proceed")
        committee_record(**common, participants=rows, conclusion="proceed")
    with pytest.raises(ReviewRefused, match="承办人和法制审核人员不得作为委员"):
        committee_record(
            **{**common, "chair": staff.zhang}, participants=participants(people),
            conclusion="proceed",
        )  # fmt: skip
    assert not CommitteeMeeting.objects.exists()
    committee_record(**common, participants=participants(people), conclusion="proceed")
    assert state(notified_case) == "under_review.passed"
    meeting = CommitteeMeeting.objects.get()
    assert meeting.participants.count() == 4
    assert meeting.participants.get(name="孙律师").vote == ""
    assert case_transition(actor=staff.head, case_id=notified_case.pk, action="decide").state == (
        "decided"
    )


def test_a_committee_that_returns_the_case_sends_it_back_to_the_handlers(
    staff, disputed, notified_case, agency
):
    people = members(staff, agency)
    committee_record(
        actor=staff.zhou, review_id=disputed.pk, held_on=timezone.localdate(), place="会议室",
        chair=people[0], participants=participants(people, ("return", "return", "proceed")),
        conclusion="return", minutes="退回补充证据。",
    )  # fmt: skip
    assert state(notified_case) == "under_review.returned"
    answer_write(
        actor=staff.zhang, review_id=disputed.pk, accepted=True, study="按委员会意见补充。",
        action="已补充证据。", declared=declared_all(notified_case.agency),
    )  # fmt: skip
    opinion_write(
        actor=staff.zhou, review_id=disputed.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    assert state(notified_case) == "under_review.passed"
