"""The agency's side: the list with due dates, the 负责人's decisions, 办理, 转办, 案源登记,
statistics, and what officers of another agency (or without the role) cannot see or do."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from sanxiang.cases.models import Case
from sanxiang.complaints.models import Complaint, ComplaintStep, Status
from sanxiang.complaints.selectors import due_count_for, figures_for
from sanxiang.complaints.services import ComplaintRefused, complaint_accept
from sanxiang.ledger.models import LedgerEntry
from tests.complaints.conftest import category, submit
from tests.core.visible import visible_text
from tests.office.test_no_internal_codes import leaks

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(agency) -> Complaint:
    submit(Client(), agency)
    return Complaint.objects.get()


def _as(officer) -> Client:
    client = Client()
    client.force_login(officer.user)
    return client


def test_the_head_sees_the_list_with_due_dates(head, complaint):
    page = _as(head).get("/office/complaints/")
    html = page.content.decode()
    assert page.status_code == 200
    assert complaint.display_code in html and "2026-06-25" in html and "2026年统计" in html


def test_the_head_accepts_and_replies_and_the_complainant_reads_the_reply(head, complaint):
    office = _as(head)
    assert office.post(f"/office/complaints/{complaint.pk}/accept", {}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED and complaint.decided_on == date(2026, 6, 10)
    # 60 日 from acceptance (default rule) end on Sunday 9 August: the next working day counts.
    assert complaint.reply_due == date(2026, 8, 10)
    officer_page = office.post(f"/office/complaints/{complaint.pk}/start", {})
    assert officer_page.status_code == 302
    reply = "经现场核查，当事人占道经营属实，已责令改正并立案调查。"
    assert (
        office.post(f"/office/complaints/{complaint.pk}/reply", {"reply-reply": reply}).status_code
        == 302
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED and complaint.answer == reply
    steps = list(
        ComplaintStep.objects.filter(complaint=complaint).values_list("to_status", flat=True)
    )
    assert steps == ["registered", "accepted", "handling", "replied"]
    actions = set(
        LedgerEntry.objects.filter(action__startswith="complaints.").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "complaints.complaint.registered",
        "complaints.complaint.accepted",
        "complaints.complaint.handling",
        "complaints.complaint.replied",
    }
    page = Client().post("/gongshi/complaints/status/", {"code": complaint.code})
    html = page.content.decode()
    assert "已答复" in html and reply in html and head.name not in html


def test_a_refusal_needs_reasons_and_shows_them_to_the_complainant(head, complaint):
    office = _as(head)
    empty = office.post(f"/office/complaints/{complaint.pk}/refuse", {"refuse-reasons": ""})
    assert empty.status_code == 400
    assert Complaint.objects.get().status == Status.REGISTERED
    office.post(
        f"/office/complaints/{complaint.pk}/refuse", {"refuse-reasons": "不属于本机关职责范围。"}
    )
    page = Client().post("/gongshi/complaints/status/", {"code": complaint.code})
    assert (
        "不予受理的理由" in page.content.decode()
        and "不属于本机关职责范围" in page.content.decode()
    )


def test_an_officer_of_another_agency_cannot_see_or_act(complaint, other_head):
    other = _as(other_head)
    assert complaint.display_code not in other.get("/office/complaints/?status=").content.decode()
    assert other.get(f"/office/complaints/{complaint.pk}/").status_code == 404
    assert other.post(f"/office/complaints/{complaint.pk}/accept", {}).status_code == 404
    with pytest.raises(ComplaintRefused):
        complaint_accept(actor=other_head, complaint_id=complaint.pk)
    assert Complaint.objects.get().status == Status.REGISTERED


def test_a_plain_officer_handles_but_does_not_decide(officer, head, complaint):
    office = _as(officer)
    page = office.get(f"/office/complaints/{complaint.pk}/")
    assert page.status_code == 200 and "step-accept" not in page.content.decode()
    assert office.post(f"/office/complaints/{complaint.pk}/accept", {}).status_code == 400
    assert Complaint.objects.get().status == Status.REGISTERED
    complaint_accept(actor=head, complaint_id=complaint.pk)
    assert office.post(f"/office/complaints/{complaint.pk}/start", {}).status_code == 302
    assert Complaint.objects.get().status == Status.HANDLING


def test_a_complaint_about_an_officer_is_seen_only_by_the_head(officer, head, agency):
    submit(Client(), agency, kind="complaint", subject="officer")
    complaint = Complaint.objects.get()
    assert _as(officer).get(f"/office/complaints/{complaint.pk}/").status_code == 404
    assert _as(head).get(f"/office/complaints/{complaint.pk}/").status_code == 200


def test_a_transfer_moves_the_complaint_and_restarts_the_clock(
    head, other_head, other_agency, complaint
):
    with time_machine.travel("2026-06-12 10:00 +0800", tick=True):
        response = _as(head).post(
            f"/office/complaints/{complaint.pk}/transfer",
            {"transfer-agency": other_agency.pk, "transfer-reasons": "属于市场监管职责。"},
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.agency == other_agency and complaint.status == Status.TRANSFERRED
    # 15 日 end on Saturday 27 June: the period ends on the next working day.
    assert complaint.received_on == date(2026, 6, 12) and complaint.accept_due == date(2026, 6, 29)
    assert _as(head).get(f"/office/complaints/{complaint.pk}/").status_code == 404
    assert _as(other_head).get(f"/office/complaints/{complaint.pk}/").status_code == 200
    complaint_accept(actor=other_head, complaint_id=complaint.pk)
    page = Client().post("/gongshi/complaints/status/", {"code": complaint.code})
    assert "已转办" in page.content.decode() and other_agency.name in page.content.decode()


def test_an_accepted_report_becomes_a_case_with_the_complaint_as_its_source(
    officer, head, complaint
):
    complaint_accept(actor=head, complaint_id=complaint.pk)
    response = _as(officer).post(
        f"/office/complaints/{complaint.pk}/case",
        {"case-title": "占道经营", "case-category": category("城市管理").pk},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    case = Case.objects.get()
    assert complaint.case == case and complaint.status == Status.HANDLING
    assert (
        case.source
        == f"投诉举报（跟踪码 {complaint.code[:4]}-{complaint.code[4:8]}-{complaint.code[8:]}）"
    )
    assert case.agency_id == complaint.agency_id and "占道经营" in case.facts
    again = _as(officer).post(
        f"/office/complaints/{complaint.pk}/case",
        {"case-title": "占道经营", "case-category": category("城市管理").pk},
    )
    assert again.status_code == 400 and Case.objects.count() == 1


def test_the_figures_count_by_kind_status_and_time(head, agency, complaint):
    submit(Client(), agency, kind="complaint")
    complaint_accept(actor=head, complaint_id=complaint.pk)
    with time_machine.travel("2026-07-01 10:00 +0800", tick=True):
        figures = figures_for(head, year=2026)
        assert figures.total == 2
        assert dict(figures.by_kind) == {"投诉": 1, "举报": 1}
        assert dict(figures.by_status)["已受理"] == 1
        assert figures.decided_on_time == 1 and figures.overdue_now == 1
        assert due_count_for(head) == 1


def test_the_desk_counts_overdue_complaints(head, complaint):
    with time_machine.travel("2026-06-26 10:00 +0800", tick=True):
        page = _as(head).get("/office/").content.decode()
    assert "投诉举报已超期 1 件" in page


def test_the_pages_name_things_in_chinese_never_by_their_codes(head, complaint):
    complaint_accept(actor=head, complaint_id=complaint.pk)
    office = _as(head)
    words = {"registered", "accepted", "handling", "violation", "report", "workdays"}
    pages = [
        office.get("/office/complaints/?status=").content,
        office.get(f"/office/complaints/{complaint.pk}/").content,
        Client().post("/gongshi/complaints/status/", {"code": complaint.code}).content,
    ]
    for page in pages:
        assert leaks(page) == []
        assert not words & set(visible_text(page).split())
