"""现场执法 on a phone: each step as an officer in the street uses it, and its refusals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import Case, CaseDocument
from sanxiang.evidence.models import EvidenceItem
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import COMPANY_CODE, PERSON_ID

# The smallest well-formed JPEG header the evidence app recognises, plus some bytes.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
NOW = datetime(2026, 5, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(client, staff):
    client.force_login(staff.zhang.user)
    return staff.zhang


def category_pk(staff) -> int:
    return int(staff.zhang.certificates.get().categories.get().pk)


def start(client, staff, kind="penalty_simple", second=True):
    data = {"kind": kind, "title": "占道经营", "category": category_pk(staff)}
    if second:
        data["second"] = staff.li.pk
    return client.post(reverse("cases:onsite"), data)


PERSON = {
    "party_kind": "person",
    "party_name": "王某",
    "party_identifier": PERSON_ID,
    "party_address": "测试市人民路 100 号",
    "party_contact": "13800000000",
}


def open_case(client, staff, kind="penalty_simple", party=PERSON) -> Case:
    assert start(client, staff, kind).status_code == 302
    response = client.post(reverse("cases:onsite-party"), party)
    case = Case.objects.get(procedure=kind)
    assert response["Location"] == reverse("cases:onsite-photos", args=[case.pk])
    return case


def photo(name="现场.jpg", data=JPEG):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def upload(client, case, files, **fields):
    data = {"place": "", "proves": "占道摆摊", "device": "手机", **fields, "photos": files}
    return client.post(reverse("cases:onsite-photos", args=[case.pk]), data)


def test_the_start_page_offers_both_kinds_and_colleagues_on_duty(client, staff, officer):
    page = client.get(reverse("cases:onsite")).content.decode()
    assert "当场处罚" in page and "现场检查" in page
    assert "李娜" in page
    assert "周婷" not in page  # 法制审核人员 do not go out on cases
    assert 'name="viewport"' in page


def test_one_officer_alone_is_refused(client, staff, officer):
    response = start(client, staff, second=False)
    assert response.status_code == 400
    text = response.content.decode()
    assert "两名以上" in text and "第四十二条" in text and "第五十一条" in text
    assert client.get(reverse("cases:onsite-party")).status_code == 302  # back to the start


def test_the_party_step_opens_the_case_with_both_officers(client, staff, officer):
    case = open_case(client, staff)
    assert (case.procedure, case.state, case.source) == ("penalty_simple", "on_site", "现场执法")
    assert set(case.handlers.all()) == {staff.zhang, staff.li}
    party = case.parties.get()
    assert (party.name, party.identifier, party.contact) == ("王某", PERSON_ID, "13800000000")


def test_an_invalid_id_number_is_refused_and_nothing_is_opened(client, staff, officer):
    start(client, staff)
    response = client.post(
        reverse("cases:onsite-party"), {**PERSON, "party_identifier": "110105194912310021"}
    )
    assert response.status_code == 400
    assert "身份证号码校验位不正确" in response.content.decode()
    assert "测试市人民路 100 号" in response.content.decode()  # what was typed stays
    assert not Case.objects.exists()


def test_an_organisation_needs_a_valid_credit_code(client, staff, officer):
    start(client, staff)
    bad = {**PERSON, "party_kind": "organisation", "party_identifier": COMPANY_CODE[:-1] + "0"}
    assert client.post(reverse("cases:onsite-party"), bad).status_code == 400
    good = {**PERSON, "party_kind": "organisation", "party_identifier": COMPANY_CODE}
    assert client.post(reverse("cases:onsite-party"), good).status_code == 302


def test_photos_become_evidence_with_position_and_both_times(client, staff, officer):
    case = open_case(client, staff)
    taken = int(datetime(2026, 5, 20, 1, 55, tzinfo=UTC).timestamp() * 1000)
    response = upload(
        client,
        case,
        [photo("1.jpg"), photo("2.jpg", JPEG + b"2")],
        latitude="26.074500",
        longitude="119.296500",
        accuracy="12",
        times=f"{taken},",
        place="人民路 100 号门前",
    )
    assert response.status_code == 200
    first, second = EvidenceItem.objects.order_by("original_filename")
    assert first.case_number == f"未编号案件-{case.pk}"
    assert first.kind == "photo" and first.collector == staff.zhang
    assert first.location == "人民路 100 号门前（定位 26.074500,119.296500，精度约 12 米）"
    assert first.collected_at == datetime(2026, 5, 20, 1, 55, tzinfo=UTC)  # the file's time
    assert second.collected_at == NOW  # no file time: the server's receipt time
    assert "浏览器提供的文件时间" in first.description
    assert "服务器接收时间 2026-05-20 10:00:00" in first.description
    assert len(first.blob.sm3) == 64 and first.blob.content_type == "image/jpeg"
    assert LedgerEntry.objects.filter(action="evidence.created").count() == 2


def test_without_position_the_place_must_be_typed(client, staff, officer):
    case = open_case(client, staff)
    response = upload(client, case, [photo()])
    assert response.status_code == 400
    assert "请填写拍摄地点" in response.content.decode()
    assert not EvidenceItem.objects.exists()
    assert upload(client, case, [photo()], place="人民路").status_code == 200
    assert EvidenceItem.objects.get().location == "人民路"


def test_a_disallowed_file_is_refused_and_the_other_photos_are_kept(client, staff, officer):
    case = open_case(client, staff)
    response = upload(
        client, case, [photo("说明.txt", "不是照片".encode()), photo("现场.jpg")], place="人民路"
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "说明.txt：未保存" in text and "JPEG、PNG 或 HEIC 照片" in text
    assert "现场.jpg：已登记" in text
    assert "人民路" in text  # the typed place is still in the form
    assert [i.original_filename for i in EvidenceItem.objects.all()] == ["现场.jpg"]


def test_a_fine_above_the_limit_is_refused_citing_article_51(client, staff, officer, articles):
    case = open_case(client, staff)
    response = client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {
            "facts": "当事人在人民路 100 号门前占道摆摊",
            "violated": articles[14].pk,
            "penalty": articles[36].pk,
            "penalty_kind": "fine",
            "fine_yuan": "500",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "超过当场处罚限额" in text and "行政处罚法第五十一条" in text
    assert "转为一般程序" in text
    # Deciding anyway is refused on the server, and nothing is decided.
    response = client.post(reverse("cases:onsite-confirm", args=[case.pk]))
    assert response.status_code == 400 and "第五十一条" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.number, case.decided_on) == ("on_site", None, None)


def test_converting_carries_party_facts_and_photos_into_a_general_case(
    client, staff, officer, articles
):
    case = open_case(client, staff)
    upload(client, case, [photo()], place="人民路")
    client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"facts": "占道摆摊", "violated": articles[14].pk, "penalty": articles[36].pk,
         "penalty_kind": "fine", "fine_yuan": "500"},
    )  # fmt: skip
    response = client.post(reverse("cases:onsite-convert", args=[case.pk]))
    general = Case.objects.get(origin=case)
    assert response["Location"] == reverse("cases:detail", args=[general.pk])
    case.refresh_from_db()
    assert case.state == "converted"
    assert (general.procedure, general.state, general.facts) == (
        "penalty_general",
        "clue",
        "占道摆摊",
    )
    assert general.fine_yuan == Decimal("500")
    assert [p.identifier for p in general.parties.all()] == [PERSON_ID]
    assert set(general.handlers.all()) == {staff.zhang, staff.li}
    assert list(general.penalty_articles.all()) == [articles[36]]
    current = EvidenceItem.objects.get(superseded_by__isnull=True)
    assert current.case_number == f"未编号案件-{general.pk}" and current.version == 2


def test_the_whole_on_spot_penalty_ends_with_the_decision_pdf(client, staff, officer, articles):
    case = open_case(client, staff)
    upload(client, case, [photo()], latitude="26.0745", longitude="119.2965", accuracy="8")
    response = client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"facts": "当事人在人民路 100 号门前占道摆摊", "violated": articles[14].pk,
         "penalty": articles[36].pk, "penalty_kind": "fine", "fine_yuan": "100"},
    )  # fmt: skip
    assert response["Location"] == reverse("cases:onsite-confirm", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "罚款 100.00 元" in page and "当场作出处罚决定" in page
    response = client.post(reverse("cases:onsite-confirm", args=[case.pk]))
    assert response["Location"] == reverse("cases:onsite-done", args=[case.pk])
    case.refresh_from_db()
    assert (case.state, case.number) == ("served", "测城当罚〔2026〕1号")
    assert case.payment_due_on == date(2026, 6, 4)
    # The photo is filed under the decision's number now (a recorded correction).
    assert EvidenceItem.objects.get(superseded_by__isnull=True).case_number == case.number
    document = CaseDocument.objects.get(case=case, kind="on_spot_decision")
    done = client.get(reverse("cases:onsite-done", args=[case.pk])).content.decode()
    assert reverse("cases:document", args=[document.pk, "pdf"]) in done
    pdf = client.get(reverse("cases:document", args=[document.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")


def test_a_warning_needs_no_fine(client, staff, officer, articles):
    case = open_case(client, staff)
    client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"facts": "占道摆摊", "violated": articles[14].pk, "penalty": articles[36].pk,
         "penalty_kind": "warning", "fine_yuan": ""},
    )  # fmt: skip
    case.refresh_from_db()
    assert case.warning_only and case.fine_yuan is None


def test_an_inspection_on_the_phone_records_its_written_record_and_result(client, staff, officer):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.create(agency=staff.zhang.unit.agency, kind="inspection", prefix="测城检")
    company = {**PERSON, "party_kind": "organisation", "party_name": "某餐饮公司",
               "party_identifier": COMPANY_CODE}  # fmt: skip
    case = open_case(client, staff, kind="inspection", party=company)
    assert case.number == "测城检〔2026〕1号"
    upload(client, case, [photo()], place="人民路 8 号")
    response = client.post(
        reverse("cases:onsite-record", args=[case.pk]),
        {"started_at": "2026-05-20T09:30", "ended_at": "2026-05-20T09:50",
         "place": "人民路 8 号", "present": "店长 刘某", "findings": "油烟净化设施未运行"},
    )  # fmt: skip
    assert response["Location"] == reverse("cases:onsite-done", args=[case.pk])
    case.refresh_from_db()
    assert case.state == "checked"
    record = EvidenceItem.objects.get(kind="text")
    assert record.case_number == case.number and record.blob.content_type == "application/pdf"
    done = client.get(reverse("cases:onsite-done", args=[case.pk])).content.decode()
    assert "检查结果：发现违法行为，转一般程序立案" in done
    response = client.post(
        reverse("cases:onsite-result", args=[case.pk]), {"action": "find_violation"}
    )
    follow_up = Case.objects.get(origin=case)
    assert response["Location"] == reverse("cases:detail", args=[follow_up.pk])
    assert follow_up.facts == "油烟净化设施未运行"


def test_someone_elses_case_is_not_found(client, staff, officer):
    case = open_case(client, staff)
    client.force_login(staff.zhou.user)
    assert client.get(reverse("cases:onsite-photos", args=[case.pk])).status_code == 404


def test_the_phone_script_gets_an_answer_for_each_photo(client, staff, officer):
    """The page's script sends one photo a request and is answered in JSON."""
    case = open_case(client, staff)
    url = reverse("cases:onsite-photos", args=[case.pk])
    answer = client.post(
        url,
        {"place": "人民路", "proves": "", "device": "手机", "photos": [photo()]},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["ok"] is True
    assert answer.json()["results"][0]["line"] == "现场.jpg · 10:00:00 · 人民路"
    refused = client.post(
        url,
        {"place": "人民路", "photos": [photo("a.pdf", b"%PDF-1.4 x")]},
        headers={"accept": "application/json"},
    )
    assert refused.status_code == 400
    assert "JPEG、PNG 或 HEIC 照片" in refused.json()["results"][0]["message"]
    assert EvidenceItem.objects.count() == 1


def test_a_second_officer_without_a_certificate_for_the_category_cannot_decide(
    client, staff, officer, articles
):
    """王强's certificate covers 市场监管 only: two officers went out, but one is not certified for
    城市管理, so the decision is refused with the article and nothing is decided."""
    data = {"kind": "penalty_simple", "title": "占道经营", "category": category_pk(staff)}
    client.post(reverse("cases:onsite"), {**data, "second": staff.wang.pk})
    client.post(reverse("cases:onsite-party"), PERSON)
    case = Case.objects.get()
    client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"facts": "占道摆摊", "violated": articles[14].pk, "penalty": articles[36].pk,
         "penalty_kind": "fine", "fine_yuan": "50"},
    )  # fmt: skip
    page = client.get(reverse("cases:onsite-confirm", args=[case.pk])).content.decode()
    assert "目前只有 1 名" in page and "行政处罚法第四十二条" in page
    response = client.post(reverse("cases:onsite-confirm", args=[case.pk]))
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == "on_site" and case.decided_on is None
    assert not CaseDocument.objects.exists()


