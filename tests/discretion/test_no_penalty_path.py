"""不予处罚 under 行政处罚法第三十三条: proposed under the 裁量基准's 不予处罚 tier, shown to the
reviewer, ended only with the party educated (第三十三条第三款) and the 不予行政处罚决定书 made,
then served before 结案; published as an 执法决定 (国办发〔2018〕118号)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from sanxiang.cases.models import Case, CaseDocument, NoPenaltyProposal
from sanxiang.cases.services import (
    CaseRefused,
    case_transition,
    case_violation_choose,
    document_generate,
    education_record,
    no_penalty_propose,
    no_penalty_withdraw,
)
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.disclosure.models import Publication
from sanxiang.discretion.models import Violation
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import RemedyChannel
from sanxiang.review.prechecks import prechecks
from sanxiang.review.services import opinion_write, review_submit
from tests.cases.conftest import ready_case
from tests.conftest import document_served, prepare_step
from tests.review.conftest import declared_all, defaults, registered_with_file  # noqa: F401
from tests.review.test_review_flow import ALL_OK

FIRST_VIOLATION = {
    "first": "当事人两年内无同类违法记录（执法系统查询记录 CX-001）",
    "slight_harm": "堆放建材约 1.5 平方米，未阻断通行（现场检查笔录、照片 ZP-01）",
    "corrected": "经责令后当场清理完毕（现场照片 ZP-02）",
}


def sr(code: str) -> Violation:
    return Violation.objects.get(benchmark__status="in_force", code=code)


def docx_text(document: CaseDocument) -> str:
    with open_blob(blob_name(document.docx_sha256)) as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


@pytest.fixture
def investigated(staff, published, defaults):  # noqa: F811
    """立案 with evidence on file, the 违法行为 SR-001 chosen from the 裁量基准, 调查终结."""
    case = registered_with_file(staff, ready_case(staff))
    case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr("SR-001").pk)
    prepare_step(staff.zhang, case.pk, "conclude")
    return case_transition(actor=staff.zhang, case_id=case.pk, action="conclude")


def _reviewed(staff, case, agency) -> None:
    review = review_submit(
        actor=staff.zhang, case_id=case.pk, declared=declared_all(agency), confirmed=True
    )
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )


def _educate(staff, case) -> None:
    education_record(
        actor=staff.zhang, case_id=case.pk, manner="in_person", given_on=date(2026, 6, 10),
        given_by_id=staff.li.pk,
        content="讲解《城市市容和环境卫生管理条例》的规定，当事人表示今后不再占道堆放。",
    )  # fmt: skip


def test_a_first_violation_ends_in_no_penalty_with_its_own_decision_served(
    staff,
    investigated,
    defaults,  # noqa: F811
):
    case = investigated
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    assert LedgerEntry.objects.filter(action="cases.case.no_penalty_proposed").count() == 1
    # Without 事先告知: a proposal of no penalty goes to review from 调查终结.
    _reviewed(staff, case, defaults)
    check = [c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion"][-1]
    assert "初次违法且危害后果轻微并及时改正" in check.text and "不予处罚" in check.text
    assert "尚未登记对当事人的教育" in check.text

    _educate(staff, case)
    document = document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    again = document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    assert again.pk == document.pk  # idempotent per input

    case = case_transition(actor=staff.head, case_id=case.pk, action="no_penalty")
    assert case.state == "no_penalty"
    publication = Publication.objects.get(case=case)
    assert publication.kind == "other" and publication.fields["执法结论"] == "不予行政处罚"
    assert not publication.full_text and publication.credit_severity == ""

    with pytest.raises(TransitionRefused, match="不予行政处罚决定书尚未送达"):
        case_transition(actor=staff.head, case_id=case.pk, action="close")
    document_served(staff.zhang, case, "no_penalty_decision")
    assert case_transition(actor=staff.head, case_id=case.pk, action="close").state == "closed"


def test_no_penalty_is_refused_without_the_education(staff, investigated, defaults):  # noqa: F811
    case = investigated
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    _reviewed(staff, case, defaults)
    with pytest.raises(TransitionRefused, match=r"应当对当事人进行教育.*第三十三条第三款"):
        case_transition(actor=staff.head, case_id=case.pk, action="no_penalty")
    with pytest.raises(CaseRefused, match="应当对当事人进行教育"):
        document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    assert Case.objects.get(pk=case.pk).state == "under_review"


def test_no_penalty_is_refused_without_the_decision_document(
    staff,
    investigated,
    defaults,  # noqa: F811
):
    case = investigated
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    _reviewed(staff, case, defaults)
    _educate(staff, case)
    with pytest.raises(TransitionRefused, match="请先制作不予行政处罚决定书"):
        case_transition(actor=staff.head, case_id=case.pk, action="no_penalty")


def test_no_penalty_is_refused_without_a_proposal(staff, investigated, defaults):  # noqa: F811
    _reviewed(staff, investigated, defaults)
    with pytest.raises(TransitionRefused, match=r"拟不予处罚.*第三十三条"):
        case_transition(actor=staff.head, case_id=investigated.pk, action="no_penalty")


def test_the_decision_states_party_article_ground_entry_education_and_remedies(
    staff,
    investigated,
    defaults,  # noqa: F811
):
    case = investigated
    RemedyChannel.objects.create(
        agency=case.agency, kind="reconsideration", body="示范市人民政府",
        period="自知道该行政行为之日起六十日内", basis="《中华人民共和国行政复议法》第二十条",
    )  # fmt: skip
    RemedyChannel.objects.create(
        agency=case.agency, kind="litigation", body="示范市某区人民法院",
        period="自知道作出行政行为之日起六个月内", basis="《中华人民共和国行政诉讼法》第四十六条",
    )  # fmt: skip
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    _reviewed(staff, case, defaults)
    _educate(staff, case)
    document = document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    text = docx_text(document)
    assert "不予行政处罚决定书" in text
    assert "当事人：王某" in text
    assert "违反了《城市市容和环境卫生管理条例》" in text
    assert "初次违法，危害后果轻微并及时改正" in text and "第三十三条第一款" in text
    assert "决定对当事人不予行政处罚" in text
    assert "SR-001" in text and "不予处罚" in text  # the 裁量基准 entry and tier
    assert "初次违法：当事人两年内无同类违法记录" in text
    assert "第三十三条第三款" in text and "李娜以当面教育（谈话）方式" in text
    assert "向示范市人民政府提出，期限为自知道该行政行为之日起六十日内" in text
    assert "示范市某区人民法院" in text and "六个月" in text
    assert document.verification_code in text


def test_a_changed_education_makes_a_new_version_of_the_decision(
    staff,
    investigated,
    defaults,  # noqa: F811
):
    case = investigated
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    _reviewed(staff, case, defaults)
    _educate(staff, case)
    first = document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    education_record(
        actor=staff.zhang, case_id=case.pk, manner="written", given_on=date(2026, 6, 10),
        given_by_id=staff.zhang.pk, content="发放告诫书一份。",
    )  # fmt: skip
    second = document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    assert second.version == first.version + 1 and "发放告诫书一份" in docx_text(second)


def _concluded(staff, case):
    prepare_step(staff.zhang, case.pk, "conclude")
    return case_transition(actor=staff.zhang, case_id=case.pk, action="conclude")


def test_a_violation_without_a_no_penalty_tier_offers_no_such_path(client, staff, published):
    case = registered_with_file(staff, ready_case(staff))
    case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr("SR-002").pk)
    case = _concluded(staff, case)
    with pytest.raises(CaseRefused, match="没有不予处罚的阶次"):
        no_penalty_propose(
            actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION
        )
    assert not NoPenaltyProposal.objects.filter(case=case).exists()
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "没有不予处罚的阶次" in page
    assert "首违不罚" not in page and "初次违法且危害后果轻微" not in page  # not offered
    assert "违法事实不能成立（行政处罚法第五十七条第一款第三项）" in page


def test_the_case_page_says_so_and_takes_the_proposal_and_the_education(client, staff, published):
    case = registered_with_file(staff, ready_case(staff))
    client.force_login(staff.zhang.user)
    client.post(reverse("cases:violation", args=[case.pk]), {"violation": sr("SR-001").pk})
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "本违法行为有不予处罚的阶次“不予处罚”（行政处罚法第三十三条）" in page
    with pytest.raises(CaseRefused, match="调查终结后"):
        no_penalty_propose(
            actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION
        )
    _concluded(staff, case)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "初次违法，占用面积不超过 2 平方米" in page  # the tier's conditions
    page = client.get(reverse("cases:detail", args=[case.pk]), {"np_ground": "first"})
    assert "初次违法（事实和证据）" in page.content.decode()
    answer = client.post(
        reverse("cases:no-penalty", args=[case.pk]),
        {"ground": "first", **{f"element_{k}": v for k, v in FIRST_VIOLATION.items()}},
    )
    assert answer.status_code == 302
    proposal = NoPenaltyProposal.objects.get(case=case)
    assert proposal.tier is not None and proposal.tier.name == "不予处罚"
    assert proposal.elements == FIRST_VIOLATION
    # Missing proof of one element: refused in Chinese, nothing changed.
    answer = client.post(
        reverse("cases:no-penalty", args=[case.pk]),
        {"ground": "minor", "element_minor": "轻微"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 400 and "请填写“及时改正”的事实和证据" in answer.content.decode()
    assert NoPenaltyProposal.objects.get(case=case).ground == "first"


def test_the_education_is_recorded_after_the_investigation_by_a_handler(
    client, staff, investigated
):
    case = investigated
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "登记对当事人的教育" in page
    answer = client.post(
        reverse("cases:education", args=[case.pk]),
        {"manner": "in_person", "given_on": "2026-06-10", "given_by": staff.wang.pk,
         "content": "讲解法律规定。"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert answer.status_code == 400  # 王强 is not a handler of the case
    answer = client.post(
        reverse("cases:education", args=[case.pk]),
        {"manner": "in_person", "given_on": "2026-06-10", "given_by": staff.li.pk,
         "content": "讲解法律规定。"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert case.educations.get().given_by == staff.li
    assert LedgerEntry.objects.filter(action="cases.case.education_recorded").count() == 1


def test_proposing_no_penalty_drops_the_proposed_fine_and_can_be_withdrawn(staff, investigated):
    Case.objects.filter(pk=investigated.pk).update(penalty_kinds=["fine"], fine_yuan=500)
    no_penalty_propose(
        actor=staff.zhang, case_id=investigated.pk, ground="first", elements=FIRST_VIOLATION
    )
    case = Case.objects.get(pk=investigated.pk)
    assert case.penalty_kinds == [] and case.fine_yuan is None
    no_penalty_withdraw(actor=staff.zhang, case_id=case.pk)
    assert not NoPenaltyProposal.objects.filter(case=case).exists()
    assert LedgerEntry.objects.filter(action="cases.case.no_penalty_withdrawn").count() == 1
