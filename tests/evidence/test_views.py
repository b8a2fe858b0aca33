"""Evidence pages as an officer uses them."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.cases.models import Case, Procedure
from sanxiang.cases.services import NewCase, case_open
from sanxiang.evidence.models import AccessRecord, EvidenceItem
from sanxiang.evidence.services import evidence_register
from sanxiang.org.models import EnforcementCategory
from tests.evidence.conftest import JPEG, metadata, upload

SHOP = {
    "target_kind": "organisation",
    "target_name": "某某餐饮有限公司",
    "target_identifier": "91440300708461136T",
}


def post_upload(client, people, data=JPEG, **extra):
    form = {
        "case_number": "测城执罚〔2026〕1号",
        "kind": "photo",
        "collected_at": "2026-03-02T10:30",
        "location": "人民路 100 号",
        "collector": people.zhang.pk,
        "proves": "占道经营",
        "device": "DSJ-001",
        "file": SimpleUploadedFile("现场.jpg", data, content_type="image/jpeg"),
        **extra,
    }
    return client.post(reverse("evidence:upload"), form)


@pytest.fixture
def zhangs_case(people):
    """The case 测城执罚〔2026〕1号, opened by 张伟, who handles it."""
    case = case_open(
        actor=people.zhang,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="擅自占用城市道路经营", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2),
        ),
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(number="测城执罚〔2026〕1号")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def as_zhang(client, people, zhangs_case):
    client.force_login(people.zhang.user)
    return client


def test_upload_form_stores_the_record_with_digests_computed_on_arrival(as_zhang, people):
    response = post_upload(as_zhang, people, **SHOP)
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evidence:detail", args=[item.pk]
    )
    assert item.blob_id == hashlib.sha256(JPEG).hexdigest()
    assert item.blob.sm3 == hashlib.new("sm3", JPEG).hexdigest()
    assert item.target is not None and item.target.name == "某某餐饮有限公司"


def test_upload_with_a_wrong_declared_hash_shows_why_and_stores_nothing(as_zhang, people):
    response = post_upload(as_zhang, people, declared_sha256="0" * 64)
    assert response.status_code == 200
    assert "不一致" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_upload_over_the_size_limit_is_cut_off(as_zhang, people, settings):
    settings.SANXIANG_EVIDENCE_MAX_BYTES = 1000
    response = post_upload(as_zhang, people)
    assert response.status_code == 200
    assert not EvidenceItem.objects.exists()


def test_opening_a_record_records_the_look_and_serves_the_content_once_granted(as_zhang, people):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    page = as_zhang.get(reverse("evidence:detail", args=[item.pk]))
    assert page.status_code == 200 and item.blob_id in page.content.decode()
    assert AccessRecord.objects.filter(item=item, action="view").count() == 1
    grant = page.context["content_grant"]
    content = as_zhang.get(reverse("evidence:content", args=[item.pk]), {"g": grant})
    assert b"".join(content.streaming_content) == JPEG
    assert content["Cache-Control"] == "private, no-store"
    assert (
        as_zhang.get(reverse("evidence:content", args=[item.pk]), {"t": "forged"}).status_code
        == 404
    )
    assert AccessRecord.objects.filter(item=item).count() == 1, (
        "inline content is part of the recorded look"
    )


def test_download_is_a_separate_recorded_look(as_zhang, people):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    assert as_zhang.get(reverse("evidence:download", args=[item.pk])).status_code == 404
    grant = as_zhang.get(reverse("evidence:detail", args=[item.pk])).context["download_grant"]
    response = as_zhang.get(reverse("evidence:download", args=[item.pk]), {"g": grant})
    assert b"".join(response.streaming_content) == JPEG
    assert "attachment" in response["Content-Disposition"]
    assert [a.action for a in AccessRecord.objects.filter(item=item)] == ["download", "view"]


def test_head_is_asked_for_a_reason_before_seeing_anything(client, people):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    client.force_login(people.head.user)
    first = client.get(reverse("evidence:detail", args=[item.pk]))
    assert "调阅理由" in first.content.decode() and item.blob_id not in first.content.decode()
    assert not AccessRecord.objects.exists()
    forged = client.get(reverse("evidence:detail", args=[item.pk]), {"reason": "别人替我写的理由"})
    assert item.blob_id not in forged.content.decode(), "a reason in a link is not a reason given"
    assert not AccessRecord.objects.exists()
    second = client.post(reverse("evidence:detail", args=[item.pk]), {"reason": "负责人审批前查阅"})
    assert item.blob_id in second.content.decode()
    assert AccessRecord.objects.get().reason == "负责人审批前查阅"
    grant = second.context["download_grant"]
    client.get(reverse("evidence:download", args=[item.pk]), {"g": grant})
    assert AccessRecord.objects.get(action="download").reason == "负责人审批前查阅"


def test_another_unit_gets_not_found(client, people):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    client.force_login(people.chen.user)
    assert client.get(reverse("evidence:detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("evidence:download", args=[item.pk])).status_code == 404
    assert item.case_number not in client.get(reverse("evidence:list")).content.decode()


def test_correction_and_hand_over_through_the_page(as_zhang, people):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    response = as_zhang.post(
        reverse("evidence:correct", args=[item.pk]),
        {
            "location": "人民路 102 号",
            "proves": item.proves,
            "device": item.device,
            "reason": "门牌号笔误",
        },
    )
    new = EvidenceItem.objects.get(version=2)
    assert response["Location"] == reverse("evidence:detail", args=[new.pk])
    as_zhang.post(
        reverse("evidence:hand-over", args=[new.pk]), {"to_officer": people.li.pk, "reason": "调岗"}
    )
    page = as_zhang.get(reverse("evidence:detail", args=[new.pk])).content.decode()
    assert "李娜" in page and "调岗" in page and "门牌号笔误" in page


def test_case_access_history_and_target_pages(as_zhang, people):
    post_upload(as_zhang, people, **SHOP)
    item = EvidenceItem.objects.get()
    as_zhang.get(reverse("evidence:detail", args=[item.pk]))
    history = as_zhang.get(
        reverse("evidence:case-access", args=[item.case_number])
    ).content.decode()
    assert "张伟" in history and "查看" in history
    target = as_zhang.get(reverse("evidence:target", args=[item.target_id])).content.decode()
    assert item.case_number in target


def test_a_refused_upload_does_not_leave_its_target_behind(as_zhang, people):
    from sanxiang.evidence.models import Target

    post_upload(as_zhang, people, declared_sha256="0" * 64, **SHOP)
    assert not Target.objects.exists()


def test_case_search_by_a_head_lists_another_units_case_with_links_that_carry_the_reason(
    client, people
):
    item = evidence_register(
        actor=people.chen, upload=upload(), metadata=metadata(people, collector=people.chen)
    )
    client.force_login(people.head.user)
    assert item.case_number not in client.get(reverse("evidence:list")).content.decode()
    page = client.post(
        reverse("evidence:case-search"), {"case": item.case_number, "reason": "评查"}
    )
    (listed, grant) = page.context["rows"][0]
    assert listed == item
    detail = client.get(reverse("evidence:detail", args=[item.pk]), {"g": grant})
    assert item.blob_id in detail.content.decode()
    assert sorted(AccessRecord.objects.values_list("action", "reason")) == [
        ("list", "评查"),
        ("view", "评查"),
    ]


def test_an_account_without_an_officer_record_is_refused_not_crashed(
    client, people, django_user_model
):
    user = django_user_model.objects.create_user("orphan", password="correct horse battery")
    client.force_login(user)
    assert client.get(reverse("evidence:list")).status_code == 403
    assert client.post(reverse("evidence:correct", args=[1]), {}).status_code == 403


@pytest.mark.parametrize(
    "typed",
    ["测城执罚[2026]1号", "测城执罚(2026)1号", "测城执罚［2026］1号", "测城执罚（2026）1号"],
)
def test_the_evidence_form_and_list_accept_any_brackets_in_the_case_number(as_zhang, people, typed):
    post_upload(as_zhang, people, case_number=typed)
    item = EvidenceItem.objects.get()
    assert item.case_number == "测城执罚〔2026〕1号"
    listed = as_zhang.get(reverse("evidence:list"), {"case": typed})
    assert list(listed.context["items"]) == [item]


@pytest.mark.parametrize("typed", ["测城执罚[2026]1号", "测城执罚(2026)1号", "测城执罚（2026）1号"])
def test_case_search_accepts_any_brackets_in_the_case_number(client, people, typed):
    item = evidence_register(
        actor=people.chen, upload=upload(), metadata=metadata(people, collector=people.chen)
    )
    client.force_login(people.head.user)
    page = client.post(reverse("evidence:case-search"), {"case": typed, "reason": "评查"})
    assert [listed for listed, _ in page.context["rows"]] == [item]


def test_the_upload_form_offers_only_the_cases_the_officer_handles(as_zhang, people, zhangs_case):
    others = case_open(
        actor=people.chen,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="另一大队的案件", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2),
        ),
    )  # fmt: skip
    Case.objects.filter(pk=others.pk).update(number="测城执罚〔2026〕2号")
    page = as_zhang.get(reverse("evidence:upload")).content.decode()
    assert '<option value="测城执罚〔2026〕1号">行政处罚一般程序 · 擅自占用城市道路经营' in page
    assert "测城执罚〔2026〕2号" not in page


def test_a_case_the_officer_does_not_handle_is_refused_in_chinese(as_zhang, people):
    response = post_upload(as_zhang, people, case_number="测城执罚[2026]2号")
    assert response.status_code == 200
    assert "不能为案件“测城执罚〔2026〕2号”登记证据" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_a_head_files_evidence_only_under_the_cases_he_handles(client, people, zhangs_case):
    client.force_login(people.head.user)
    page = client.get(reverse("evidence:upload")).content.decode()
    assert "测城执罚〔2026〕1号" not in page, "he may change the case, but does not handle it"
    zhangs_case.handlers.add(people.head)
    page = client.get(reverse("evidence:upload")).content.decode()
    assert '<option value="测城执罚〔2026〕1号">' in page


def test_the_case_page_link_fills_in_the_case_only_if_the_officer_may_choose_it(as_zhang):
    mine = as_zhang.get(reverse("evidence:upload"), {"case": "测城执罚[2026]1号"})
    assert mine.context["form"]["case_number"].value() == "测城执罚〔2026〕1号"
    other = as_zhang.get(reverse("evidence:upload"), {"case": "测城执罚〔2026〕9号"})
    assert not other.context["form"]["case_number"].value()
