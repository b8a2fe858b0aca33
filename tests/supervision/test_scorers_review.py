"""The computed items (85)–(170) of the scorecard (法制审核, 信息化, 组织保障): each read from the
records the platform keeps, scoring full, part or none as its rule says, with the records it
counted listed on the item's page."""

# ruff: noqa: F811 - fixtures imported from the case, review and evaluation tests are arguments
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.alerts.models import Alert, AlertRule
from sanxiang.cases.models import AccessReason
from sanxiang.cases.services import case_transition, document_generate
from sanxiang.disclosure.models import Delivery, Publication, PushTarget
from sanxiang.evaluation.services import (
    assignment_answer,
    assignment_score,
    campaign_close,
)
from sanxiang.org.training import COLUMNS, trainings_import
from sanxiang.review.models import Review
from sanxiang.review.services import answer_write, opinion_write, review_submit
from sanxiang.supervision.opinions.models import Opinion, OpinionBasis
from sanxiang.supervision.opinions.services import OpinionInput, opinion_answer, opinion_issue
from sanxiang.supervision.scorecard import scorecard_for
from sanxiang.supervision.scorers import SCORERS
from tests.cases.conftest import catalogue_rule
from tests.evaluation.conftest import campaign, setting  # noqa: F401
from tests.evaluation.test_campaigns import drawn
from tests.review.conftest import declared_all, defaults, notified_case  # noqa: F401
from tests.review.test_review_flow import ALL_OK, with_problem

YEAR = 2026  # tests/conftest.py pins the clock at 2026-06-10
TODAY = date(2026, 6, 10)


def _item(officer, agency_id: int, number: int):
    card = scorecard_for(officer, agency_id=agency_id, year=YEAR, today=timezone.localdate())
    assert card is not None
    return next(i for i in card.items if i.indicator.number == number)


def test_every_auto_key_of_the_shipped_table_names_a_scorer_with_its_rule():
    path = Path(__file__).resolve().parents[2] / "data" / "supervision" / "indicators.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    keys = [r["scoring"][5:] for r in rows if r["scoring"].startswith("auto:")]
    assert {r["scoring"] for r in rows if not r["scoring"].startswith("auto:")} == {
        "manual",
        "attest",
    }
    assert set(keys) == set(SCORERS) and len(keys) == len(set(keys))
    assert all(SCORERS[key].__doc__ for key in keys)
    ours = [int(r["number"]) for r in rows if r["scoring"].startswith("auto:")]
    assert len([n for n in ours if n >= 85]) >= 30  # 法制审核、信息化、组织保障


# --- 法制审核 ------------------------------------------------------------------------------


def test_the_review_body_counts_only_when_a_reviewer_staffs_it(oversight, agency, staff):
    item = _item(oversight.supervisor, agency.pk, 85)
    assert item.score == Decimal(1) and "法制科（1 人）" in item.computed.figures
    staff.zhou.is_active = False
    staff.zhou.save()
    item = _item(oversight.supervisor, agency.pk, 85)
    assert item.score == Decimal(0)
    assert [(r.label, r.ok) for r in item.computed.detail()] == [("法制科", False)]


def test_half_of_the_reviewers_qualified_is_enough_as_50_percent_includes_itself(
    oversight, agency, staff
):
    from tests.conftest import make_officer

    assert _item(oversight.supervisor, agency.pk, 87).score == Decimal(0)  # 周婷: no 资格
    lawyer = make_officer(unit=staff.zhou.unit, name="孙律", number=None, roles=("reviewer",))
    lawyer.has_legal_qualification = True
    lawyer.save()
    item = _item(oversight.supervisor, agency.pk, 87)
    assert item.score == Decimal(1) and "1 人 / 法制审核人员 2 人" in item.computed.figures


