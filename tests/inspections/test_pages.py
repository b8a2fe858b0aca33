"""The office's task pages and the portal's public record of a draw."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from sanxiang.inspections import draw
from sanxiang.inspections.models import Beacon, InspectionTarget, InspectionTask, TaskState
from sanxiang.inspections.services import beacon_enter, task_draw, task_freeze
from sanxiang.org.models import Agency, Unit
from tests.conftest import credit_code, make_officer
from tests.inspections.conftest import id_number, just_before, time_machine_later

LOTTERY = "福彩双色球2026140期：03 07 12 19 25 31+09"


@pytest.fixture
def drawn(task, manager):
    task_freeze(
        actor=manager, task_id=task.pk, beacon_sources=["福利彩票双色球第2026140期开奖号码"]
    )
    with time_machine_later():
        beacon_enter(
            actor=manager,
            task_id=task.pk,
            value=LOTTERY,
            slot=0,
            published_at=just_before(),
        )
        return task_draw(actor=manager, task_id=task.pk)


def test_the_public_record_recomputes_to_the_published_result(client, drawn):
    record = client.get(f"/gongshi/draws/{drawn.pk}.json").json()
    for key in (
        "algorithm",
        "candidates",
        "inspectors",
        "candidates_sha256",
        "inspectors_sha256",
        "beacons",
        "k",
        "m",
        "conflicts",
        "seed",
        "targets",
        "teams",
    ):
        assert key in record
    result = draw.run(
        candidates=record["candidates"],
        inspectors=record["inspectors"],
        beacons=record["beacons"],
        k=record["k"],
        m=record["m"],
        conflicts=record["conflicts"],
    )
    assert record["algorithm"] == "SX-DRAW-1"
    assert result.seed_hex == record["seed"]
    assert result.targets == record["targets"] and result.teams == record["teams"]
    assert record["ledger"]["frozen"]["content_sha256"]
    assert record["beacon_sources"][0]["source"] == "福利彩票双色球第2026140期开奖号码"
    assert record["beacon_plan"] == ["福利彩票双色球第2026140期开奖号码"]


def test_the_public_record_never_shows_an_individuals_id_number_or_name(client, drawn):
    body = client.get(f"/gongshi/draws/{drawn.pk}.json").content.decode()
    page = client.get(f"/gongshi/draws/{drawn.pk}/").content.decode()
    person = InspectionTarget.objects.get(identifier=id_number(1))
    for text in (body, page):
        assert id_number(1) not in text and person.name not in text
    assert person.public_id in body


def test_the_draw_page_offers_the_browser_check_and_lists_the_teams(client, drawn):
    page = client.get(f"/gongshi/draws/{drawn.pk}/").content.decode()
    assert 'id="draw-record"' in page and 'id="draw-verify"' in page
    assert drawn.seed in page
    assert "portal/sxdraw.js" in page
    listed = client.get("/gongshi/draws/").content.decode()
    assert drawn.name in listed


def test_a_task_not_yet_frozen_is_not_public(client, task):
    assert client.get(f"/gongshi/draws/{task.pk}/").status_code == 404
    assert client.get(f"/gongshi/draws/{task.pk}.json").status_code == 404
    assert client.get("/gongshi/draws/999999.json").status_code == 404


def test_an_officer_freezes_and_enters_a_beacon_from_the_office(client, task, manager):
    client.force_login(manager.user)
    page = client.get(f"/office/inspections/{task.pk}/")
    assert page.status_code == 200 and "冻结名单" in page.content.decode()
    # Freezing asks which beacons will decide the draw.
    refused = client.post(f"/office/inspections/{task.pk}/freeze", {"beacon_sources": ""})
    assert refused.status_code == 400 and "请声明至少一个" in refused.content.decode()
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.DRAFT
    client.post(
        f"/office/inspections/{task.pk}/freeze",
        {"beacon_sources": "福利彩票双色球第2026140期开奖号码\n"},
    )
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.FROZEN
    page = client.get(f"/office/inspections/{task.pk}/").content.decode()
    assert "福利彩票双色球第2026140期开奖号码" in page
    refused = client.post(
        f"/office/inspections/{task.pk}/beacon",
        {"slot": "0", "value": "1", "published_at": "2020-01-01T10:00"},
    )
    assert refused.status_code == 400
    assert "早于名单冻结时间" in refused.content.decode()
    for garbled in (
        {"slot": "0", "value": "1", "published_at": "明天"},
        {"slot": "x", "value": "1", "published_at": "2026-06-10T10:30"},
        {"slot": "7", "value": "1", "published_at": "2026-06-10T10:30"},
        {"slot": "0", "value": "", "published_at": "2026-06-10T10:30"},
    ):
        answer = client.post(f"/office/inspections/{task.pk}/beacon", garbled)
        assert answer.status_code == 400, garbled
    assert not Beacon.objects.exists()
    assert client.post(f"/office/inspections/{task.pk}/draw").status_code == 400


def test_an_officer_creates_a_task_and_bad_numbers_are_refused(client, plan, manager, task):
    client.force_login(manager.user)
    from sanxiang.org.models import EnforcementCategory

    category = EnforcementCategory.objects.get(name="城市管理")
    before = InspectionTask.objects.count()
    refused = client.post(
        "/office/inspections/new/",
        {"name": "第二批", "item": plan.item_id, "category": category.pk, "k": "九十九"},
    )
    assert refused.status_code == 400 and "应为整数" in refused.content.decode()
    refused = client.post(
        "/office/inspections/new/",
        {"name": "第二批", "item": plan.item_id, "category": category.pk, "k": "999"},
    )
    assert refused.status_code == 400 and "只有 20 个" in refused.content.decode()
    assert InspectionTask.objects.count() == before
    made = client.post(
        "/office/inspections/new/",
        {"name": "第二批", "item": plan.item_id, "category": category.pk, "k": "4", "m": "2"},
    )
    assert made.status_code == 302
    assert InspectionTask.objects.get(name="第二批").k == 4


def test_another_agencys_officer_cannot_see_or_touch_the_task(client, task, categories):
    other = Agency.objects.create(
        name="另一局",
        credit_code=credit_code(2),
        level="municipal",
        region="测试市",
        address="x",
        phone="1",
        authority_basis="x",
    )
    unit = Unit.objects.create(agency=other, name="一队")
    stranger = make_officer(
        unit=unit, name="外人", number="99020010001", user=User.objects.create_user("stranger")
    )
    client.force_login(stranger.user)
    assert client.get(f"/office/inspections/{task.pk}/").status_code == 404
    assert client.post(f"/office/inspections/{task.pk}/freeze").status_code == 404
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.DRAFT


def test_a_head_uploads_the_register_and_sees_every_bad_row(client, unit, agency):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.inspections.conftest import targets_csv

    head = make_officer(
        unit=unit,
        name="负责人",
        number=None,
        roles=("head",),
        user=User.objects.create_user("head"),
    )
    client.force_login(head.user)
    bad = targets_csv(3).decode().replace("高风险", "很高", 1).encode()
    refused = client.post(
        "/office/inspections/targets/", {"file": SimpleUploadedFile("名录.csv", bad)}
    )
    assert refused.status_code == 400
    assert "第 2 行" in refused.content.decode() and "风险等级" in refused.content.decode()
    assert not InspectionTarget.objects.exists()
    wrong_type = client.post(
        "/office/inspections/targets/", {"file": SimpleUploadedFile("名录.pdf", b"%PDF-1.4")}
    )
    assert wrong_type.status_code == 400 and "只支持" in wrong_type.content.decode()
    done = client.post(
        "/office/inspections/targets/",
        {"file": SimpleUploadedFile("名录.csv", targets_csv(3))},
        follow=True,
    )
    assert "新增 3 个检查对象" in done.content.decode()
    assert InspectionTarget.objects.filter(agency=agency).count() == 3


def test_an_officer_without_the_role_cannot_upload_the_register(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.inspections.conftest import targets_csv

    client.force_login(manager.user)
    answer = client.post(
        "/office/inspections/targets/", {"file": SimpleUploadedFile("名录.csv", targets_csv(2))}
    )
    assert answer.status_code == 403
    assert not InspectionTarget.objects.exists()
