"""The review access gate, ``Review.objects.visible_to(actor, action)``: every kind of actor
against every action."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sanxiang.org.models import Agency, Officer, Unit
from sanxiang.review.access import ReviewAction
from sanxiang.review.models import Review, ReviewStatus
from sanxiang.review.selectors import ReviewNotFound, review_get_for
from tests.conftest import credit_code, make_officer

V, A, R = ReviewAction.VIEW, ReviewAction.ACT, ReviewAction.REVIEW

# A review of a case handled by 张伟 and 李娜, assigned to 周婷 (法制科).
EXPECTED = {
    "handler": {V, A},
    "same-unit officer": {A},  # sees the case, not its review
    "other agency": set(),
    "assigned reviewer": {V, A, R},
    "head": {V, A},
    "deactivated reviewer": {A},  # the step itself refuses an officer off duty
    "anonymous": set(),
}


@pytest.fixture
def review(staff, general_case) -> Review:
    return Review.objects.create(
        case=general_case, agency=general_case.agency, status=ReviewStatus.UNDER_REVIEW,
        reviewer=staff.zhou, need_reason="目录", due_on=date(2026, 6, 20),
        submitted_at=datetime(2026, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip


@pytest.fixture
def outsider(db):
    other = Agency.objects.create(
        name="测试市市场监督管理局", credit_code=credit_code(7), level="municipal",
        region="测试市", address="测试市 7 号", phone="0999-7", authority_basis="文件",
    )  # fmt: skip
    return make_officer(
        unit=Unit.objects.create(agency=other, name="稽查科"), name="外单位", number="99010017001"
    )


def test_every_actor_may_do_to_a_review_exactly_what_the_rules_say(staff, review, outsider):
    zhou = Officer.objects.get(pk=staff.zhou.pk)
    zhou.is_active = False
    actors = {
        "handler": staff.zhang,
        "same-unit officer": staff.wang,
        "other agency": outsider,
        "assigned reviewer": staff.zhou,
        "head": staff.head,
        "deactivated reviewer": zhou,
        "anonymous": None,
    }
    found = {
        name: {a for a in ReviewAction if Review.objects.visible_to(actor, a).exists()}
        for name, actor in actors.items()
    }
    assert found == EXPECTED


def test_a_review_out_of_scope_is_answered_like_a_missing_one(review, outsider):
    with pytest.raises(ReviewNotFound) as other:
        review_get_for(outsider, review.pk)
    with pytest.raises(ReviewNotFound) as missing:
        review_get_for(outsider, 999_999)
    assert other.value.message == missing.value.message