def test_the_catalogue_must_cover_each_of_the_five_situations_without_other_conditions(
    oversight, agency, staff
):
    # The statutory four (tests/cases/conftest.py): 听证 alone is not covered.
    scope = _item(oversight.supervisor, agency.pk, 92)
    assert _item(oversight.supervisor, agency.pk, 91).score == Decimal(1)
    assert scope.score == Decimal("0.8")
    assert "目录清单覆盖 4 类 / 应覆盖 5 类情形" in scope.computed.figures
    assert [r.ok for r in scope.computed.detail()] == [True, True, True, False, True]
    catalogue_rule(agency, title="一般程序中经过听证的", procedure="penalty_general",
                   hearing_held=True)  # fmt: skip
    assert _item(oversight.supervisor, agency.pk, 92).score == Decimal("0.8")  # 一般程序 only
    catalogue_rule(agency, title="经过听证程序作出的", hearing_held=True)
    assert _item(oversight.supervisor, agency.pk, 92).score == Decimal(1)


def test_an_agency_without_a_catalogue_scores_nothing_for_it(oversight, agency, staff):
    from sanxiang.review.models import CatalogueRule

    CatalogueRule.objects.filter(agency=agency).update(is_active=False)
    assert _item(oversight.supervisor, agency.pk, 91).score == Decimal(0)
    assert _item(oversight.supervisor, agency.pk, 92).score == Decimal(0)


def test_review_items_read_the_opinions_answers_and_decision_of_a_reviewed_case(
    oversight, staff, notified_case
):
    agency_id = notified_case.agency_id
    supervisor = oversight.supervisor
    assert _item(supervisor, agency_id, 95).score is None  # no decision yet: 待评
    review = review_submit(
        actor=staff.zhang, case_id=notified_case.pk, declared=declared_all(notified_case.agency),
        confirmed=True,
    )  # fmt: skip
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分，请补充。", assisted_by="公职律师 赵敏",
    )  # fmt: skip
    # The handlers are still studying the opinion: not yet counted.
    assert _item(supervisor, agency_id, 106).score is None
    answer_write(
        actor=staff.zhang, review_id=review.pk, accepted=True, study="同意审核意见。",
        action="已补充现场照片。", declared=declared_all(notified_case.agency),
    )  # fmt: skip
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
        summary="事实清楚，证据充分，同意。",
    )  # fmt: skip
    assert Review.objects.get(pk=review.pk).status == "passed"
    case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")

    evidence = _item(supervisor, agency_id, 99)  # 证据是否合法充分
    assert evidence.score == Decimal(1)
    assert "书面意见写明“证据是否合法充分” 1 件 / 应当审核的决定 1 件" in evidence.computed.figures
    assert [(r.value, r.ok) for r in evidence.computed.detail()] == [("末次意见：符合", True)]
    assert all(_item(supervisor, agency_id, n).score == Decimal(1) for n in range(95, 105))
    answered, studied = _item(supervisor, agency_id, 106), _item(supervisor, agency_id, 107)
    assert answered.score == studied.score == Decimal("0.5")
    assert "书面回复 1 件 / 存在问题的审核意见 1 件" in answered.computed.figures
    # The only review had a 公职律师's help: none for (88) 自行审核, full for (90) 协助.
    assert _item(supervisor, agency_id, 88).score == Decimal(0)
    assert _item(supervisor, agency_id, 90).score == Decimal("0.5")

    # 信息化 from the same decision: steps taken here, a 查询码 with the 事先告知书, no 决定书 yet,
    # no 违法行为 chosen from a 裁量基准.
    assert _item(supervisor, agency_id, 115).score == Decimal("0.2")
    assert _item(supervisor, agency_id, 119).score == Decimal("0.2")
    documents = _item(supervisor, agency_id, 131)
    assert documents.score == Decimal(0)
    assert "平台生成决定书 0 件 / 处罚决定 1 件" in documents.computed.figures
    document_generate(actor=staff.zhang, case_id=notified_case.pk, kind="decision")
    assert _item(supervisor, agency_id, 131).score == Decimal("0.2")
    discretion = _item(supervisor, agency_id, 126)
    assert discretion.score == Decimal(0)
    assert [r.value for r in discretion.computed.detail()] == ["未选用裁量基准"]


# --- 信息化 --------------------------------------------------------------------------------


