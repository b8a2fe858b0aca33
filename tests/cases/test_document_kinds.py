"""The remaining 文书: each carries what its article requires, from the case and typed inputs."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import Case, CaseDocument
from sanxiang.cases.services import (
    CaseRefused,
    case_basis_set,
    case_transition,
    document_fields_sha256,
    document_generate,
)
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.core.workdays import package_calendar
from sanxiang.evidence.storage import open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import attach_record, evidence_on_disk, ready_case, set_basis
from tests.cases.test_documents import pdf_text
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def text_of(document: CaseDocument) -> str:
    """What a reader of the PDF sees (pdftotext), without the layout's spaces and breaks."""
    from sanxiang.cases.pdf import document_pdf_ensure
    from sanxiang.evidence.storage import blob_name

    document = document_pdf_ensure(document.pk)  # converted after generation
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        return "".join(pdf_text(handle.read()).split())


def steps(case: Case, *moves) -> Case:
    for actor, action in moves:
        prepare_step(actor, case.pk, action)
        case = case_transition(actor=actor, case_id=case.pk, action=action)
    return case


def investigating(staff, **changes) -> Case:
    case = ready_case(staff, **changes)
    return steps(case, (staff.head, "register"))


def notified(staff, articles, **changes) -> Case:
    case = investigating(staff, **changes)
    set_basis(staff, case, articles)
    return steps(
        case, (staff.zhang, "conclude"), (staff.zhang, "notify"), (staff.zhang, "record_statement")
    )


NOTICE = {"intended_fine": "2000", "contact": "张伟 0591-12345678"}


def test_an_inspection_record_names_time_place_findings_and_the_certificates_shown(
    staff, inspection
):
    document = document_generate(
        actor=staff.zhang,
        case_id=inspection.pk,
        kind="inspection_record",
        inputs={
            "started_at": "2026-05-20T09:30",
            "ended_at": "2026-05-20T10:15",
            "place": "测试市人民路 88 号某餐饮公司后厨",
            "present": "李某（店长）",
            "findings": "油烟净化设施未开启，排烟管道直排。",
        },
    )
    text = text_of(document)
    assert "现场检查笔录" in text and "2026年05月20日09时30分" in text
    assert "油烟净化设施未开启" in text and "李某（店长）" in text
    assert "99010012001" in text and "出示执法证件" in text, "第五十五条: certificates shown"
    assert document.fields["place"] == "测试市人民路 88 号某餐饮公司后厨"


def test_an_inquiry_record_keeps_the_questions_and_answers_in_order(staff, general_case):
    case = steps(general_case, (staff.head, "register"))
    document = document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="inquiry_record",
        inputs={
            "started_at": "2026-05-20T14:00",
            "ended_at": "2026-05-20T14:40",
            "place": "执法一大队询问室",
            "person": "王某",
            "person_role": "当事人",
            "qa": "问：你在人民路摆摊多久了？\n答：大约三个月。\n"
            "问：是否办理了占道许可？\n答：没有。",
        },
    )
    text = text_of(document)
    assert text.index("大约三个月") < text.index("是否办理了占道许可") < text.index("答：没有")
    assert "如实回答询问" in text and "被询问人签名" in text
    assert document.fields["qa"][0] == {"speaker": "问", "text": "你在人民路摆摊多久了？"}


def test_a_correction_order_cites_the_violated_article_and_the_deadline(
    staff, general_case, articles
):
    case = steps(general_case, (staff.head, "register"))
    with pytest.raises(CaseRefused, match="请先在案件中登记违法依据"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="correction_order",
            inputs={"requirement": "立即停止占道经营", "deadline": "2026-05-25"},
        )
    set_basis(staff, case, articles)
    document = document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="correction_order",
        inputs={"requirement": "立即停止占道经营，清理占道物品", "deadline": "2026-05-25"},
    )
    text = text_of(document)
    assert "违反了《城市市容和环境卫生管理条例》第十四条的规定" in text
    assert "2026年05月25日前改正" in text and "清理占道物品" in text


def test_the_advance_notice_offers_a_hearing_within_five_working_days_when_the_case_has_the_right(
    staff, articles
):
    case = notified(staff, articles, hearing_right=True)
    document = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE
    )
    text = text_of(document)
    assert "拟对你（单位）作出如下行政处罚：罚款人民币2000元" in text
    assert "依据《城市市容和环境卫生管理条例》第三十六条的规定" in text
    assert "陈述和申辩" in text and "不因你（单位）陈述、申辩而给予更重的处罚" in text
    assert "有权要求听证" in text and "五个工作日内" in text


def test_the_advance_notice_of_a_case_without_hearing_right_mentions_no_hearing(staff, articles):
    case = notified(staff, articles)
    text = text_of(
        document_generate(actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE)
    )
    assert "陈述和申辩" in text and "听证" not in text


