"""事后公开: a decision opens its publication with a due date, a person confirms the redacted
text, the portal shows and verifies it, corrections and withdrawals are recorded."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from sanxiang.cases.services import case_transition, document_generate
from sanxiang.disclosure.models import Publication, PublicationVersion
from sanxiang.disclosure.services import (
    PublicationRefused,
    publication_confirm,
    publication_correct,
    publication_draft,
    publication_withdraw,
)
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import PERSON_ID, set_basis
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)

# 2026 国庆: 10月1日至7日放假, 10月10日（星期六）上班 (国办发明电〔2025〕… as in chinesecalendar).
BEFORE_NATIONAL_DAY = date(2026, 9, 30)


def decided(staff, case, articles, on=BEFORE_NATIONAL_DAY):
    set_basis(staff, case, articles)
    with time_machine.travel(on, tick=False):
        for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                              (staff.zhang, "notify"), (staff.zhang, "record_statement"),
                              (staff.head, "decide")):  # fmt: skip
            prepare_step(actor, case.pk, action)
            case_transition(actor=actor, case_id=case.pk, action=action)
        document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")
    return Publication.objects.get(case=case)


def test_a_penalty_decision_is_due_seven_working_days_later_across_national_day(
    staff, general_case, articles
):

    publication = decided(staff, general_case, articles)
    assert publication.kind == "penalty" and publication.full_text
    assert publication.due_on == date(2026, 10, 15)  # 10-8, 9, 10 (Sat, worked), 12–15
    assert "7个工作日" in publication.due_basis


def test_an_on_the_spot_penalty_is_published_as_fields_after_spring_festival(staff, on_spot_case):
    from decimal import Decimal

    case = on_spot_case("person", Decimal("100"))
    with time_machine.travel(date(2026, 2, 13), tick=False):
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    publication = Publication.objects.get(case=case)
    assert not publication.full_text
    assert publication.due_on == date(2026, 3, 2)  # 2-14 (Sat, worked), 24–28 (28 Sat), 3-2
    draft = publication_draft(publication)
    assert "执法对象：当某" in draft.text and "罚款金额（元）：100.00" in draft.text
    assert PERSON_ID not in draft.text


def test_the_confirmed_text_is_redacted_published_and_hashed_into_the_ledger(
    client, staff, general_case, articles
):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    assert "王某" in draft.text and PERSON_ID not in draft.text
    assert "测试市城市管理综合行政执法局" in draft.text  # the agency stays public
    with pytest.raises(PublicationRefused, match="由负责人或法制审核人员办理"):
        publication_confirm(
            actor=staff.zhang, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    from sanxiang.org.models import RoleAssignment

    RoleAssignment.objects.create(officer=staff.zhang, role="head")
    with pytest.raises(PublicationRefused, match="承办人不得审核"):
        publication_confirm(
            actor=staff.zhang, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    with pytest.raises(PublicationRefused, match="发生了变化"):
        publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256="0" * 64)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    publication.refresh_from_db()
    assert publication.status == "published"
    digest = hashlib.sha256(publication.public_text.encode()).hexdigest()
    assert LedgerEntry.objects.filter(
        action="disclosure.publication.published", content_sha256=digest
    ).exists()
    version = PublicationVersion.objects.get()
    assert all(PERSON_ID not in json.dumps(f, ensure_ascii=False) for f in version.findings)

    listing = client.get(reverse("portal:decisions"), {"q": "占用"}).content.decode()
    assert publication.title in listing
    page = client.get(reverse("portal:decision", args=[publication.pk])).content.decode()
    assert "王某" in page and PERSON_ID not in page and digest in page
    assert "verify-data" in page


def test_the_decision_pages_check_in_the_browser_fetches_a_proof_from_the_agencys_log(
    client, staff, general_case, articles
):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    page = client.get(reverse("portal:decision", args=[publication.pk])).content.decode()
    found = re.search(
        r'<script id="verify-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert found is not None
    data = json.loads(found.group(1))
    # What verify.js fetches: the inclusion proof in the agency's own log, for the signed root.
    proof = client.get(data["proof_url"], HTTP_ACCEPT="application/json")
    assert proof.status_code == 200, proof.content.decode()
    assert base64.b64decode(proof.json()["root_hash"]).hex() == data["root"]


def test_search_finds_two_character_words_and_filters(client, staff, general_case, articles):
    from sanxiang.cases.models import Case

    Case.objects.filter(pk=general_case.pk).update(facts="当事人违建棚屋一处")
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    found = client.get(reverse("portal:decisions"), {"q": "违建"}).content.decode()
    assert publication.title in found
    missing = client.get(reverse("portal:decisions"), {"q": "油烟"}).content.decode()
    assert publication.title not in missing
    later = client.get(reverse("portal:decisions"), {"since": "2026-10-01"}).content.decode()
    assert publication.title not in later
    refused = client.get(reverse("portal:decisions"), {"since": "bad", "page": "x"})
    assert refused.status_code == 400 and "页码" in refused.content.decode()


def test_a_correction_may_not_bring_personal_data_back(staff, general_case, articles):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    with pytest.raises(PublicationRefused, match="仍含有应当隐去的个人信息"):
        publication_correct(
            actor=staff.head, publication_id=publication.pk,
            text=draft.text + f"\n当事人身份证号码 {PERSON_ID}", reason="补充",
        )  # fmt: skip
    publication_correct(
        actor=staff.head, publication_id=publication.pk, text=draft.text + "\n（更正：罚款已缴纳）",
        reason="补充履行情况",
    )  # fmt: skip
    assert PublicationVersion.objects.filter(publication=publication).count() == 2


def test_a_withdrawn_decision_leaves_a_notice_and_is_due_in_three_working_days(
    client, staff, general_case, articles
):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    with time_machine.travel(date(2026, 10, 12), tick=False):
        publication_withdraw(
            actor=staff.head, publication_id=publication.pk, reason="revoked",
            statement="该处罚决定已被行政复议机关撤销。", occurred_on=date(2026, 9, 30),
        )  # fmt: skip
    publication.refresh_from_db()
    assert publication.withdrawal_due_on == date(2026, 10, 10)
    page = client.get(reverse("portal:decision", args=[publication.pk])).content.decode()
    assert "该执法决定信息已撤下" in page and "已被行政复议机关撤销" in page
    assert "王某" not in page
    client.force_login(staff.head.user)
    queue = client.get(reverse("disclosure:queue")).content.decode()
    assert "撤下时已逾期" in queue


def test_overdue_publications_raise_a_warning(client, staff, general_case, articles):
    publication = decided(staff, general_case, articles)
    with time_machine.travel(date(2026, 10, 16), tick=False):
        client.force_login(staff.head.user)
        queue = client.get(reverse("disclosure:queue")).content.decode()
    assert "预警" in queue and publication.title in queue and "已逾期" in queue


def test_the_office_confirms_from_the_page(client, staff, general_case, articles):
    publication = decided(staff, general_case, articles)
    client.force_login(staff.head.user)
    page = client.get(reverse("disclosure:detail", args=[publication.pk])).content.decode()
    assert "身份证号码 → 1101" in page and "11010519491231002X" not in page
    draft = publication_draft(publication)
    client.post(
        reverse("disclosure:confirm", args=[publication.pk]), {"draft_sha256": draft.sha256}
    )
    assert Publication.objects.get(pk=publication.pk).status == "published"


def test_exports_stream_the_fields_without_id_numbers(staff, general_case, articles, tmp_path):
    from openpyxl import load_workbook

    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    out = io.StringIO()
    call_command("export", "publications", "--format", "csv", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("公示编号,行政相对人名称") and len(lines) == 2
    assert "王某" in lines[1] and PERSON_ID not in out.getvalue()
    out = io.StringIO()
    call_command("export", "publications", "--format", "json", stdout=out, stderr=io.StringIO())
    assert (
        json.loads(out.getvalue())[0]["行政处罚决定书文号"]
        == general_case.__class__.objects.get(pk=general_case.pk).number
    )
    target = tmp_path / "p.xlsx"
    call_command(
        "export", "publications", "--format", "xlsx", "--out", str(target), stderr=io.StringIO()
    )
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.max_row == 2
    out = io.StringIO()
    call_command(
        "export", "publications", "--since", "2026-10-01", stdout=out, stderr=io.StringIO()
    )
    assert len(out.getvalue().splitlines()) == 1


def test_a_withdrawn_decision_is_exported_as_a_notice_without_its_content(
    staff, general_case, articles
):
    """行政处罚法第四十八条第二款: the fields come down with the text; the 文号 stays to match."""
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    with time_machine.travel(date(2026, 10, 9), tick=False):
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
        publication_withdraw(
            actor=staff.head, publication_id=publication.pk, reason="revoked",
            statement="该处罚决定已被行政复议机关撤销。", occurred_on=date(2026, 10, 9),
        )  # fmt: skip
    out = io.StringIO()
    call_command("export", "publications", "--format", "json", stdout=out, stderr=io.StringIO())
    [row] = json.loads(out.getvalue())
    assert row["公示状态"] == "已撤下"
    assert row["行政处罚决定书文号"] and row["处罚机关"]
    assert row["行政相对人名称"] == row["处罚依据"] == row["罚款金额（万元）"] == ""
    assert "王某" not in out.getvalue()


@pytest.mark.parametrize("opening, closing", [("〔", "〕"), ("[", "]"), ("（", "）"), ("［", "］")])
def test_the_portal_finds_a_decision_by_its_number_typed_with_any_brackets(
    client, staff, general_case, articles, opening, closing
):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    general_case.refresh_from_db()
    typed = general_case.number.replace("〔", opening).replace("〕", closing)
    found = client.get(reverse("portal:decisions"), {"q": typed})
    assert [row.id for row in found.context["rows"]] == [publication.pk]


def test_the_decision_pages_proof_states_its_signing_time_in_beijing_time(
    client, staff, general_case, articles
):
    from django.utils import timezone

    from sanxiang.ledger.models import TreeHead

    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    page = client.get(reverse("portal:decision", args=[publication.pk])).content.decode()
    found = re.search(
        r'<script id="verify-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert found is not None
    shown = json.loads(found.group(1))["signed_at"]
    heads = {
        f"{timezone.localtime(h.signed_at):%Y-%m-%d %H:%M:%S}（北京时间）"
        for h in TreeHead.objects.all()
    }
    assert shown in heads
