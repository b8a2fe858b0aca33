"""当事人查询: a party sees his own case with the case number and the 查询码 on his documents;
guessing is refused, every view and download is recorded, the code never leaves the paper."""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from docx import Document

from sanxiang.cases.models import CaseDocument, PartyQueryAttempt, PartyQueryCode
from sanxiang.cases.party_access import (
    NO_MATCH,
    PartyCodeRefused,
    code_display,
    party_code_current,
    party_code_ensure,
    party_code_reissue,
)
from sanxiang.cases.services import case_transition, document_generate
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import ready_case, set_basis
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    with time_machine.travel(MORNING, tick=False):
        yield


def steps(case, *moves):
    for actor, action in moves:
        prepare_step(actor, case.pk, action)
        case = case_transition(actor=actor, case_id=case.pk, action=action)
    return case


def registered(staff):
    case = ready_case(staff)
    return steps(case, (staff.head, "register"))


@pytest.fixture
def served(staff, articles):
    """A 一般程序 case: 立案审批表 (internal), 事先告知书 given, 决定书 made and served."""
    case = registered(staff)
    set_basis(staff, case, articles)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="registration")
    steps(case, (staff.zhang, "conclude"))
    document_generate(
        actor=staff.zhang,
        case_id=case.pk,
        kind="advance_notice",
        inputs={"intended_fine": "2000", "contact": "张伟 0591-12345678"},
    )
    steps(case, (staff.zhang, "notify"), (staff.zhang, "record_statement"), (staff.head, "decide"))
    document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")
    return steps(case, (staff.zhang, "serve"))


def current_code(case) -> str:
    row = party_code_current(case.pk)
    assert row is not None
    return row.code


def ask(client, number, code, **extra):
    return client.post(reverse("portal:party-query"), {"number": number, "code": code}, **extra)


def docx_text(document: CaseDocument) -> str:
    with open_blob(blob_name(document.docx_sha256)) as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


