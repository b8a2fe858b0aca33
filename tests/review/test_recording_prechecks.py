"""The reviewer's 系统预审 lists the agency's 音像记录事项 that apply to the case under review
(seed 000 四(三): the reviewer checks the evidence; 004 二(三)1: the list)."""

from __future__ import annotations

from django.urls import reverse

from sanxiang.cases.models import RecordingMatter
from tests.review.test_review_flow import submit


def test_the_reviewer_sees_each_listed_matter_that_applies_and_whether_it_is_recorded(
    client, staff, notified_case
):
    RecordingMatter.objects.create(
        agency=notified_case.agency, code="inquiry", position=9, matter="询问当事人",
        step="penalty_general.conclude", kinds="audio|video", basis="本机关清单",
    )  # fmt: skip
    review = submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    detail = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    prechecks = detail[detail.index('id="prechecks"') :]
    assert "音像记录事项“询问当事人”：须有音像记录（录音或录像），本案尚无" in prechecks
    assert "音像记录事项“听证”：未进行该环节；如进行，须有音像记录" in prechecks
    assert "实施查封、扣押" not in prechecks, "a matter of another procedure does not apply"