def test_online_supervision_needs_a_supervisor_to_have_opened_a_case_here(
    client, oversight, agency, general_case
):
    item = _item(oversight.supervisor, agency.pk, 116)
    assert item.score == Decimal(0)
    client.force_login(oversight.supervisor.user)
    page = client.get(f"/office/cases/{general_case.pk}/", {"reason": AccessReason.ROUTINE})
    assert page.status_code == 200
    item = _item(oversight.supervisor, agency.pk, 116)
    assert item.score == Decimal("0.2")
    assert "监督人员在平台调阅案件 1 件" in item.computed.figures
    assert [r.url for r in item.computed.detail()] == [f"/office/cases/{general_case.pk}/"]


def _publication(agency, case, *, published: bool, decided_on=date(2026, 5, 11)):
    now = timezone.now()
    return Publication.objects.create(
        agency=agency, case=case, kind="penalty", title=case.title, decided_on=decided_on,
        due_on=date(2026, 5, 20), due_basis="-", fields={},
        status="published" if published else "pending", published_at=now if published else None,
    )  # fmt: skip


def test_publication_and_push_count_what_reached_the_portal_and_the_target(
    oversight, agency, staff
):
    from tests.cases.conftest import ready_case

    shown = _publication(agency, ready_case(staff, title="已公示"), published=True)
    _publication(agency, ready_case(staff, title="逾期未公示"), published=False)
    unified = _item(oversight.supervisor, agency.pk, 118)
    assert unified.score == Decimal("0.1")  # 0.2 × 1 of 2
    assert [r.ok for r in unified.computed.detail()] == [True, False]

    assert _item(oversight.supervisor, agency.pk, 117).score is None  # no target: 待评
    target = PushTarget.objects.create(name="省平台", agency=agency, url="https://example.org/in")
    pushed = _item(oversight.supervisor, agency.pk, 117)
    assert pushed.score == Decimal(0)
    assert "已推送 0 件 / 本年度公示 1 件" in pushed.computed.figures
    Delivery.objects.create(
        key="94fb298e-3f8b-4f29-bb4c-e51e5d53461f", target=target, publication=shown,
        event="publish", payload="{}", payload_sha256="0" * 64, status="sent",
        next_attempt_at=timezone.now(), sent_at=timezone.now(),
    )  # fmt: skip
    assert _item(oversight.supervisor, agency.pk, 117).score == Decimal("0.2")


def test_alerts_count_against_the_agency_only_when_they_were_escalated(oversight, agency, staff):
    rule = AlertRule.objects.get(key="decision_due_soon")
    for subject, escalated in (("case:1", None), ("case:2", timezone.now())):
        Alert.objects.create(
            rule=rule, agency=agency, subject=subject, text="办案期限将届满",
            raised_at=timezone.now(), raised_on=TODAY, escalated_at=escalated,
        )  # fmt: skip
    item = _item(oversight.supervisor, agency.pk, 135)
    assert item.score == Decimal("0.3")  # 0.5 × 1 of 2, half up
    assert "未因逾期未确认而升级 1 条 / 本年度预警 2 条" in item.computed.figures
    assert [r.value for r in item.computed.detail()] == ["待处理", "已升级"]


# --- 组织保障 ------------------------------------------------------------------------------


def test_a_closed_evaluation_campaign_scores_the_findings_the_agency_answered(
    client, setting, campaign
):
    supervisor, head = setting.oversight.supervisor, setting.staff.head
    agency_id = head.unit.agency_id
    item = _item(supervisor, agency_id, 146)
    assert item.score is None and item.computed.figures == "2026年结束的案卷评查未抽查本机关案卷"
    drawn(campaign, supervisor)  # frozen on a declared 双色球 draw, drawn once it is published
    for assignment in campaign.assignments.select_related("evaluator__user"):
        client.force_login(assignment.evaluator.user)
        client.get(f"/office/cases/{assignment.case_id}/", {"reason": AccessReason.FILE_REVIEW})
        items = list(campaign.standard.items.all())
        marks = {i.pk: (Decimal(0), "") for i in items} | {items[0].pk: (Decimal(3), "未编号")}
        assignment_score(actor=assignment.evaluator, assignment_id=assignment.pk, marks=marks)
    ours = campaign.assignments.filter(agency_id=agency_id).order_by("pk")
    assignment_answer(actor=head, assignment_id=ours[0].pk, answer="已补编案件编号")
    assert _item(supervisor, agency_id, 146).score is None  # the campaign is still running
    campaign_close(actor=supervisor, campaign_id=campaign.pk)
    item = _item(supervisor, agency_id, 146)
    assert item.computed.figures == "评查案卷 4 件，平均 97.0 分；已答复整改 1 件"
    assert item.score == Decimal("0.1")  # 0.2 × 1 of 4 = 0.05, half up
    assert [r.ok for r in item.computed.detail()] == [True, False, False, False]
    for row in ours[1:]:
        assignment_answer(actor=head, assignment_id=row.pk, answer="已整改")
    assert _item(supervisor, agency_id, 146).score == Decimal("0.2")