def test_the_advance_notice_comes_before_legal_review_so_the_reviewer_sees_it(
    staff, general_case, articles
):
    from tests.cases.conftest import catalogue_rule

    catalogue_rule(staff.zhang.unit.agency)  # every general penalty is reviewed
    case = steps(general_case, (staff.head, "register"))
    set_basis(staff, case, articles)
    steps(case, (staff.zhang, "conclude"))
    notice = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE
    )
    assert notice.kind == "advance_notice"
    Case.objects.filter(pk=case.pk).update(state="under_review")
    with pytest.raises(CaseRefused):
        document_generate(actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE)


def hearing_requested(staff, articles) -> Case:
    case = notified(staff, articles, hearing_right=True)
    return steps(case, (staff.zhang, "request_hearing"))


HEARING = {
    "hearing_at": "2026-06-05T09:30",
    "place": "测试市城管局三楼听证室",
    "host": "刘志强",
    "public": "公开举行",
}


def test_the_hearing_notice_names_time_place_and_host_and_the_partys_rights(staff, articles):
    case = hearing_requested(staff, articles)
    text = text_of(
        document_generate(actor=staff.zhang, case_id=case.pk, kind="hearing_notice", inputs=HEARING)
    )
    assert "定于2026年06月05日09时30分在测试市城管局三楼听证室" in text
    assert "听证主持人：刘志强" in text
    assert "委托一至二人代理" in text and "有权申请回避" in text


def test_the_hearing_notice_needs_seven_working_days_and_a_host_who_did_not_investigate(
    staff, articles
):
    case = hearing_requested(staff, articles)
    # 2026-05-20 plus seven working days is 2026-05-29.
    with pytest.raises(CaseRefused, match="听证时间最早为 2026年05月29日"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="hearing_notice",
            inputs={**HEARING, "hearing_at": "2026-05-28T09:30"},
        )
    with pytest.raises(CaseRefused, match="非本案调查人员主持"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="hearing_notice",
            inputs={**HEARING, "host": "张伟"},
        )
    assert not CaseDocument.objects.filter(kind="hearing_notice").exists()


def test_the_hearing_record_keeps_both_sides_and_the_signing_rule(staff, articles):
    case = steps(hearing_requested(staff, articles), (staff.zhang, "notice_hearing"))
    document = document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="hearing_record",
        inputs={
            "started_at": "2026-05-20T09:00",
            "ended_at": "2026-05-20T10:30",
            "place": "听证室",
            "host": "刘志强",
            "recorder": "赵敏",
            "attendees": "当事人王某；调查人员张伟、李娜",
            "investigator_statement": "当事人占道经营三个月，建议罚款二千元。",
            "party_statement": "当事人称已主动清理，请求从轻处罚。",
        },
    )
    text = text_of(document)
    assert "建议罚款二千元" in text and "请求从轻处罚" in text
    assert "核对无误后签字或者盖章" in text and "由听证主持人在笔录中注明" in text


def test_the_proof_of_service_names_the_document_method_and_recipient(staff, articles):
    case = investigating(staff)
    set_basis(staff, case, articles)
    case = steps(case, (staff.zhang, "conclude"))
    service = {
        "served_document": "advance_notice",
        "recipient": "王某",
        "served_at": "2026-05-20T16:00",
        "place": "测试市人民路 1 号",
        "method": "直接送达",
    }
    with pytest.raises(CaseRefused, match="尚未制作行政处罚事先告知书"):
        document_generate(actor=staff.zhang, case_id=case.pk, kind="service_proof", inputs=service)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE)
    with pytest.raises(CaseRefused, match="留置送达须写明受送达人拒收的事由"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="service_proof",
            inputs={**service, "method": "留置送达"},
        )
    text = text_of(
        document_generate(actor=staff.zhang, case_id=case.pk, kind="service_proof", inputs=service)
    )
    assert "送达文书：行政处罚事先告知书" in text and "受送达人：王某" in text
    assert "送达方式：直接送达" in text and "2026年05月20日16时00分" in text


SEIZURE = {
    "measure": "扣押",
    "reason": "当事人无照经营，工具可能被转移",
    "starts_on": "2026-05-20",
    "days": "30",
    "items": "三轮车|蓝色|1|辆\n遮阳伞|2米|2|把",
}