def test_the_party_sees_state_dates_and_the_documents_served_on_him_and_downloads_them(
    client, staff, served
):
    code = current_code(served)
    # As typed from paper: other brackets, small letters, no hyphen.
    typed_number = served.number.replace("〔", "[").replace("〕", "]")
    response = ask(client, typed_number, code.lower())
    assert response.status_code == 302 and response["Location"] == reverse("portal:party-case")
    page = client.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert served.number in text and "测试市城市管理综合行政执法局" in text
    assert "已送达" in text
    assert "立案日期" in text and "2026年5月20日" in text
    assert "罚款缴纳期限" in text and "2026年6月4日" in text  # 第六十七条: fifteen days
    assert "陈述、申辩期限" in text
    assert "行政处罚决定书" in text and "行政处罚事先告知书" in text
    assert "立案审批表" not in text, "internal documents are not the party's"
    assert code not in text and code_display(code) not in text
    decision = CaseDocument.objects.get(case=served, kind="decision")
    assert reverse("portal:document-verify", args=[decision.verification_code]) in text
    pdf = client.get(reverse("portal:party-document", args=[decision.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    decision.refresh_from_db()  # its PDF was made when first asked for
    assert hashlib.sha256(pdf.content).hexdigest() == decision.pdf_sha256
    viewed = LedgerEntry.objects.get(action="cases.case.party_viewed")
    downloaded = LedgerEntry.objects.get(action="cases.document.party_downloaded")
    assert viewed.actor == downloaded.actor == f"party:case:{served.pk}"
    assert (downloaded.object_id, downloaded.content_sha256) == (
        str(decision.pk),
        decision.pdf_sha256,
    )
    assert PartyQueryAttempt.objects.get().outcome == "succeeded"
    assert verify_ledger().ok
    client.force_login(staff.zhang.user)
    timeline = client.get(reverse("cases:detail", args=[served.pk])).content.decode()
    assert "当事人在公示平台查询本案" in timeline and "当事人（凭查询码）" in timeline


def test_the_code_is_printed_on_documents_for_the_party_and_nowhere_public(staff, served):
    from sanxiang.disclosure.models import Publication
    from sanxiang.disclosure.services import publication_draft

    code = code_display(current_code(served))
    url = "http://127.0.0.1:8000/gongshi/query/"
    line = f"案件查询：{url}　案件编号：{served.number}　查询码：{code}"
    for kind in ("decision", "advance_notice"):
        assert line in docx_text(CaseDocument.objects.get(case=served, kind=kind))
    assert code not in docx_text(CaseDocument.objects.get(case=served, kind="registration"))
    draft = publication_draft(Publication.objects.get(case=served))
    assert "罚款" in draft.text and code not in draft.text and "案件查询" not in draft.text
    raw = code.replace("-", "")
    digest = hashlib.sha256(raw.encode()).hexdigest()
    for leaf in LedgerEntry.objects.values_list("leaf", flat=True):
        assert raw not in leaf and code not in leaf and digest not in leaf


def test_a_wrong_code_and_an_unknown_case_get_the_same_answer_and_no_grant(
    client, staff, caplog, django_user_model
):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    caplog.set_level(logging.WARNING, logger="sanxiang.cases.party_access")
    wrong = ask(client, case.number, "ABCDE-FGHJK" if code != "ABCDEFGHJK" else "ZZZZZ-ZZZZZ")
    unknown = ask(client, "测城执罚〔2026〕999号", code)
    assert wrong.status_code == unknown.status_code == 403
    assert NO_MATCH in wrong.content.decode() and NO_MATCH in unknown.content.decode()
    assert client.get(reverse("portal:party-case"))["Location"] == reverse("portal:party-query")
    outcomes = list(PartyQueryAttempt.objects.order_by("pk").values_list("outcome", "case"))
    assert outcomes == [("failed", case.pk), ("failed", None)]
    assert "party query failed" in caplog.text and code not in caplog.text
    assert not LedgerEntry.objects.filter(action__startswith="cases.case.party_viewed").exists()
    admin = django_user_model.objects.create_superuser("admin", password="correct horse battery")
    client.force_login(admin)
    listing = client.get(reverse("admin:cases_partyqueryattempt_changelist")).content.decode()
    assert "测城执罚〔2026〕999号" in listing and "案件编号或查询码不正确" in listing


def test_the_form_needs_its_csrf_token(staff):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    response = Client(enforce_csrf_checks=True).post(
        reverse("portal:party-query"), {"number": case.number, "code": code}
    )
    assert response.status_code == 403 and not PartyQueryAttempt.objects.exists()


def test_five_failures_for_a_case_number_stop_queries_for_an_hour(client, staff):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    for minute in range(5):
        with time_machine.travel(MORNING + timedelta(minutes=minute), tick=False):
            assert ask(client, case.number, "2222222222").status_code == 403
    with time_machine.travel(MORNING + timedelta(minutes=30), tick=False):
        refused = ask(client, case.number, code, REMOTE_ADDR="198.51.100.7")
        assert refused.status_code == 403
        assert "查询失败次数过多，请于 10:00 后再试" in refused.content.decode()
    assert PartyQueryAttempt.objects.filter(outcome="throttled").count() == 1
    with time_machine.travel(MORNING + timedelta(minutes=61), tick=False):
        assert ask(client, case.number, code).status_code == 302


def test_twenty_failures_from_one_address_stop_it_but_not_others(client, staff, settings):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # a proxy on the same machine
    guesser = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for n in range(20):
        guess = ask(client, f"测城执罚〔2026〕{100 + n}号", "2222222222", **guesser)
        assert guess.status_code == 403
    refused = ask(client, case.number, code, **guesser)
    assert "查询失败次数过多" in refused.content.decode()
    assert ask(client, case.number, code, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302
    assert set(PartyQueryAttempt.objects.values_list("client_ip", flat=True)) == {
        "203.0.113.9",
        "203.0.113.10",
    }


def test_the_grant_ends_after_thirty_minutes(client, staff, served):
    decision = CaseDocument.objects.get(case=served, kind="decision")
    ask(client, served.number, current_code(served))
    with time_machine.travel(MORNING + timedelta(minutes=29), tick=False):
        assert client.get(reverse("portal:party-case")).status_code == 200
    with time_machine.travel(MORNING + timedelta(minutes=31), tick=False):
        assert client.get(reverse("portal:party-case"))["Location"] == reverse("portal:party-query")
        download = client.get(reverse("portal:party-document", args=[decision.pk]))
        assert download.status_code == 302
    assert not LedgerEntry.objects.filter(action="cases.document.party_downloaded").exists()


def test_a_grant_opens_only_the_documents_handed_to_that_party(client, staff, served, on_spot_case):
    other = on_spot_case("person", Decimal("100"))
    other = steps(other, (staff.zhang, "decide_on_spot"))
    theirs = document_generate(actor=staff.zhang, case_id=other.pk, kind="on_spot_decision")
    assert code_display(current_code(other)) in docx_text(theirs)
    internal = CaseDocument.objects.get(case=served, kind="registration")
    ask(client, served.number, current_code(served))
    for document in (theirs, internal):
        assert client.get(reverse("portal:party-document", args=[document.pk])).status_code == 404
    assert not LedgerEntry.objects.filter(action="cases.document.party_downloaded").exists()


def test_reissuing_the_code_invalidates_the_old_one_and_its_grants_and_is_recorded(client, staff):
    case = registered(staff)
    old = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    with pytest.raises(PartyCodeRefused, match="承办人或负责人"):
        party_code_reissue(actor=staff.wang, case_id=case.pk)
    finder = Client()  # whoever found the lost paper, verified with it
    assert ask(finder, case.number, old).status_code == 302
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert code_display(old) in page and "重新签发查询码" in page
    client.post(reverse("cases:party-code", args=[case.pk]))
    new = current_code(case)
    assert new != old and PartyQueryCode.objects.filter(case=case).count() == 2
    assert finder.get(reverse("portal:party-case"))["Location"] == reverse("portal:party-query")
    party = Client()
    assert ask(party, case.number, old).status_code == 403
    assert ask(party, case.number, new).status_code == 302
    assert party.get(reverse("portal:party-case")).status_code == 200
    events = list(
        LedgerEntry.objects.filter(action__startswith="cases.case.party_code_").values_list(
            "action", "actor"
        )
    )
    assert events == [
        ("cases.case.party_code_issued", staff.zhang.ledger_actor),
        ("cases.case.party_code_reissued", staff.zhang.ledger_actor),
    ]


def test_a_case_without_a_number_has_no_code(staff):
    case = ready_case(staff)
    with pytest.raises(PartyCodeRefused, match="案件编号后才能签发查询码"):
        party_code_ensure(actor=staff.zhang, case_id=case.pk)


@pytest.mark.parametrize(
    "opening, closing", [("〔", "〕"), ("[", "]"), ("(", ")"), ("［", "］"), ("（", "）")]
)
def test_the_case_number_may_be_typed_with_any_brackets(client, staff, opening, closing):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    typed = case.number.replace("〔", opening).replace("〕", closing)
    assert ask(client, typed, code).status_code == 302


def test_a_pdf_that_cannot_be_made_now_says_so_in_chinese_instead_of_failing(
    client, staff, served, monkeypatch
):
    """The PDF is made after the document; if LibreOffice fails when the party first asks, he
    is told to come back (503), not shown a server error, and nothing is recorded as sent."""
    from sanxiang.cases.documents import DocumentError

    def broken(docx: bytes) -> bytes:
        raise DocumentError("生成 PDF 失败，请稍后重试。", log_message="soffice exit 1")

    monkeypatch.setattr("sanxiang.cases.pdf.convert_to_pdf", broken)
    ask(client, served.number, current_code(served))
    decision = CaseDocument.objects.get(case=served, kind="decision")
    response = client.get(reverse("portal:party-document", args=[decision.pk]))
    assert response.status_code == 503
    assert "文书暂时无法下载" in response.content.decode()
    assert not LedgerEntry.objects.filter(action="cases.document.party_downloaded").exists()
