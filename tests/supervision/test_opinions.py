"""执法监督意见 / 责令纠正: issued by a supervising body's 监督人员 on a case of an agency under it,
numbered per body and year, a document with QR verification; answered in writing by the
agency's 负责人 within the period; accepted or returned by the body; overdue answers warn."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from docx import Document

from sanxiang.alerts.models import Alert, AlertRule
from sanxiang.alerts.services import alerts_evaluate
from sanxiang.cases.models import NumberingRule
from sanxiang.core.selectors import get_calendar
from sanxiang.evidence.models import EvidenceItem
from sanxiang.ledger.models import LedgerEntry
from sanxiang.office.desk import desk_for
from sanxiang.supervision.opinions.models import (
    Opinion,
    OpinionBasis,
    OpinionStatus,
    OpinionStep,
)
from sanxiang.supervision.opinions.services import (
    OpinionInput,
    OpinionRefused,
    opinion_answer,
    opinion_issue,
)
from sanxiang.supervision.selectors import dashboard_for

TODAY = date(2026, 6, 10)  # tests/conftest.py pins the clock


@pytest.fixture
def numbered(oversight):
    NumberingRule.objects.create(
        agency_id=oversight.city_body.agency_id, kind="supervision", prefix="测司监"
    )
    return oversight


def _form(case, **changes):
    basis = OpinionBasis.objects.get(key="ordinance_opinion")
    return {
        "case_number": str(case.pk),
        "kind": "opinion",
        "problems": "立案审批表缺少负责人签名；询问笔录未记录执法证件号码。",
        "legal_point": "procedure",
        "requirement": "补正立案审批手续，今后询问时出示并记录执法证件。",
        "bases": [str(basis.pk)],
        "period_workdays": "20",
        **changes,
    }


def _issue(client, supervisor, case, **changes):
    client.force_login(supervisor.user)
    return client.post(reverse("supervision:opinion-new"), _form(case, **changes))


def _issued(supervisor, case, *, kind="opinion", period=20) -> Opinion:
    key = "ordinance_order" if kind == "order" else "ordinance_opinion"
    return opinion_issue(
        actor=supervisor,
        data=OpinionInput(
            case_id=case.pk, kind=kind, problems="问题", requirement="要求",
            basis_ids=[OpinionBasis.objects.get(key=key).pk], period_workdays=period,
        ),
    )  # fmt: skip


def test_the_basis_list_is_loaded_from_the_data_file_with_its_periods(db):
    assert OpinionBasis.objects.get(key="ordinance_opinion").answer_workdays == 20
    assert OpinionBasis.objects.get(key="ordinance_order").answer_workdays == 15
    assert "国务院令第825号" in OpinionBasis.objects.get(key="ordinance_supervision").source


def test_supervisor_issues_an_opinion_numbered_with_a_working_day_period_and_a_ledger_event(
    client, staff, numbered, general_case
):
    response = _issue(client, numbered.supervisor, general_case)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.number == "测司监〔2026〕1号"
    assert opinion.body == numbered.city_body and opinion.agency_id == general_case.agency_id
    assert opinion.status == OpinionStatus.ISSUED and opinion.issued_on == TODAY
    assert opinion.answer_due_on == get_calendar().add_workdays(TODAY, 20)
    event = LedgerEntry.objects.get(action="supervision.opinion.issued")
    assert event.object_id == str(opinion.pk)
    assert event.content_sha256 == opinion.docx_sha256
    assert event.log.key == f"agency:{general_case.agency_id}"  # the agency's own log
    assert OpinionStep.objects.get(opinion=opinion).kind == "issued"


def test_numbers_run_per_body_and_year_without_gaps_even_after_a_refusal(
    staff, numbered, general_case
):
    first = _issued(numbered.supervisor, general_case)
    with pytest.raises(OpinionRefused):
        opinion_issue(
            actor=numbered.supervisor,
            data=OpinionInput(
                case_id=general_case.pk, kind="opinion", problems="  ", requirement="x",
                basis_ids=[], period_workdays=20,
            ),
        )  # fmt: skip
    with pytest.raises(OpinionRefused, match="答复期限应为 1 至 60 个工作日"):
        _issued(numbered.supervisor, general_case, period=0)
    second = _issued(numbered.supervisor, general_case, kind="order", period=15)
    assert [first.number, second.number] == ["测司监〔2026〕1号", "测司监〔2026〕2号"]


def test_the_document_is_a4_with_body_number_problems_basis_and_qr_verification(
    client, staff, numbered, general_case, settings
):
    settings.SANXIANG_PUBLIC_URL = "https://zhifa.example.gov.cn"
    opinion = _issued(numbered.supervisor, general_case)
    client.force_login(numbered.supervisor.user)
    response = client.get(reverse("supervision:opinion-file", args=[opinion.pk, "docx"]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "行政执法监督意见书" in text and "测司监〔2026〕1号" in text
    assert "测试市司法局（印章）" in text and "签发人签名" in text
    assert "《行政执法监督条例》" in text
    assert f"https://zhifa.example.gov.cn/gongshi/documents/{opinion.verification_code}/" in text
    width, height = document.sections[0].page_width, document.sections[0].page_height
    assert width is not None and height is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    assert document.inline_shapes  # the QR code


def test_the_portal_verifies_the_document_by_its_code(client, staff, numbered, general_case):
    opinion = _issued(numbered.supervisor, general_case)
    page = client.get(reverse("portal:document-verify", args=[opinion.verification_code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "行政执法监督意见书" in body and opinion.number in body and "测试市司法局" in body
    assert opinion.docx_sha256 in body
    assert client.get(reverse("portal:document-verify", args=["0" * 12])).status_code == 404


def test_head_answers_then_supervisor_returns_then_accepts_with_history_and_events(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    client.force_login(staff.head.user)
    url = reverse("supervision:opinion-answer", args=[opinion.pk])
    assert client.post(url, {"text": "已补正立案审批手续。"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED

    client.force_login(numbered.supervisor.user)
    review = reverse("supervision:opinion-review", args=[opinion.pk])
    assert client.post(review, {"decision": "return", "note": ""}).status_code == 400
    assert client.post(review, {"decision": "return", "note": "未附整改材料。"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.RETURNED

    client.force_login(staff.head.user)
    assert client.post(url, {"text": "已补正，附整改报告。"}).status_code == 302
    client.force_login(numbered.supervisor.user)
    assert client.post(review, {"decision": "accept", "note": ""}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ACCEPTED
    kinds = list(OpinionStep.objects.filter(opinion=opinion).values_list("kind", flat=True))
    assert kinds == ["issued", "answered", "returned", "answered", "accepted"]
    actions = LedgerEntry.objects.filter(object_type="supervision.opinion").values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        ["supervision.opinion.issued", "supervision.opinion.answered",
         "supervision.opinion.returned", "supervision.opinion.answered",
         "supervision.opinion.accepted"]
    )  # fmt: skip
    # The history is append-only.
    with pytest.raises(DatabaseError), transaction.atomic():
        OpinionStep.objects.filter(opinion=opinion).update(text="改写")


def test_an_answer_may_attach_evidence_the_head_may_see_and_nothing_else(
    staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    with pytest.raises(OpinionRefused, match="未找到证据记录编号"):
        opinion_answer(
            actor=staff.head, opinion_id=opinion.pk, text="已整改", evidence_references="nope-1"
        )
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"problems": "  "}, "这个字段是必填项"),
        ({"period_workdays": "0"}, "1"),
        ({"case_number": "999999"}, "不在本机构监督范围内"),
        ({"bases": []}, "这个字段是必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(
    client, staff, numbered, general_case, changes, message
):
    response = _issue(client, numbered.supervisor, general_case, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Opinion.objects.exists()
    assert not LedgerEntry.objects.filter(object_type="supervision.opinion").exists()


def test_an_order_basis_cannot_be_cited_on_an_opinion(client, staff, numbered, general_case):
    order_only = OpinionBasis.objects.get(key="ordinance_order")
    response = _issue(client, numbered.supervisor, general_case, bases=[str(order_only.pk)])
    assert response.status_code == 400
    assert "请选择适用于该文书的依据" in response.content.decode()
    assert not Opinion.objects.exists()


def test_only_supervisors_of_the_body_over_the_agency_issue(client, staff, numbered, general_case):
    # The county body does not supervise the city's agency; an officer is no supervisor.
    assert _issue(client, numbered.county_supervisor, general_case).status_code == 400
    assert _issue(client, staff.head, general_case).status_code == 403
    # The city body reaches the county agency through the county body.
    assert _issue(client, numbered.supervisor, numbered.county_case).status_code == 302
    assert not Opinion.objects.filter(case=general_case).exists()


def test_only_the_agency_head_answers_and_only_the_body_reviews(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    answer = reverse("supervision:opinion-answer", args=[opinion.pk])
    review = reverse("supervision:opinion-review", args=[opinion.pk])
    # A handler reads it but may not answer; a supervisor may not answer for the agency.
    general_case.handlers.add(staff.zhang)
    client.force_login(staff.zhang.user)
    assert client.get(reverse("supervision:opinion", args=[opinion.pk])).status_code == 200
    assert client.post(answer, {"text": "已整改"}).status_code == 403
    client.force_login(numbered.supervisor.user)
    assert client.post(answer, {"text": "已整改"}).status_code == 403
    # Nothing to review yet.
    assert client.post(review, {"decision": "accept"}).status_code == 400
    # Officers of another agency, and an out-of-scope supervisor, do not see it at all.
    client.force_login(numbered.outside_case.handlers.first().user)
    assert client.get(reverse("supervision:opinion", args=[opinion.pk])).status_code == 404
    assert client.post(answer, {"text": "已整改"}).status_code == 404
    client.force_login(numbered.county_supervisor.user)
    assert client.post(review, {"decision": "accept"}).status_code == 404
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED
    assert OpinionStep.objects.filter(opinion=opinion).count() == 1


def test_the_case_page_shows_an_open_opinion_only_to_those_who_may_read_it(
    client, staff, numbered, general_case
):
    """王强 sees the case (his unit's) but neither handles it nor heads the agency: the page
    has no notice for him, while 李娜, a handler, has it; once it is accepted, nobody has."""
    opinion = _issued(numbered.supervisor, general_case)
    url = reverse("cases:detail", args=[general_case.pk])
    client.force_login(staff.wang.user)
    page = client.get(url).content.decode()
    assert general_case.title in page and "执法监督：" not in page
    client.force_login(staff.li.user)
    assert opinion.number in client.get(url).content.decode()
    Opinion.objects.filter(pk=opinion.pk).update(status=OpinionStatus.ACCEPTED)
    assert "执法监督：" not in client.get(url).content.decode()


def test_the_head_sees_open_opinions_on_the_desk_and_the_case_page(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    assert list(desk_for(staff.head, TODAY).opinions) == [opinion]
    client.force_login(staff.head.user)
    home = client.get(reverse("office:home")).content.decode()
    assert opinion.number in home
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert f"执法监督：测试市司法局行政执法监督意见书（{opinion.number}）待答复" in page
    assert "查看并答复" in page
    # The supervisor's case page offers to issue one; his desk lists answers to review.
    client.force_login(numbered.supervisor.user)
    page = client.get(
        reverse("cases:detail", args=[general_case.pk]), {"reason": "routine"}
    ).content.decode()
    assert f"{reverse('supervision:opinion-new')}?case={general_case.pk}" in page
    opinion_answer(actor=staff.head, opinion_id=opinion.pk, text="已整改")
    assert list(desk_for(numbered.supervisor, TODAY).opinions) == [opinion]
    assert list(desk_for(staff.head, TODAY).opinions) == []


def test_an_overdue_answer_raises_an_alert_for_heads_and_supervisors_and_counts_on_the_dashboard(
    staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case, period=1)
    rule = AlertRule.objects.get(key="opinion_overdue")
    assert "负责人" in rule.audience and "监督人员" in rule.audience
    alerts_evaluate(today=TODAY)
    assert not Alert.objects.filter(rule=rule).exists()
    later = opinion.answer_due_on + timedelta(days=1)
    alerts_evaluate(today=later)
    alert = Alert.objects.get(rule=rule)
    assert alert.subject == f"opinion:{opinion.pk}" and opinion.number in alert.text
    dashboard = dashboard_for(numbered.supervisor, today=later, calendar=get_calendar())
    row = next(r for r in dashboard.rows if r.key == general_case.agency_id)
    assert (row.counts["opinion_open"], row.counts["opinion_overdue"]) == (1, 1)
    # Answered, the alert resolves on the next evaluation; the opinion is open, not overdue.
    opinion_answer(actor=staff.head, opinion_id=opinion.pk, text="已整改")
    alerts_evaluate(today=later)
    alert.refresh_from_db()
    assert alert.status == "resolved"
    dashboard = dashboard_for(numbered.supervisor, today=later, calendar=get_calendar())
    row = next(r for r in dashboard.rows if r.key == general_case.agency_id)
    assert (row.counts["opinion_open"], row.counts["opinion_overdue"]) == (1, 0)


def test_a_supervisor_posts_opinions_through_the_read_only_middleware_but_no_case_step(
    client, staff, numbered, general_case
):
    client.force_login(numbered.supervisor.user)
    assert client.get(reverse("supervision:opinion-new")).status_code == 200
    assert client.get(reverse("supervision:opinions")).status_code == 200
    response = client.post(reverse("cases:act", args=[general_case.pk]), {"action": "register"})
    assert response.status_code == 403


def test_the_dashboard_figure_of_open_opinions_drills_down_to_its_cases(
    client, staff, numbered, general_case
):
    _issued(numbered.supervisor, general_case)
    client.force_login(numbered.supervisor.user)
    home = client.get(reverse("supervision:home")).content.decode()
    assert "意见未结" in home and reverse("supervision:opinions") in home
    listed = client.get(
        reverse("supervision:cases"),
        {"metric": "opinion_open", "agency": general_case.agency_id},
    )
    assert listed.status_code == 200
    assert general_case.title in listed.content.decode()