def test_the_seizure_decision_and_its_list_name_the_items_period_and_remedies(
    staff, coercive_case, articles
):
    with pytest.raises(TransitionRefused, match="请先在案件中登记实施查封、扣押的法律、法规依据"):
        steps(coercive_case, (staff.head, "approve"))
    set_basis(staff, coercive_case, articles)
    case = steps(coercive_case, (staff.head, "approve"))
    with pytest.raises(CaseRefused, match="请先制作查封（扣押）决定书"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="seizure_list",
            inputs={"storage_place": "仓库"},
        )
    decision = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="seizure_decision", inputs=SEIZURE
    )
    text = text_of(decision)
    assert "查封（扣押）决定书" in text and "王某" in text and "测试市人民路1号" in text
    assert "三轮车" in text and "遮阳伞" in text and "当事人无照经营" in text
    assert "自2026年05月20日起30日，至2026年06月22日止" in text
    assert "六十日内依法申请行政复议" in text and "《城市市容和环境卫生管理条例》第三十六条" in text
    listing = document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="seizure_list",
        inputs={"storage_place": "执法一大队暂扣物品仓库"},
    )
    assert listing.fields["items"] == decision.fields["items"]
    text = text_of(listing)
    assert "三轮车" in text and "一式二份" in text and decision.verification_code in text


def test_the_closing_approval_carries_the_result_and_the_opinion(staff, inspection):
    attach_record(staff, inspection)
    case = steps(inspection, (staff.zhang, "check"), (staff.zhang, "find_nothing"))
    document = document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="closing_approval",
        inputs={"result": "检查未发现违法行为。", "opinion": "建议结案。"},
    )
    text = text_of(document)
    assert "结案审批表" in text and "检查未发现违法行为" in text and "建议结案" in text


@pytest.mark.parametrize(
    ("kind", "inputs", "message"),
    [
        ("correction_order", {"requirement": "停止占道", "deadline": "2026-05-19"}, "不能早于今天"),
        ("correction_order", {"requirement": "", "deadline": "2026-06-01"}, "请填写「改正要求」"),
        ("inquiry_record", {"qa": "你好"}, "应以“问：”或“答：”开头"),
        (
            "inspection_record",
            {"started_at": "2026-05-20T10:00", "ended_at": "2026-05-20T09:00"},
            "「结束时间」不能早于「开始时间」",
        ),
        ("inspection_record", {"started_at": "明天上午"}, "应为日期和时间"),
    ],
)
def test_bad_inputs_are_refused_in_chinese_and_nothing_is_stored(
    staff, general_case, articles, tmp_path, kind, inputs, message
):
    case = steps(general_case, (staff.head, "register"))
    set_basis(staff, case, articles)
    complete = {
        "started_at": "2026-05-20T09:00",
        "ended_at": "2026-05-20T10:00",
        "place": "人民路",
        "present": "王某",
        "findings": "占道",
        "person": "王某",
        "person_role": "当事人",
        "qa": "问：姓名？\n答：王某。",
        "requirement": "停止占道",
        "deadline": "2026-06-01",
    }
    events = LedgerEntry.objects.count()
    with pytest.raises(CaseRefused, match=message):
        document_generate(
            actor=staff.zhang, case_id=case.pk, kind=kind, inputs={**complete, **inputs}
        )
    assert not CaseDocument.objects.exists()
    assert LedgerEntry.objects.count() == events
    assert not [p for p in tmp_path.rglob("*") if p.is_file()], "no file was stored"


def test_bad_amounts_are_refused(staff, articles):
    case = notified(staff, articles)
    for amount in ("-5", "12.345", "两千"):
        with pytest.raises(CaseRefused, match="「拟罚款金额（元）」应为大于零、最多两位小数的金额"):
            document_generate(
                actor=staff.zhang,
                case_id=case.pk,
                kind="advance_notice",
                inputs={**NOTICE, "intended_fine": amount},
            )
    with pytest.raises(CaseRefused, match="拟罚款金额或其他处罚，至少一项"):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="advance_notice",
            inputs={"contact": "张伟"},
        )


def test_the_inputs_hash_is_in_the_ledger_and_verified(staff, articles):
    case = notified(staff, articles)
    document = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=NOTICE
    )
    # The notice also keeps the 情节 it was made with (none here) and the tier they point to
    # (情节 after 事先告知 are judged against them).
    assert document.fields == {
        "intended_fine": "2000",
        "intended_other": "",
        "contact": NOTICE["contact"],
        "circumstances": [],
        "tier_kind": "ordinary",
    }
    event = LedgerEntry.objects.get(action="cases.document.inputs", object_id=str(document.pk))
    assert event.content_sha256 == document_fields_sha256(document.fields)
    assert verify_ledger().ok


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("hearing_notice", "听证通知书"),
        ("seizure_decision", "查封（扣押）决定书"),
        ("closing_approval", "结案审批表"),
        ("decision", "行政处罚决定书"),
    ],
)
def test_a_document_the_procedure_and_state_do_not_call_for_is_refused(
    staff, general_case, kind, label
):
    case = steps(general_case, (staff.head, "register"))
    with pytest.raises(CaseRefused, match=f"案件处于“调查取证”，不能制作{label}"):
        document_generate(actor=staff.zhang, case_id=case.pk, kind=kind, inputs={})


