"""行政处罚法第四十四条、第四十五条、第六十一条: 事先告知 in writing and served, 陈述申辩 recorded
point by point with its 复核, no heavier penalty because of the defence, and 送达 modes that
record what the 民事诉讼法 asks of each, with periods running from the recorded service."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from sanxiang.cases.models import Case, CaseDocument
from sanxiang.cases.periods import PAYMENT_DEADLINE
from sanxiang.cases.services import CaseRefused, case_assess, case_transition, document_generate
from sanxiang.cases.services.assessment import Assessment
from sanxiang.cases.statements import WAIVED
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.core.selectors import get_calendar
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import evidence_on_disk
from tests.conftest import document_served, notice_served, prepare_step, statement_on_file

pytestmark = pytest.mark.dates

TODAY = date(2026, 5, 20)  # a Wednesday


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(TODAY, tick=False):
        yield


def refused(actor, case, action) -> str:
    with pytest.raises(TransitionRefused) as caught:
        case_transition(actor=actor, case_id=case.pk, action=action)
    return caught.value.message


@pytest.fixture
def investigated(staff, general_case) -> Case:
    Case.objects.filter(pk=general_case.pk).update(fine_yuan=Decimal("2000"), hearing_right=True)
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    return case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")


def test_notice_not_served_stops_notify_and_names_what_is_missing(staff, investigated):
    assert "请先制作行政处罚事先告知书" in refused(staff.zhang, investigated, "notify")
    document_generate(
        actor=staff.zhang, case_id=investigated.pk, kind="advance_notice",
        inputs={"intended_fine": "2000", "contact": "张伟 0311-1234567"},
    )  # fmt: skip
    message = refused(staff.zhang, investigated, "notify")
    assert "行政处罚事先告知书尚未送达" in message and "行政处罚法第四十四条" in message
    investigated.refresh_from_db()
    assert investigated.state == "investigated" and investigated.notified_on is None


def test_notice_served_lets_notify_through_and_the_periods_run_from_the_recorded_service(
    staff, investigated
):
    # Made and served on Monday 18 May, recorded two days later; 陈述申辩 and 听证 run from then.
    with time_machine.travel(date(2026, 5, 18), tick=False):
        document_generate(
            actor=staff.zhang, case_id=investigated.pk, kind="advance_notice",
            inputs={"intended_fine": "2000", "contact": "张伟 0311-1234567"},
        )  # fmt: skip
    document_served(staff.zhang, investigated, "advance_notice", served_at="2026-05-18T15:00")
    case = case_transition(actor=staff.zhang, case_id=investigated.pk, action="notify")
    assert case.state == "notified"
    assert case.notified_on == date(2026, 5, 18), "not the day of the click (20 May)"
    # Five working days to ask for a hearing, from 18 May: 25 May (第六十四条、第八十五条).
    assert case.step_due_on == date(2026, 5, 25)


def test_a_corrected_notice_must_be_served_again(staff, investigated):
    notice_served(staff.zhang, investigated)
    document_generate(
        actor=staff.zhang, case_id=investigated.pk, kind="advance_notice",
        inputs={"intended_fine": "1500", "contact": "张伟 0311-1234567"},
    )  # fmt: skip
    assert "已更正的文书须重新送达" in refused(staff.zhang, investigated, "notify")


def test_notice_served_by_publication_counts_thirty_days_later(staff, investigated):
    notice_served(staff.zhang, investigated, method="公告送达")
    message = refused(staff.zhang, investigated, "notify")
    assert "至 2026年06月19日 方送达" in message and "民事诉讼法第九十五条" in message
    with time_machine.travel(date(2026, 6, 19), tick=False):
        case = case_transition(actor=staff.zhang, case_id=investigated.pk, action="notify")
    assert case.notified_on == date(2026, 6, 19)


@pytest.mark.parametrize(
    ("method", "missing"),
    [
        ("留置送达", "留置送达须写明受送达人拒收的事由"),
        ("邮寄送达", "邮寄送达须写明邮件号码"),
        ("电子送达", "电子送达须经当事人同意并签订确认书"),
        ("委托送达", "委托送达须写明受委托的机关或者单位"),
        ("公告送达", "公告送达须写明公告的载体"),
    ],
)
def test_each_service_mode_records_what_the_law_asks_of_it(staff, investigated, method, missing):
    document_generate(
        actor=staff.zhang, case_id=investigated.pk, kind="advance_notice",
        inputs={"intended_fine": "2000", "contact": "张伟 0311-1234567"},
    )  # fmt: skip
    inputs = {"served_document": "advance_notice", "recipient": "王某", "method": method,
              "served_at": "2026-05-20T09:00", "place": "人民路 1 号"}  # fmt: skip
    with pytest.raises(CaseRefused, match=missing):
        document_generate(
            actor=staff.zhang, case_id=investigated.pk, kind="service_proof", inputs=inputs
        )
    assert not CaseDocument.objects.filter(kind="service_proof").exists()


def test_witness_and_refusal_are_printed_on_the_proof_of_service(staff, investigated):
    from docx import Document

    from sanxiang.evidence.storage import blob_name, open_blob

    notice_served(staff.zhang, investigated, method="留置送达")
    proof = CaseDocument.objects.get(kind="service_proof")
    with open_blob(blob_name(proof.docx_sha256)) as handle:
        text = "".join(p.text for p in Document(handle).paragraphs)
    assert "送达方式：留置送达" in text
    assert "拒收事由：拒绝签收" in text and "见证人：社区居委会 王五" in text


@pytest.fixture
def notified(staff, investigated) -> Case:
    notice_served(staff.zhang, investigated)
    return case_transition(actor=staff.zhang, case_id=investigated.pk, action="notify")


def test_statement_without_content_stops_record_statement(staff, notified):
    message = refused(staff.zhang, notified, "record_statement")
    assert "请先制作陈述申辩笔录" in message and "行政处罚法第四十五条" in message
    with pytest.raises(CaseRefused, match="请逐行记录当事人陈述、申辩的意见"):
        document_generate(
            actor=staff.zhang, case_id=notified.pk, kind="statement_record",
            inputs={"way": "当面陈述、申辩", "stated_at": "2026-05-20T09:00", "person": "王某"},
        )  # fmt: skip
    notified.refresh_from_db()
    assert notified.statement_closed_on is None


def test_each_point_needs_its_written_review_before_the_statement_counts(staff, notified):
    document_generate(
        actor=staff.zhang, case_id=notified.pk, kind="statement_record",
        inputs={"way": "当面陈述、申辩", "stated_at": "2026-05-20T09:00", "person": "王某",
                "points": "摊位是临时摆放\n家庭困难，请求从轻"},
    )  # fmt: skip
    assert "请先制作陈述申辩复核意见" in refused(staff.zhang, notified, "record_statement")
    with pytest.raises(CaseRefused, match="复核意见须逐项答复（现有 1 项）"):
        document_generate(
            actor=staff.zhang, case_id=notified.pk, kind="statement_review",
            inputs={"replies": "不采纳：现场照片显示已持续经营", "conclusion": "维持"},
        )  # fmt: skip
    with pytest.raises(CaseRefused, match="第 2 项须以“采纳：”或“不采纳：”开头"):
        document_generate(
            actor=staff.zhang, case_id=notified.pk, kind="statement_review",
            inputs={"replies": "不采纳：现场照片显示已持续经营\n酌情考虑", "conclusion": "维持"},
        )  # fmt: skip
    review = document_generate(
        actor=staff.zhang, case_id=notified.pk, kind="statement_review",
        inputs={"replies": "不采纳：现场照片显示已持续经营\n采纳：依法从轻处罚",
                "conclusion": "从轻处罚"},
    )  # fmt: skip
    assert review.fields["points"] == "摊位是临时摆放\n家庭困难，请求从轻"
    case = case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    assert case.statement_closed_on == TODAY


def test_a_waiver_is_a_record_too(staff, notified):
    statement_on_file(staff.zhang, notified)
    case = case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    assert case.statement_closed_on == TODAY
    assert LedgerEntry.objects.filter(
        action="cases.document.generated",
        object_id=str(CaseDocument.objects.get(kind="statement_record").pk),
    ).exists()


def test_a_written_statement_points_to_its_material_in_the_evidence(staff, notified):
    with pytest.raises(CaseRefused, match="没有记录编号为“nope”的材料"):
        document_generate(
            actor=staff.zhang, case_id=notified.pk, kind="statement_record",
            inputs={"way": "提交书面陈述、申辩材料", "stated_at": "2026-05-20T09:00",
                    "person": "王某", "points": "请求从轻", "material": "nope"},
        )  # fmt: skip


def _assess(staff, case, fine):
    return case_assess(
        actor=staff.zhang, case_id=case.pk,
        assessment=Assessment(facts="占道经营", penalty_kinds=("fine",), fine_yuan=Decimal(fine),
                              hearing_right=True),
    )  # fmt: skip


def test_heavier_fine_after_the_defence_is_refused(staff, notified):
    statement_on_file(staff.zhang, notified, "请求从轻")
    with pytest.raises(
        CaseRefused, match="不得因当事人陈述、申辩而给予更重的处罚（行政处罚法第四十五条第二款）"
    ):
        _assess(staff, notified, "3000")
    notified.refresh_from_db()
    assert notified.fine_yuan == Decimal("2000"), "nothing changed"
    assert _assess(staff, notified, "1500").fine_yuan == Decimal("1500")


def test_a_decision_heavier_than_the_notice_is_refused(staff, notified):
    Case.objects.filter(pk=notified.pk).update(fine_yuan=Decimal("5000"))
    statement_on_file(staff.zhang, notified)
    case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    with time_machine.travel(TODAY + timedelta(days=10), tick=False):
        message = refused(staff.head, notified, "decide")
    assert (
        "罚款 5000.00 元高于事先告知的 2000 元，应当重新事先告知（行政处罚法第四十四条）" in message
    )


def test_the_decision_is_served_when_its_proof_says_and_payment_runs_from_then(staff, notified):
    statement_on_file(staff.zhang, notified)
    case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    later = TODAY + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        case_transition(actor=staff.head, case_id=notified.pk, action="decide")
        document_generate(actor=staff.zhang, case_id=notified.pk, kind="decision")
        assert "行政处罚决定书尚未送达" in refused(staff.zhang, notified, "serve")
        document_served(staff.zhang, notified, "decision", served_at=f"{later}T08:30")
    with time_machine.travel(later + timedelta(days=2), tick=False):
        case = case_transition(actor=staff.zhang, case_id=notified.pk, action="serve")
    assert case.served_on == later
    # 第六十七条: fifteen days from service (the 送达回证's date), not from the click.
    assert case.payment_due_on == PAYMENT_DEADLINE.due(later, get_calendar())
    assert case.payment_due_on != PAYMENT_DEADLINE.due(later + timedelta(days=2), get_calendar())


def test_a_corrected_notice_must_be_served_and_notified_again_before_the_decision(staff, notified):
    """第四十四条: the decision rests on the notice the party received; a new version opens a new
    陈述申辩 period once served and notified."""
    statement_on_file(staff.zhang, notified)
    case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    assert "事先告知书更正并重新送达后，方可重新告知" in refused(staff.zhang, notified, "notify")
    document_generate(
        actor=staff.zhang, case_id=notified.pk, kind="advance_notice",
        inputs={"intended_fine": "5000", "contact": "张伟 0311-1234567"},
    )  # fmt: skip
    later = TODAY + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        assert "尚未送达" in refused(staff.head, notified, "decide")
        document_served(staff.zhang, notified, "advance_notice")
        assert "请重新办理“事先告知”" in refused(staff.head, notified, "decide")
        case = case_transition(actor=staff.zhang, case_id=notified.pk, action="notify")
    assert case.notified_on == later and case.statement_closed_on is None
    assert "请先制作陈述申辩笔录" in refused(staff.zhang, notified, "record_statement")


def test_a_statement_cannot_be_dated_before_the_notice_was_served(staff, notified):
    with pytest.raises(CaseRefused, match="不能早于事先告知书送达之日"):
        document_generate(
            actor=staff.zhang, case_id=notified.pk, kind="statement_record",
            inputs={"way": WAIVED, "stated_at": "2026-05-19T09:00", "person": "王某"},
        )  # fmt: skip


def test_lodged_service_needs_a_witness_or_a_recording_of_it(staff, investigated):
    from tests.cases.test_recording_list import own_row

    # An agency that does not list 留置送达 for 音像记录: 民事诉讼法 still asks for one of two.
    own_row(investigated.agency, "lodged_service", is_active=False)
    document_generate(
        actor=staff.zhang, case_id=investigated.pk, kind="advance_notice",
        inputs={"intended_fine": "2000", "contact": "张伟 0311-1234567"},
    )  # fmt: skip
    inputs = {"served_document": "advance_notice", "recipient": "王某", "method": "留置送达",
              "served_at": "2026-05-20T09:00", "place": "人民路 1 号",
              "refusal": "拒收"}  # fmt: skip
    with pytest.raises(CaseRefused, match=r"须有见证人到场.*或者以拍照、录像等方式记录"):
        document_generate(
            actor=staff.zhang, case_id=investigated.pk, kind="service_proof", inputs=inputs
        )
    document_generate(
        actor=staff.zhang, case_id=investigated.pk, kind="service_proof",
        inputs={**inputs, "witness": "社区居委会 王五"},
    )  # fmt: skip
