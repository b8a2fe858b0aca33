"""The computed items of 一、公示 and 二、全过程记录 (scorecard items (1)–(84)): each read from the
agency's own records of the year — the 事前公开 lists as published, the 执法人员清单, the
re-publication deadlines, the published decisions, the audio-visual records against the
音像记录事项清单, supervisors' reads — scoring full, partial or none as its rule says."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import RecordingMatter
from sanxiang.cases.services import case_transition, document_generate
from sanxiang.disclosure.listings import content_sha256, listing_content, listing_publish
from sanxiang.disclosure.models import Publication
from sanxiang.org.models import (
    EnforcementCategory,
    EnforcementItem,
    Officer,
    RandomCheckItem,
    RemedyChannel,
    Unit,
)
from sanxiang.supervision.models import Indicator
from sanxiang.supervision.scorecard import scorecard_for
from sanxiang.supervision.scorers import SCORERS
from tests.cases.conftest import attach_record, evidence_on_disk, ready_case, set_basis
from tests.conftest import DATA, prepare_step

YEAR = 2026


def _card(officer, agency_id: int, year: int = YEAR):
    return scorecard_for(officer, agency_id=agency_id, year=year, today=timezone.localdate())


def _item(card, number: int):
    return next(i for i in card.items if i.indicator.number == number)


def _publish(staff, kind: str):
    content = listing_content(staff.head.unit.agency, kind)
    return listing_publish(actor=staff.head, kind=kind, expected_sha256=content_sha256(content))


def _enforcement_item(agency, articles, code, *, cited=True, discretion=""):
    item = EnforcementItem.objects.create(
        agency=agency, code=code, name=f"事项{code}", kind="penalty",
        category=EnforcementCategory.objects.get(name="城市管理"),
        unit=agency.units.get(name="执法一大队"), authority="调查取证权、行政处罚决定权",
        basis_note="" if cited else "测试市城市管理规定第五条", discretion_basis=discretion,
    )  # fmt: skip
    if cited:
        item.basis_articles.set([articles[14]])
    return item


def test_at_least_30_items_of_one_to_84_are_computed_each_by_a_registered_scorer():
    with (DATA / "supervision" / "indicators.csv").open(encoding="utf-8") as handle:
        next(handle)  # the source note
        rows = [row for row in csv.DictReader(handle) if int(row["number"]) <= 84]
    assert [int(row["number"]) for row in rows] == list(range(1, 85))
    computed = {int(r["number"]): r["scoring"].removeprefix("auto:") for r in rows
                if r["scoring"].startswith("auto:")}  # fmt: skip
    # Five were computed before (36, 37, 41, 57, 68); 公示 and 全过程记录 add 25, and the annual
    # report's publication and 报送 (43), (44) two more.
    assert len(computed) >= 32
    assert {36, 37, 41, 57, 68, 3, 10, 22, 59, 75} <= set(computed)
    for key in computed.values():
        assert key in SCORERS and SCORERS[key].__doc__, key
    assert computed[43] == "annual_report_on_time" and computed[44] == "annual_report_submitted"


@pytest.mark.django_db
def test_the_loaded_table_carries_the_computed_items_of_the_file():
    loaded = dict(Indicator.objects.filter(number__lte=84).values_list("number", "scoring"))
    assert loaded[3] == "auto:subject_units_contact"
    assert loaded[59] == "auto:disputed_recorded"
    assert loaded[1] == "attest" and loaded[23] == "manual"


def test_the_public_lists_score_nothing_until_published_then_by_what_they_show(
    oversight, staff, agency, articles
):
    card = _card(oversight.supervisor, agency.pk)
    assert _item(card, 3).score == Decimal(0)
    assert "未公示执法主体" in _item(card, 3).computed.figures
    assert _item(card, 9).score == Decimal(0)

    _publish(staff, "subject")
    card = _card(oversight.supervisor, agency.pk)
    # The units take the agency's address and telephone: (3) full; no 职能 or 岗位职责: (5) none.
    assert _item(card, 3).score == Decimal("0.3")
    assert _item(card, 5).score == Decimal(0)
    assert _item(card, 5).computed.detail()[0].value == "缺单位职能"

    agency.functions = "负责本市城市管理综合行政执法工作"
    agency.save()
    Unit.objects.filter(agency=agency).update(duties="依法查处违法行为")
    _publish(staff, "subject")
    assert _item(_card(oversight.supervisor, agency.pk), 5).score == Decimal("0.3")

    # (7): one item cites an article and states its 裁量依据, the other cites a local rule only.
    _enforcement_item(agency, articles, "CG-001", discretion="测试市城管裁量基准第三条")
    _enforcement_item(agency, articles, "CG-002", cited=False)
    _publish(staff, "items")
    # (10): one 抽查事项 with all eight elements, one without a 依据.
    for code, cited in (("SJ-001", True), ("SJ-002", False)):
        check = RandomCheckItem.objects.create(
            agency=agency, code=code, name=f"抽查{code}", targets="临街商户", population=120,
            ratio_percent=Decimal("5"), cycle="每年一次", method="现场检查",
        )  # fmt: skip
        if cited:
            check.basis_articles.set([articles[36]])
    _publish(staff, "random_checks")
    # (8): 行政复议 only.
    RemedyChannel.objects.create(
        agency=agency, kind="reconsideration", body="测试市人民政府", period="六十日内",
        basis="行政复议法第二十条", how="书面或者口头申请",
    )  # fmt: skip
    _publish(staff, "remedies")

    card = _card(oversight.supervisor, agency.pk)
    assert _item(card, 6).score == Decimal("0.2")  # both state their 权限
    assert _item(card, 7).score == Decimal("0.2")  # 0.3 × 1/2, rounded half up
    assert "依据具体到条款 1 项 / 共 2 项" in _item(card, 7).computed.figures
    assert [r.value for r in _item(card, 7).computed.detail()] == ["齐全", "缺具体条款、裁量依据"]
    assert _item(card, 9).score == Decimal("0.5")
    assert _item(card, 10).score == Decimal("0.4")  # 0.8 × 1/2
    assert _item(card, 8).score == Decimal(0)
    assert _item(card, 8).computed.detail()[-1].label == "行政诉讼：未登记"
    assert _item(card, 8).computed.detail()[0].url == reverse("portal:lists", args=["remedies"])


def test_a_list_adjusted_late_after_a_duty_change_scores_its_share(
    staff, oversight, agency, articles
):
    item = _enforcement_item(agency, articles, "CG-001", discretion="裁量基准第三条")
    with time_machine.travel(date(2026, 3, 2), tick=False):
        _publish(staff, "items")
    with time_machine.travel(date(2026, 3, 3), tick=False):
        item.authority = "行政处罚决定权"
        item.save()  # due within 20 working days: re-published on 10 March, in time
    with time_machine.travel(date(2026, 3, 10), tick=False):
        _publish(staff, "items")
    with time_machine.travel(date(2026, 4, 1), tick=False):
        item.authority = "调查取证权"
        item.save()  # due by the end of April, and never re-published
    item22 = _item(_card(oversight.supervisor, agency.pk), 22)
    assert item22.computed.figures == "按期调整 1 次 / 应调整 2 次"
    assert item22.score == Decimal("0.3")  # 0.5 × 1/2, rounded half up
    assert [row.ok for row in item22.computed.detail()] == [True, False]
    # No cited law changed: nothing to count, 待评.
    assert _item(_card(oversight.supervisor, agency.pk), 21).score is None


def test_officers_are_counted_as_the_portal_lists_them(oversight, staff, agency):
    card = _card(oversight.supervisor, agency.pk)
    assert _item(card, 4).score == Decimal(0)  # four officers with 执法证, none with a 职务
    Officer.objects.filter(pk__in=[staff.zhang.pk, staff.li.pk]).update(post="科员")
    item4 = _item(_card(oversight.supervisor, agency.pk), 4)
    assert item4.computed.figures == "公开姓名、性别、职务和执法证号 2 人 / 执法人员 4 人"
    assert item4.score == Decimal("0.2")  # 0.3 × 2/4, rounded half up
    Officer.objects.filter(unit__agency=agency).update(post="科员")
    assert _item(_card(oversight.supervisor, agency.pk), 4).score == Decimal("0.3")


def test_published_decisions_are_scored_by_their_fields_and_credit_record(
    oversight, staff, agency, general_case
):
    now = timezone.now()
    fields = {
        "执法机关": agency.name,
        "执法对象": "王某",
        "执法类别": "行政处罚",
        "执法结论": "罚款",
    }
    base = {
        "kind": "penalty", "decided_on": now.date() - timedelta(days=5), "agency": agency,
        "due_on": now.date(), "due_basis": "-", "status": "published", "published_at": now,
    }  # fmt: skip
    Publication.objects.create(
        **base, case=general_case, title="齐全", fields=fields, credit_severity="general"
    )
    Publication.objects.create(
        **base, case=ready_case(staff, title="第二件"), title="缺结论",
        fields={**fields, "执法结论": ""},
    )  # fmt: skip
    card = _card(oversight.supervisor, agency.pk, timezone.localdate().year)
    item38 = _item(card, 38)
    assert item38.computed.figures == "内容要素齐全 1 件 / 本年度公示 2 件"
    assert [row.value for row in item38.computed.detail()] == ["四项齐全", "缺执法结论"]
    assert item38.score == Decimal("0.3")  # 0.5 × 1/2, rounded half up
    assert _item(card, 79).score == Decimal("0.3")  # one of two with its 失信程度


def _decided(staff, case, articles, on: date):
    """A 一般程序 case taken to its decision on ``on``, with its 行政处罚决定书 made."""
    set_basis(staff, case, articles)
    with time_machine.travel(on, tick=False):
        for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                              (staff.zhang, "notify"), (staff.zhang, "record_statement"),
                              (staff.head, "decide")):  # fmt: skip
            prepare_step(actor, case.pk, action)
            case_transition(actor=actor, case_id=case.pk, action=action)
        document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")


def test_decisions_are_scored_by_their_service_documents_and_signatures(
    settings, tmp_path, oversight, staff, agency, articles
):
    evidence_on_disk(settings, tmp_path)
    served, unserved = ready_case(staff), ready_case(staff, title="第二件")
    for case in (served, unserved):
        _decided(staff, case, articles, date(2026, 5, 6))
    with time_machine.travel(date(2026, 5, 8), tick=False):  # the second working day after
        prepare_step(staff.zhang, served.pk, "serve")
        case_transition(actor=staff.zhang, case_id=served.pk, action="serve")
    card = _card(oversight.supervisor, agency.pk)
    # (25): 7 working days have long run for both; one was served within them.
    assert _item(card, 25).computed.figures == "按期送达决定书 1 件 / 应送达 2 件"
    assert _item(card, 25).score == Decimal("0.5")
    assert [row.ok for row in _item(card, 25).computed.detail()] == [True, False]
    assert _item(card, 45).score == Decimal(2)  # both 决定书 made from the 格式文书
    assert _item(card, 34).score == Decimal("0.2")  # the documents carry the 查询码
    assert _item(card, 72).score == Decimal(0)  # no approval signed electronically
    assert _item(card, 54).score == Decimal(0)  # decided without any audio-visual evidence


def test_disputed_steps_count_against_the_recording_list_and_the_evidence_store(
    settings, tmp_path, oversight, staff, agency
):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 19), tick=False):
        recorded, unrecorded = ready_case(staff), ready_case(staff, title="第二件")
        for case in (recorded, unrecorded):
            case_transition(actor=staff.head, case_id=case.pk, action="register")
    recorded.refresh_from_db()
    assert _item(_card(oversight.supervisor, agency.pk), 53).score == Decimal(0)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        attach_record(staff, recorded, kind="audio", data=b"ID3\x04" + b"audio" * 100,
                      filename="询问录音.mp3")  # fmt: skip
    # The agency lists 立案 among the processes it records (its own row of the list).
    RecordingMatter.objects.create(
        agency=agency, code="registration", position=10, matter="立案时询问当事人",
        step="penalty_general.register", kinds="audio|video", basis="本机关规定（测试）",
    )  # fmt: skip
    card = _card(oversight.supervisor, agency.pk)
    item59 = _item(card, 59)
    assert item59.computed.figures == "有音像记录 1 次 / 清单所列执法过程 2 次"
    assert item59.score == Decimal("0.3")  # 0.5 × 1/2, rounded half up
    assert [row.ok for row in item59.computed.detail()] == [True, False]
    assert _item(card, 53).score == Decimal("0.5")  # an audio record of the year
    assert _item(card, 70).score == Decimal("0.5")
    assert _item(card, 71).score == Decimal(0)  # filed without its 执法对象
    assert "关联执法对象 0 份 / 本年度执法记录 1 份" in _item(card, 71).computed.figures


def test_supervisors_reading_the_agency_cases_fill_the_evaluation_and_supervision_items(
    client, oversight, agency, general_case
):
    year = timezone.localdate().year
    card = _card(oversight.supervisor, agency.pk, year)
    assert _item(card, 74).score is None  # nothing read on the platform: 待评
    assert _item(card, 75).score is None
    client.force_login(get_user_model().objects.get(username="jiandu"))
    url = reverse("cases:detail", args=[general_case.pk])
    assert client.get(url, {"reason": "file_review"}).status_code == 200
    card = _card(oversight.supervisor, agency.pk, year)
    assert _item(card, 74).score == Decimal("0.5")
    assert _item(card, 74).computed.figures == "以案卷评查为事由调阅案卷 1 次"
    assert _item(card, 75).score is None  # a 案卷评查 read is not counted twice
    client.logout()
    client.force_login(get_user_model().objects.get(username="jiandu"))
    assert client.get(url, {"reason": "routine"}).status_code == 200
    item75 = _item(_card(oversight.supervisor, agency.pk, year), 75)
    assert item75.score == Decimal("0.5")
    assert item75.computed.figures == "监督调阅 1 次，出具监督意见或纠正通知 0 件"
    assert [row.url for row in item75.computed.detail()] == [url]


def test_the_new_items_cost_a_bounded_number_of_queries(oversight, staff, agency):
    keys = [i.auto_key for i in Indicator.objects.filter(number__lte=84) if i.auto_key]
    with CaptureQueriesContext(connection) as queries:
        for key in keys:
            SCORERS[key](agency.pk, YEAR, timezone.localdate())
    assert len(queries) <= 3 * len(keys)