@pytest.mark.parametrize("latitude", ["1e999999", "9" * 40, "NaN", "-Infinity"])
def test_a_position_no_phone_reports_is_ignored_not_a_server_error(
    client, staff, officer, latitude
):
    case = open_case(client, staff)
    response = upload(client, case, [photo()], latitude=latitude, longitude="119.2965")
    assert response.status_code == 400
    assert "请填写拍摄地点" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_the_phone_form_and_the_on_spot_step_refuse_with_the_one_article_51_limit(
    client, staff, officer, articles
):
    """The phone page shows, and the general ``decide_on_spot`` guard applies, the same
    ``fines.ON_SPOT_LIMITS``: its amount passes, a cent more is refused in its words."""
    from sanxiang.cases.fines import ON_SPOT_LIMITS

    case = open_case(client, staff)
    url = reverse("cases:onsite-penalty", args=[case.pk])
    page = client.get(url).content.decode()
    assert f'data-limit-person="{ON_SPOT_LIMITS.person}"' in page
    assert f'data-limit-organisation="{ON_SPOT_LIMITS.organisation}"' in page
    assert f"当场处罚限额：{ON_SPOT_LIMITS.text(upto='以下')}罚款或者警告" in page
    choice = {
        "facts": "当事人在人民路 100 号门前占道摆摊",
        "violated": articles[14].pk,
        "penalty": articles[36].pk,
        "penalty_kind": "fine",
    }
    over = client.post(url, {**choice, "fine_yuan": str(ON_SPOT_LIMITS.person + Decimal("0.01"))})
    assert over.status_code == 400
    assert f"超过当场处罚限额（{ON_SPOT_LIMITS.text()}）" in over.content.decode()
    at_limit = client.post(url, {**choice, "fine_yuan": str(ON_SPOT_LIMITS.person)})
    assert at_limit["Location"] == reverse("cases:onsite-confirm", args=[case.pk])