def test_the_decision_is_refused_without_penalty_basis_and_cites_the_articles_with_it(
    staff, general_case, articles
):
    case = steps(
        general_case,
        (staff.head, "register"),
        (staff.zhang, "conclude"),
    )
    Case.objects.filter(pk=case.pk).update(fine_yuan=2000)
    case = steps(
        case, (staff.zhang, "notify"), (staff.zhang, "record_statement"), (staff.head, "decide")
    )
    # The notice already needed the basis; a decided case without one (an old case, a removed
    # article) is put in place here as if it had been.
    case.violated_articles.clear()
    case.penalty_articles.clear()
    with pytest.raises(CaseRefused, match="请先在案件中登记处罚依据；行政处罚决定书应当载明"):
        document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")
    assert not CaseDocument.objects.filter(kind="decision").exists()
    # The basis is set while investigating; here it is put in place as if it had been.
    case.violated_articles.set([articles[14]])
    case.penalty_articles.set([articles[36]])
    text = text_of(document_generate(actor=staff.zhang, case_id=case.pk, kind="decision"))
    assert "违反了《城市市容和环境卫生管理条例》第十四条的规定" in text
    assert "依据《城市市容和环境卫生管理条例》第三十六条的规定，决定给予如下行政处罚" in text
    assert "相关法律、法规、规章的规定" not in text


def test_the_basis_is_set_by_a_handler_while_investigating_and_recorded(
    staff, general_case, articles
):
    case = steps(general_case, (staff.head, "register"))
    with pytest.raises(CaseRefused, match="只有本案承办人可以登记"):
        case_basis_set(actor=staff.wang, case_id=case.pk, violated=[], penalty=[articles[36]])
    set_basis(staff, case, articles)
    assert LedgerEntry.objects.filter(action="cases.case.basis_set").count() == 1
    assert list(case.penalty_articles.all()) == [articles[36]]
    steps(case, (staff.zhang, "conclude"))
    # After 调查终结 it can still be put right, until the notice states it (第四十四条).
    case_basis_set(
        actor=staff.zhang, case_id=case.pk, violated=[articles[14]], penalty=[articles[36]]
    )
    steps(case, (staff.zhang, "notify"))
    with pytest.raises(CaseRefused, match="违法依据和处罚依据已不能修改"):
        case_basis_set(actor=staff.zhang, case_id=case.pk, violated=[], penalty=[])


def test_a_repealed_law_cannot_be_the_basis(staff, general_case, articles):
    articles[36].law.is_in_force = False
    articles[36].law.save()
    with pytest.raises(CaseRefused, match="已失效，不能作为依据"):
        set_basis(staff, general_case, articles)


def test_the_case_page_sets_the_basis_and_keeps_what_was_typed_when_a_document_is_refused(
    client, staff, general_case, articles
):
    case = steps(general_case, (staff.head, "register"))
    client.force_login(staff.zhang.user)
    client.post(
        reverse("cases:basis", args=[case.pk]),
        {"violated": [articles[14].pk], "penalty": [articles[36].pk]},
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "《城市市容和环境卫生管理条例》第三十六条" in page and "填写并生成询问笔录" in page
    response = client.post(
        reverse("cases:document-new", args=[case.pk, "correction_order"]),
        {"correction_order-requirement": "拆除占道棚架", "correction_order-deadline": "2026-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "「改正期限」不能早于今天" in page and "拆除占道棚架" in page
    assert not CaseDocument.objects.exists()
    assert verify_ledger().ok


def test_a_corrected_hearing_notice_counts_the_seven_days_from_the_notice_given(staff, articles):
    case = steps(hearing_requested(staff, articles), (staff.zhang, "notice_hearing"))
    with time_machine.travel(date(2026, 5, 25), tick=False):
        document = document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="hearing_notice",
            inputs={**HEARING, "hearing_at": "2026-05-29T09:30"},
        )
    assert document.fields["hearing_at"] == "2026-05-29T09:30"


@pytest.mark.dates
def test_a_hearing_notice_whose_seven_days_reach_an_unentered_year_is_refused_in_words(
    staff, articles, caplog
):
    """The earliest hearing date is not guessed (a guess could shorten the party's notice):
    from late December until next year's schedule is entered the notice is refused with the
    message saying what to enter, and a line in the log."""
    last = max(package_calendar().years)
    case = hearing_requested(staff, articles)
    unknown = f"{last + 1} 年的法定节假日安排尚未录入"
    with (
        time_machine.travel(date(last, 12, 29), tick=False),
        pytest.raises(CaseRefused, match=unknown),
    ):
        document_generate(
            actor=staff.zhang,
            case_id=case.pk,
            kind="hearing_notice",
            inputs={**HEARING, "hearing_at": f"{last + 1}-01-25T09:30"},
        )
    assert f"no working-day schedule known for year {last + 1}" in caplog.text
