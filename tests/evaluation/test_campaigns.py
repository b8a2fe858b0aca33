"""案卷评查: the campaign, its stratified SX-DRAW-1 sample, the evaluators, scoring, the
agency's answers, the roll-ups and the published results."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from sanxiang.cases.models import AccessReason, CaseAccess
from sanxiang.errors import DomainError
from sanxiang.evaluation import sampling
from sanxiang.evaluation.events import EvaluationEvent
from sanxiang.evaluation.models import (
    Assignment,
    BeaconForm,
    Campaign,
    CampaignStatus,
    Standard,
)
from sanxiang.evaluation.selectors import (
    agency_scores,
    campaign_officer_scores,
    findings_waiting_count,
    verify,
)
from sanxiang.evaluation.services import (
    EvaluationRefused,
    assignment_answer,
    assignment_score,
    campaign_close,
    campaign_create,
    campaign_draw,
    campaign_freeze,
    campaign_publish,
)
from sanxiang.inspections import draw
from sanxiang.ledger.models import LedgerEntry
from sanxiang.office.desk import desk_for
from tests.conftest import TEST_NOW
from tests.evaluation.conftest import campaign_input

BEACON = "福利彩票双色球第2026141期开奖号码"
VALUE = "03 09 14 22 27 31 + 08"


def freeze(campaign: Campaign, supervisor) -> Campaign:
    """Frozen with the 双色球 form, its value published an hour later."""
    return campaign_freeze(
        actor=supervisor, campaign_id=campaign.pk, beacon_source=BEACON,
        beacon_form_id=BeaconForm.objects.get(key="ssq").pk,
        beacon_known_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip


def after_publication():
    """The clock once the declared beacon is published (it ticks on from there)."""
    return time_machine.travel(timezone.now() + timedelta(hours=2), tick=True)


def drawn(campaign: Campaign, supervisor) -> Campaign:
    freeze(campaign, supervisor)
    with after_publication():
        return campaign_draw(actor=supervisor, campaign_id=campaign.pk, beacon=VALUE)


def read_case(client, officer, case_id: int) -> None:
    client.force_login(officer.user)
    response = client.get(f"/office/cases/{case_id}/", {"reason": AccessReason.FILE_REVIEW})
    assert response.status_code == 200


def no_deductions(assignment: Assignment) -> dict[int, tuple[Decimal, str]]:
    return {item.pk: (Decimal(0), "") for item in assignment.campaign.standard.items.all()}


def test_the_shipped_standard_has_the_nine_categories_and_one_hundred_points(db):
    standard = Standard.objects.get(version="2026-1")
    assert standard.items.count() == 18
    assert {item.category for item in standard.items.all()} == {
        "subject", "facts", "evidence", "procedure", "basis", "discretion", "documents",
        "service", "filing",
    }  # fmt: skip
    assert standard.total_points == Decimal(100)


def test_an_evaluator_from_an_agency_under_evaluation_is_refused(setting, client):
    city_bureau = setting.oversight.supervisor.unit.agency_id
    with pytest.raises(EvaluationRefused, match="来自被评查的测试市司法局，不得参与评查"):
        campaign_create(
            actor=setting.oversight.supervisor,
            data=campaign_input(setting, agency_ids=[city_bureau]),
        )
    officer_of_the_agency = setting.staff.zhang
    with pytest.raises(EvaluationRefused, match="来自被评查的"):
        campaign_create(
            actor=setting.oversight.supervisor,
            data=campaign_input(setting, evaluator_ids=[officer_of_the_agency.pk]),
        )
    client.force_login(setting.oversight.supervisor.user)
    response = client.post(
        "/office/evaluation/new",
        {
            "name": "交叉评查", "closed_from": "2026-01-01", "closed_to": "2026-06-09",
            "per_stratum": "2", "agencies": [city_bureau],
            "evaluators": [setting.oversight.supervisor.pk],
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "不得参与评查" in response.content.decode()
    assert not Campaign.objects.exists()


def test_an_evaluator_who_cannot_read_every_agency_is_refused(setting):
    with pytest.raises(EvaluationRefused, match="无法调阅其案卷"):
        campaign_create(
            actor=setting.oversight.supervisor,
            data=campaign_input(setting, evaluator_ids=[setting.oversight.county_supervisor.pk]),
        )


def test_only_a_supervisor_starts_a_campaign_over_agencies_of_his_area(setting, client):
    with pytest.raises(EvaluationRefused, match="只有行政执法监督机构的监督人员"):
        campaign_create(actor=setting.staff.head, data=campaign_input(setting))
    with pytest.raises(EvaluationRefused, match="不在本机构的监督范围内"):
        campaign_create(actor=setting.oversight.county_supervisor, data=campaign_input(setting))
    client.force_login(setting.staff.head.user)
    assert client.get("/office/evaluation/new").status_code == 403


def test_the_sample_is_drawn_per_agency_and_procedure_and_verifies(setting, campaign):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    strata = {(s["agency"], s["procedure"]): s for s in campaign.frame["strata"]}
    city = setting.staff.zhang.unit.agency.credit_code
    county = setting.county.agency.credit_code
    assert {key: len(s["candidates"]) for key, s in strata.items()} == {
        (city, "penalty_general"): 5,
        (city, "penalty_simple"): 2,
        (county, "penalty_general"): 1,
    }
    assert campaign.assignments.count() == 2 + 2 + 1
    chosen = set(campaign.assignments.values_list("case_id", flat=True))
    assert setting.open_case.pk not in chosen and setting.late.pk not in chosen
    assert set(campaign.assignments.values_list("evaluator_id", flat=True)) <= {
        supervisor.pk, setting.evaluator.pk,
    }  # fmt: skip
    assert verify(campaign) == []
    # Each stratum is SX-DRAW-1 itself: the candidates, the evaluators and the one beacon.
    general = strata[(city, "penalty_general")]
    again = draw.run(
        candidates=general["candidates"], inspectors=campaign.frame["evaluators"],
        beacons=[VALUE], k=2, m=1,
    )  # fmt: skip
    recorded = campaign.result[campaign.frame["strata"].index(general)]
    assert recorded["cases"] == again.targets and recorded["seed"] == again.seed_hex
    actions = set(
        LedgerEntry.objects.filter(object_type="evaluation.campaign").values_list(
            "action", flat=True
        )
    )
    assert {
        EvaluationEvent.CAMPAIGN_CREATED, EvaluationEvent.CAMPAIGN_FROZEN,
        EvaluationEvent.CAMPAIGN_DRAWN,
    } <= actions  # fmt: skip


def test_the_same_frame_and_beacon_draw_the_same_sample(setting, campaign):
    campaign = drawn(campaign, setting.oversight.supervisor)
    assert sampling.sample(campaign.frame, VALUE) == campaign.result
    assert sampling.sample(campaign.frame, VALUE + "x") != campaign.result


def test_the_verify_command_recomputes_the_draw_and_catches_a_changed_result(
    setting, campaign, capsys
):
    campaign = drawn(campaign, setting.oversight.supervisor)
    call_command("evaluation", "verify", str(campaign.pk))
    assert "抽样复核一致" in capsys.readouterr().out
    result = campaign.result
    result[0]["cases"] = list(reversed(result[0]["cases"]))
    Campaign.objects.filter(pk=campaign.pk).update(result=result)
    with pytest.raises(CommandError, match="结果与记录的抽样结果不一致"):
        call_command("evaluation", "verify", str(campaign.pk))


def test_a_frame_changed_after_the_freeze_refuses_the_draw(setting, campaign):
    supervisor = setting.oversight.supervisor
    freeze(campaign, supervisor)
    campaign.refresh_from_db()
    frame = campaign.frame
    frame["strata"][0]["k"] = 1
    Campaign.objects.filter(pk=campaign.pk).update(frame=frame)
    with after_publication(), pytest.raises(EvaluationRefused, match="样本框与冻结时的记录不一致"):
        campaign_draw(actor=supervisor, campaign_id=campaign.pk, beacon=VALUE)
    assert not Assignment.objects.exists()


def test_a_period_without_closed_cases_cannot_be_frozen(setting):
    campaign = campaign_create(
        actor=setting.oversight.supervisor,
        data=campaign_input(setting, closed_from=date(2025, 1, 1), closed_to=date(2025, 12, 31)),
    )
    with pytest.raises(EvaluationRefused, match="没有已结案的案件"):
        freeze(campaign, setting.oversight.supervisor)


def test_the_evaluator_scores_only_after_reading_the_case_under_file_review(
    setting, campaign, client
):
    campaign = drawn(campaign, setting.oversight.supervisor)
    assignment = campaign.assignments.select_related("evaluator__user").first()
    evaluator = assignment.evaluator
    with pytest.raises(EvaluationRefused, match="请先以“案卷评查”为调阅事由打开该案卷"):
        assignment_score(
            actor=evaluator, assignment_id=assignment.pk, marks=no_deductions(assignment)
        )
    read_case(client, evaluator, assignment.case_id)
    assert CaseAccess.objects.filter(
        case_id=assignment.case_id, officer=evaluator, reason="file_review"
    ).exists()
    marks = no_deductions(assignment)
    items = list(campaign.standard.items.all())
    marks[items[0].pk] = (Decimal(6), "无执法证件出示记录")
    marks[items[4].pk] = (Decimal("2.5"), "缺少现场照片")
    scored = assignment_score(
        actor=evaluator, assignment_id=assignment.pk, marks=marks, summary="基本规范"
    )
    assert scored.score == Decimal("91.5")
    assert scored.marks.count() == 18
    with pytest.raises(EvaluationRefused, match="已经提交，不能修改"):
        assignment_score(actor=evaluator, assignment_id=assignment.pk, marks=marks)


def test_a_deduction_needs_a_finding_and_stays_within_the_items_points(setting, campaign, client):
    campaign = drawn(campaign, setting.oversight.supervisor)
    assignment = campaign.assignments.select_related("evaluator__user").first()
    read_case(client, assignment.evaluator, assignment.case_id)
    item = campaign.standard.items.first()
    marks = no_deductions(assignment)
    marks[item.pk] = (Decimal(2), "")
    with pytest.raises(EvaluationRefused, match="请写明评查意见"):
        assignment_score(actor=assignment.evaluator, assignment_id=assignment.pk, marks=marks)
    marks[item.pk] = (item.points + 1, "超出")
    with pytest.raises(EvaluationRefused, match="扣分应在 0 到"):
        assignment_score(actor=assignment.evaluator, assignment_id=assignment.pk, marks=marks)
    response = client.post(
        f"/office/evaluation/cases/{assignment.pk}/",
        {f"d{i.pk}": "0" for i in campaign.standard.items.all()} | {f"d{item.pk}": "1"},
    )
    assert response.status_code == 400
    assert "请写明评查意见" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None and not assignment.marks.exists()


def test_another_supervisor_cannot_score_someone_elses_case(setting, campaign, client):
    campaign = drawn(campaign, setting.oversight.supervisor)
    assignment = campaign.assignments.first()
    other = (
        setting.evaluator
        if assignment.evaluator_id == setting.oversight.supervisor.pk
        else setting.oversight.supervisor
    )
    with pytest.raises(EvaluationRefused, match="不是分配给您评查的"):
        assignment_score(actor=other, assignment_id=assignment.pk, marks=no_deductions(assignment))
    client.force_login(other.user)
    assert client.get(f"/office/evaluation/cases/{assignment.pk}/").status_code == 404


def _score_all(campaign: Campaign, client, deduction: Decimal = Decimal(0)) -> None:
    for assignment in campaign.assignments.select_related("evaluator__user"):
        read_case(client, assignment.evaluator, assignment.case_id)
        marks = no_deductions(assignment)
        first = campaign.standard.items.all()[0]
        marks[first.pk] = (deduction, "问题" if deduction else "")
        assignment_score(actor=assignment.evaluator, assignment_id=assignment.pk, marks=marks)


def test_the_agency_head_sees_findings_on_his_desk_and_answers_them(setting, campaign, client):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    head = setting.staff.head
    assert findings_waiting_count(head) == 0
    _score_all(campaign, client, Decimal(3))
    ours = campaign.assignments.filter(agency_id=head.unit.agency_id)
    assert desk_for(head, date(2026, 6, 10)).evaluation_findings == ours.count() == 4
    assert findings_waiting_count(setting.staff.zhang) == 0  # not a 负责人
    client.force_login(head.user)
    home = client.get("/office/").content.decode()
    assert "案卷评查意见待答复 4 件" in home
    page = client.get("/office/evaluation/findings/").content.decode()
    assert "扣 3.0 分" in page
    first = ours.first()
    response = client.post(
        f"/office/evaluation/findings/{first.pk}/answer", {f"a{first.pk}-answer": ""}
    )
    assert response.status_code == 400
    response = client.post(
        f"/office/evaluation/findings/{first.pk}/answer",
        {f"a{first.pk}-answer": "已组织执法人员培训"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.answer == "已组织执法人员培训" and first.answered_by == head
    assert findings_waiting_count(head) == 3
    assert verify(campaign) == []
    Assignment.objects.filter(pk=first.pk).update(score=Decimal(100))
    assert verify(campaign) == [f"案卷 {first.case_id} 的评分与日志记录不一致。"]
    county_case = campaign.assignments.get(agency_id=setting.county.agency_id)
    with pytest.raises(EvaluationRefused, match="不是被评查单位的负责人"):
        assignment_answer(actor=head, assignment_id=county_case.pk, answer="越权答复")
    with pytest.raises(EvaluationRefused, match="不是被评查单位的负责人"):
        assignment_answer(actor=setting.staff.zhang, assignment_id=first.pk, answer="非负责人")
    assert LedgerEntry.objects.filter(
        action=EvaluationEvent.ASSIGNMENT_ANSWERED, agency_id=head.unit.agency_id
    ).exists()


def test_scores_roll_up_per_agency_and_per_officer(setting, campaign, client):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    _score_all(campaign, client, Decimal(4))
    campaign_close(actor=supervisor, campaign_id=campaign.pk)
    city = setting.staff.zhang.unit.agency_id
    scores = agency_scores(year=2026)
    assert scores[city].cases == 4 and scores[city].mean == Decimal("96.0")
    assert scores[setting.county.agency_id].cases == 1
    assert agency_scores(year=2025) == {}
    assert set(agency_scores(agency_ids=[city])) == {city}
    by_officer = {row.name: row for row in campaign_officer_scores(campaign)}
    assert by_officer["张伟"].cases == 4


def test_a_campaign_closes_only_when_every_case_is_scored(setting, campaign, client):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    with pytest.raises(EvaluationRefused, match="件案卷未提交评分"):
        campaign_close(actor=supervisor, campaign_id=campaign.pk)
    with pytest.raises(EvaluationRefused, match="评查结束后才能公开"):
        campaign_publish(actor=supervisor, campaign_id=campaign.pk)


def test_published_results_show_aggregates_per_agency_and_no_person(setting, campaign, client):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    _score_all(campaign, client, Decimal(5))
    campaign_close(actor=supervisor, campaign_id=campaign.pk)
    client.logout()
    assert "2026年上半年" not in client.get("/gongshi/pingcha/").content.decode()
    campaign_publish(actor=supervisor, campaign_id=campaign.pk)
    page = client.get("/gongshi/pingcha/").content.decode()
    assert "2026年上半年行政处罚案卷评查" in page
    assert setting.staff.zhang.unit.agency.name in page and "95.0" in page
    for person in ("张伟", "马监督", "杨评查", "测城执罚"):
        assert person not in page
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED and campaign.published_at is not None


def test_a_supervisor_of_another_body_cannot_open_or_run_the_campaign(setting, campaign, client):
    outsider = setting.oversight.county_supervisor
    client.force_login(outsider.user)
    assert client.get(f"/office/evaluation/{campaign.pk}/").status_code == 404
    assert (
        client.post(f"/office/evaluation/{campaign.pk}/freeze", {"beacon_source": BEACON})
    ).status_code == 404
    with pytest.raises(EvaluationRefused, match="未找到该评查活动"):
        freeze(campaign, outsider)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_the_supervisor_runs_the_campaign_through_its_pages(setting, client):
    supervisor = setting.oversight.supervisor
    client.force_login(supervisor.user)
    assert client.get("/office/evaluation/").status_code == 200
    assert client.get("/office/evaluation/new").status_code == 200
    response = client.post(
        "/office/evaluation/new",
        {
            "name": "上半年评查", "closed_from": "2026-01-01", "closed_to": "2026-06-09",
            "per_stratum": "1", "agencies": [setting.staff.zhang.unit.agency_id],
            "evaluators": [supervisor.pk, setting.evaluator.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    url = f"/office/evaluation/{campaign.pk}/"
    declared = {
        "beacon_form": str(BeaconForm.objects.get(key="ssq").pk),
        "beacon_source": BEACON,
        "beacon_known_at": "2026-06-10T21:30",
    }
    assert client.post(url + "freeze", declared | {"beacon_source": ""}).status_code == 400
    assert client.post(url + "freeze", declared).status_code == 302
    page = client.get(url).content.decode()
    assert "2026-06-10 21:30 公布" in page and "03 09 14 22 27 31 + 08" in page  # the example
    with time_machine.travel(TEST_NOW.replace(hour=21, minute=40), tick=True):
        client.force_login(supervisor.user)  # the session idled out meanwhile
        assert client.post(url + "draw", {"beacon": VALUE}).status_code == 302
        page = client.get(url).content.decode()
        assert "复核一致" in page
        assert campaign.assignments.count() == 2
        assert client.post(url + "nonsense").status_code == 404
        assert client.post(url + "close").status_code == 400


def test_bad_campaign_input_is_refused_in_chinese(setting, client):
    client.force_login(setting.oversight.supervisor.user)
    base = {
        "name": "评查", "closed_from": "2026-01-01", "closed_to": "2026-06-09",
        "per_stratum": "1", "agencies": [setting.staff.zhang.unit.agency_id],
        "evaluators": [setting.evaluator.pk],
    }  # fmt: skip
    for change, message in (
        ({"closed_to": "2026-12-31"}, "截止日不能晚于今天"),
        ({"closed_from": "2026-06-09", "closed_to": "2026-01-01"}, "起始日不能晚于截止日"),
        ({"per_stratum": "0"}, "per_stratum"),
        ({"closed_from": "not a date"}, "closed_from"),
    ):
        response = client.post("/office/evaluation/new", base | change)
        assert response.status_code == 400, change
        errors = str(response.context["form"].errors)
        assert message in response.content.decode() or message in errors
    assert not Campaign.objects.exists()


def test_the_standard_a_campaign_used_cannot_be_changed(campaign):
    item = campaign.standard.items.first()
    item.points = Decimal(1)
    with pytest.raises(DomainError, match="不能修改"):
        item.save()
    with pytest.raises(DomainError, match="不能修改"):
        item.delete()


def test_the_declared_beacon_must_be_published_after_the_freeze(setting, campaign, client):
    supervisor = setting.oversight.supervisor
    form = BeaconForm.objects.get(key="ssq")
    for known_at, message in (
        (timezone.now() - timedelta(minutes=1), "公布时间必须晚于现在"),
        (timezone.now() + timedelta(days=61), "不能晚于冻结后 60 天"),
    ):
        with pytest.raises(EvaluationRefused, match=message):
            campaign_freeze(
                actor=supervisor, campaign_id=campaign.pk, beacon_source=BEACON,
                beacon_form_id=form.pk, beacon_known_at=known_at,
            )  # fmt: skip
    BeaconForm.objects.filter(key="demo").update(enabled=False)
    with pytest.raises(EvaluationRefused, match="请选择随机源的形式"):
        campaign_freeze(
            actor=supervisor, campaign_id=campaign.pk, beacon_source=BEACON,
            beacon_form_id=BeaconForm.objects.get(key="demo").pk,
            beacon_known_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and not campaign.frame


def test_a_value_before_its_publication_or_not_of_the_declared_form_is_refused(
    setting, campaign, client
):
    supervisor = setting.oversight.supervisor
    freeze(campaign, supervisor)
    # Before the declared time: refused, even with a well-formed value.
    with pytest.raises(EvaluationRefused, match="公布，此前不能录入取值"):
        campaign_draw(actor=supervisor, campaign_id=campaign.pk, beacon=VALUE)
    with after_publication():
        for wrong in (
            "03 09 14 22 27 34 + 08",
            "03 09 14 22 27 + 08",
            "随便写的",
            "3 9 14 22 27 31 + 8",
        ):
            with pytest.raises(EvaluationRefused, match="不符合声明的随机源形式"):
                campaign_draw(actor=supervisor, campaign_id=campaign.pk, beacon=wrong)
        client.force_login(supervisor.user)
        response = client.post(f"/office/evaluation/{campaign.pk}/draw", {"beacon": "随便写的"})
        assert response.status_code == 400
        assert "不符合声明的随机源形式" in response.content.decode()
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.FROZEN and not Assignment.objects.exists()
        # Blanks are collapsed before the check and the draw: the value recorded is canonical.
        done = campaign_draw(
            actor=supervisor, campaign_id=campaign.pk, beacon="  03 09  14 22 27 31 +  08 "
        )
    assert done.beacon == VALUE
    assert verify(done) == []
    # The freeze bound the declared form and time: a changed publication time is caught.
    Campaign.objects.filter(pk=done.pk).update(beacon_known_at=timezone.now() - timedelta(days=1))
    done.refresh_from_db()
    assert "样本框与冻结事件记录的摘要不一致。" in verify(done)


def test_the_public_page_gives_the_draw_inputs_and_anyone_recomputes_the_places_drawn(
    setting, campaign, client
):
    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    _score_all(campaign, client)
    campaign_close(actor=supervisor, campaign_id=campaign.pk)
    campaign_publish(actor=supervisor, campaign_id=campaign.pk)
    client.logout()
    page = client.get("/gongshi/pingcha/").content.decode()
    assert "抽样依据（任何人可复算）" in page and BEACON in page and VALUE in page
    assert "测城执罚" not in page and f"P{supervisor.pk}" not in page
    response = client.get(f"/gongshi/pingcha/{campaign.pk}.json")
    assert response.status_code == 200
    record = response.json()
    assert record["beacon"]["value"] == VALUE and record["beacon"]["known_at"].endswith("Z")
    assert "测城执罚" not in response.content.decode()
    # From the published hashes, sizes and beacon alone: the seed and the places drawn.
    for stratum, recorded in zip(record["strata"], campaign.result, strict=True):
        seed, cases, people = sampling.positions(
            candidates_sha256=stratum["candidates_sha256"], n=stratum["n"], k=stratum["k"],
            evaluators_sha256=record["evaluators_sha256"], evaluators=record["evaluators"],
            beacon=record["beacon"]["value"],
        )  # fmt: skip
        assert seed == stratum["seed"] == recorded["seed"]
        assert cases == stratum["drawn_positions"] and people == stratum["evaluator_positions"]
    # The agency holding its own list reads which cases were drawn.
    general = next(s for s in campaign.frame["strata"] if s["procedure"] == "penalty_general")
    published = record["strata"][campaign.frame["strata"].index(general)]
    assert draw.list_sha256(general["candidates"]) == published["candidates_sha256"]
    picked = [general["candidates"][p] for p in published["drawn_positions"]]
    assert picked == campaign.result[campaign.frame["strata"].index(general)]["cases"]
    # A campaign not published has no public record.
    other = campaign_create(actor=supervisor, data=campaign_input(setting, name="未公开"))
    assert client.get(f"/gongshi/pingcha/{other.pk}.json").status_code == 404


REPORT = b"%PDF-1.4\n% rectification report\n%%EOF\n"


def test_the_head_answers_a_finding_with_files_the_body_and_he_alone_may_open(
    setting, campaign, client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanxiang.evaluation.events import assignment_content
    from sanxiang.evaluation.models import FindingAttachment, FindingFileAccess
    from sanxiang.evidence.models import Blob
    from sanxiang.ledger.events import content_digest

    supervisor = setting.oversight.supervisor
    campaign = drawn(campaign, supervisor)
    _score_all(campaign, client, Decimal(2))
    head = setting.staff.head
    first = campaign.assignments.filter(agency_id=head.unit.agency_id).first()
    url = f"/office/evaluation/findings/{first.pk}/answer"
    client.force_login(head.user)
    settings.SANXIANG_ANSWER_MAX_BYTES = 1024
    for bad, message in (
        (SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" * 20), "不是可接受的格式"),
        (SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n" + b"0" * 2000), "超过"),
    ):
        response = client.post(
            url, {f"a{first.pk}-answer": "已整改", f"a{first.pk}-attachments": bad}
        )
        assert response.status_code == 400 and message in response.content.decode()
    first.refresh_from_db()
    assert first.answered_at is None and not Blob.objects.exists()
    response = client.post(
        url,
        {
            f"a{first.pk}-answer": "已整改，附整改报告。",
            f"a{first.pk}-attachments": SimpleUploadedFile("整改报告.pdf", REPORT),
        },
    )
    assert response.status_code == 302
    (report,) = FindingAttachment.objects.filter(assignment=first)
    first.refresh_from_db()
    marks = list(first.marks.order_by("item__position", "pk"))
    event = LedgerEntry.objects.get(
        action=EvaluationEvent.ASSIGNMENT_ANSWERED, object_id=str(first.pk)
    )
    assert event.content_sha256 == content_digest(assignment_content(first, marks, [report]))
    assert "整改报告.pdf" in client.get("/office/evaluation/findings/").content.decode()
    assert verify(campaign) == []

    file_url = f"/office/evaluation/findings/files/{report.pk}"
    for reader in (head, supervisor):
        client.force_login(reader.user)
        response = client.get(file_url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == REPORT
    client.force_login(supervisor.user)
    assert "整改报告.pdf" in client.get(f"/office/evaluation/{campaign.pk}/").content.decode()
    for outsider in (setting.staff.zhang, setting.oversight.county_supervisor):
        client.force_login(outsider.user)
        assert client.get(file_url).status_code == 404
    assert list(FindingFileAccess.objects.order_by("pk").values_list("officer_id", flat=True)) == [
        head.pk, supervisor.pk,
    ]  # fmt: skip
