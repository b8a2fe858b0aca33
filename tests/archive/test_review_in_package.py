"""The 电子案卷 holds the 法制审核 record: every round, opinion and point, the handlers' answer
and the committee's minutes and votes, each proven in the ledger like the rest of the case."""

from __future__ import annotations

# ruff: noqa: F811 - the fixtures imported from the review tests are used as fixture arguments
import json

from django.utils import timezone

from sanxiang.archive.models import CaseArchive
from sanxiang.archive.services import archive_seal, package_bytes
from sanxiang.archive.verify import package_verify
from sanxiang.cases.models import Case
from sanxiang.review.services import committee_record
from tests.archive.conftest import members
from tests.review.conftest import defaults, notified_case  # noqa: F401
from tests.review.test_committee import (
    disputed,  # noqa: F401
    participants,
)
from tests.review.test_committee import members as committee_members


def test_the_package_holds_each_opinion_round_and_the_committee_minutes(
    staff, disputed, notified_case, agency, tmp_path
):
    people = committee_members(staff, agency)
    committee_record(
        actor=staff.zhou, review_id=disputed.pk, held_on=timezone.localdate(), place="局三楼会议室",
        chair=people[0], participants=participants(people), conclusion="proceed",
        minutes="经集体审议，同意作出决定。",
    )  # fmt: skip
    case = Case.objects.select_related("agency", "unit").get(pk=notified_case.pk)
    archive = archive_seal(case=case, actor=staff.zhang)
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(package_bytes(archive)))

    assert package_verify(path).passed
    files = members(path)
    review = json.loads(files["review/reviews.json"])["reviews"][0]
    rounds = review["rounds"]
    assert [r["opinion"]["summary"] for r in rounds] == ["证据不充分。", "仍认为证据不充分。"]
    assert rounds[0]["answer"]["study"] == "照片由执法记录仪拍摄，元数据载明时间。"
    assert len(rounds[0]["opinion"]["points"]) >= 8
    meeting = review["committee_meetings"][0]
    assert meeting["minutes"] == "经集体审议，同意作出决定。"
    assert {p["name"] for p in meeting["participants"]} >= {"陈一", "孙律师"}
    actions = {row["action"] for row in json.loads(files["timeline.json"])}
    assert {"review.review.submitted", "review.review.opinion", "review.review.committee"} <= (
        actions
    )
    assert json.loads(files["manifest.json"])["retention"]["label"] == "30年"
    assert CaseArchive.objects.get(case=case) == archive