def _issued(supervisor, case) -> Opinion:
    return opinion_issue(
        actor=supervisor,
        data=OpinionInput(
            case_id=case.pk, kind="opinion", problems="询问笔录未记录执法证件号码",
            requirement="今后询问时出示并记录执法证件",
            basis_ids=[OpinionBasis.objects.get(key="ordinance_opinion").pk], period_workdays=20,
        ),
    )  # fmt: skip


def test_supervision_opinions_count_when_answered_by_their_due_date(oversight, agency, staff):
    from sanxiang.cases.models import NumberingRule
    from tests.cases.conftest import ready_case

    NumberingRule.objects.create(
        agency_id=oversight.city_body.agency_id, kind="supervision", prefix="测司监"
    )
    answered = _issued(oversight.supervisor, ready_case(staff, title="已答复"))
    late = _issued(oversight.supervisor, ready_case(staff, title="逾期未答复"))
    assert _item(oversight.supervisor, agency.pk, 148).score is None  # nothing due yet
    opinion_answer(actor=staff.head, opinion_id=answered.pk, text="已组织整改")
    Opinion.objects.filter(pk=late.pk).update(answer_due_on=date(2026, 6, 1))
    item = _item(oversight.supervisor, agency.pk, 148)
    assert item.score == Decimal("0.1")  # 0.2 × 1 of 2
    assert "按期答复 1 份 / 应答复 2 份" in item.computed.figures
    assert [r.ok for r in item.computed.detail()] == [False, True]


def test_post_training_counts_officers_and_reviewers_with_such_a_course_this_year(
    oversight, agency, staff
):
    rows = [
        ("张伟", "99010012001", "新录用执法人员岗前培训", "岗前培训", "16", "2026-03-02"),
        ("周婷", "99010012004", "法制审核实务", "法制审核业务培训", "12", "2026-04-08"),
        ("李娜", "99010012002", "三项制度专题培训班", "“三项制度”专题培训", "8", "2026-04-09"),
        ("王强", "99010012003", "岗位练兵", "岗位培训", "8", "2025-11-03"),  # last year
    ]
    lines = [",".join(COLUMNS)] + [
        ",".join((*row[:5], row[5], row[5], "测试市司法局")) for row in rows
    ]
    trainings_import(
        agency=agency, filename="培训.csv", content="\n".join(lines).encode(), actor="head",
        today=TODAY,
    )  # fmt: skip
    item = _item(oversight.supervisor, agency.pk, 162)
    # 张伟、李娜、王强、周婷 and 刘志强 (负责人 and 执法人员): 2 of 5.
    assert "参加岗前或岗位培训 2 人 / 执法人员和法制审核人员 5 人" in item.computed.figures
    assert item.score == Decimal("0.2")


# --- the page ---------------------------------------------------------------------------


def test_the_scorecard_page_stays_within_its_query_budget(client, oversight, agency, staff):
    """Every computed item is one to four aggregate queries; the lists wait for the item page.
    68 items are computed and 28 attested (121 queries when this budget was set, with the
    log-in's own)."""
    client.force_login(oversight.supervisor.user)
    url = reverse("supervision:scorecard", args=[agency.pk])
    client.get(url, {"year": YEAR})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"year": YEAR}).status_code == 200
    assert len(queries) <= 125
