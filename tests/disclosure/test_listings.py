"""事前公开: lists built from the data the system enforces with, published by a head, and flagged
for re-publication when a cited law or the agency's duties change (Shaanxi indicators 21, 22)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, transaction

from sanxiang.disclosure.listings import (
    ListingRefused,
    content_sha256,
    listing_content,
    listing_publish,
    open_changes,
    overdue_changes,
)
from sanxiang.disclosure.models import ListingSnapshot
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import (
    EnforcementCategory,
    EnforcementItem,
    Law,
    RandomCheckItem,
    RemedyChannel,
    ServiceGuide,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]  # due dates counted from today


def add_item(agency, articles, code="CG-001", name="擅自占用城市道路经营的处罚"):
    item = EnforcementItem.objects.create(
        agency=agency,
        code=code,
        name=name,
        kind="penalty",
        category=EnforcementCategory.objects.get(name="城市管理"),
        unit=agency.units.get(name="执法一大队"),
        authority="调查取证权、行政处罚决定权",
        duty="依法调查、告知、决定、送达、执行",
    )
    item.basis_articles.set([articles[14], articles[36]])
    return item


def publish(staff, kind):
    content = listing_content(staff.head.unit.agency, kind)
    return listing_publish(actor=staff.head, kind=kind, expected_sha256=content_sha256(content))


def test_items_list_cites_the_articles_the_system_holds(staff, agency, articles):
    add_item(agency, articles)
    content = listing_content(agency, "items")
    [row] = content["items"]
    assert row["name"] == "擅自占用城市道路经营的处罚"
    assert [a["article"] for a in row["basis"]["articles"]] == ["第十四条", "第三十六条"]
    assert row["basis"]["articles"][0]["law"] == "城市市容和环境卫生管理条例"


def test_head_publishes_a_list_and_its_hash_goes_into_the_ledger(staff, agency, articles):
    add_item(agency, articles)
    snapshot = publish(staff, "items")
    assert snapshot.number == 1
    event = LedgerEntry.objects.get(object_type="disclosure.listing", object_id=str(snapshot.pk))
    assert event.content_sha256 == snapshot.sha256
    assert event.action == "disclosure.listing.published"
    with pytest.raises(DatabaseError), transaction.atomic():
        ListingSnapshot.objects.filter(pk=snapshot.pk).update(content={"items": []})


def test_only_a_head_of_the_agency_publishes(staff, agency, articles):
    add_item(agency, articles)
    content = listing_content(agency, "items")
    with pytest.raises(ListingRefused, match="负责人"):
        listing_publish(actor=staff.zhang, kind="items", expected_sha256=content_sha256(content))
    assert not ListingSnapshot.objects.exists()


def test_publishing_what_was_not_reviewed_is_refused(staff, agency, articles):
    item = add_item(agency, articles)
    seen = content_sha256(listing_content(agency, "items"))
    item.authority = "行政处罚决定权"
    item.save()
    with pytest.raises(ListingRefused, match="发生了变化"):
        listing_publish(actor=staff.head, kind="items", expected_sha256=seen)
    assert not ListingSnapshot.objects.exists()


def test_an_item_without_basis_or_an_empty_list_cannot_be_published(staff, agency, articles):
    with pytest.raises(ListingRefused, match="尚未登记任何行政执法事项"):
        publish(staff, "items")
    item = add_item(agency, articles)
    item.basis_articles.clear()
    with pytest.raises(ListingRefused, match="没有写明依据"):
        publish(staff, "items")


def test_editing_a_published_item_is_due_for_republication_within_20_working_days(
    staff, agency, articles
):
    item = add_item(agency, articles)
    with time_machine.travel(date(2026, 9, 21), tick=False):
        publish(staff, "items")
    # Edited on Friday 25 September 2026; National Day (1–7 October) is off and Saturday
    # 10 October is a working day: the 20th working day after is Thursday 29 October.
    with time_machine.travel(date(2026, 9, 25), tick=False):
        item.authority = "行政处罚决定权"
        item.save()
    [change] = open_changes(agency.pk)
    assert change.kind == "items"
    assert change.cause == "duty"
    assert change.occurred_on == date(2026, 9, 25)
    assert change.due_on == date(2026, 10, 29)
    with time_machine.travel(date(2026, 10, 29), tick=False):
        assert not overdue_changes(agency.pk).exists()
    with time_machine.travel(date(2026, 10, 30), tick=False):
        assert list(overdue_changes(agency.pk)) == [change]
        snapshot = publish(staff, "items")
        assert snapshot.number == 2
        assert not overdue_changes(agency.pk).exists()
    change.refresh_from_db()
    assert change.resolved_by == snapshot


def test_changing_basis_articles_alone_is_a_change(staff, agency, articles):
    item = add_item(agency, articles)
    publish(staff, "items")
    item.basis_articles.remove(articles[36])
    assert open_changes(agency.pk).filter(kind="items").count() == 1


def test_saving_without_changing_anything_public_is_not_a_change(staff, agency, articles):
    item = add_item(agency, articles)
    publish(staff, "items")
    item.save()
    assert not open_changes(agency.pk).exists()


def test_a_new_version_of_a_cited_law_flags_the_list_for_10_working_days(staff, agency, articles):
    add_item(agency, articles)
    with time_machine.travel(date(2026, 3, 2), tick=False):
        publish(staff, "items")
        Law.objects.create(
            title="城市市容和环境卫生管理条例",
            kind="admin_regulation",
            issuer="国务院",
            promulgated_on=date(2026, 3, 1),
            effective_on=date(2026, 4, 1),
            source="测试",
        )
    [change] = open_changes(agency.pk)
    assert change.cause == "law"
    assert change.occurred_on == date(2026, 4, 1)
    # 10 working days after 1 April 2026: 清明 (4–6 April) is off.
    assert change.due_on == date(2026, 4, 16)
    # After the new version takes effect the list citing the old one cannot be re-published.
    with (
        time_machine.travel(date(2026, 4, 2), tick=False),
        pytest.raises(ListingRefused, match="已不再有效"),
    ):
        publish(staff, "items")


def test_a_repealed_law_flags_every_list_citing_it(staff, agency, articles):
    add_item(agency, articles)
    RandomCheckItem.objects.create(
        agency=agency,
        code="SJ-01",
        name="户外广告设施设置检查",
        targets="辖区户外广告设置单位",
        population=420,
        ratio_percent=Decimal("5"),
        cycle="每年一次",
        method="现场检查",
    ).basis_articles.set([articles[14]])
    with time_machine.travel(date(2026, 5, 11), tick=False):
        publish(staff, "items")
        publish(staff, "random_checks")
        law = articles[14].law
        law.is_in_force = False
        law.ceased_on = date(2026, 5, 15)
        law.save()
    changes = open_changes(agency.pk)
    assert sorted(changes.values_list("kind", flat=True)) == ["items", "random_checks"]
    assert {c.due_on for c in changes} == {date(2026, 5, 29)}


def test_other_agencies_lists_are_not_flagged_by_an_edit(staff, agency, articles):
    add_item(agency, articles)
    publish(staff, "items")
    agency.phone = "0999-7654321"
    agency.save()
    # The 执法主体 list was never published, and the items list does not show the phone.
    assert not open_changes(agency.pk).exists()


def test_ledger_verify_finds_a_published_list_altered_behind_the_triggers(staff, agency, articles):
    from django.db import connection

    from sanxiang.ledger.verify import verify_ledger
    from tests.ledger.conftest import lift_triggers

    add_item(agency, articles)
    snapshot = publish(staff, "items")
    assert not verify_ledger().problem
    lift_triggers(("disclosure_listingsnapshot",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosure_listingsnapshot SET content = %s WHERE id = %s",
            ['{"items": []}', snapshot.pk],
        )
    assert f"listing snapshot {snapshot.pk} no longer has the content" in (
        verify_ledger().problem or ""
    )


def test_remedies_and_guides_lists(staff, agency, articles):
    item = add_item(agency, articles)
    ServiceGuide.objects.create(
        item=item,
        accepting_body="执法一大队",
        approving_body="测试市城市管理综合行政执法局",
        conditions="发现或者接到投诉举报",
        time_limit="立案之日起九十日内作出决定",
        supervision="监督电话 0999-12345",
        office_hours="工作日 9:00–17:00",
        address="测试市人民路 1 号",
        phone="0999-1234567",
    )
    RemedyChannel.objects.create(
        agency=agency,
        kind="reconsideration",
        body="测试市人民政府",
        period="自知道或者应当知道该行政行为之日起六十日内",
        basis="《中华人民共和国行政复议法》第二十条",
    )
    assert publish(staff, "guides").content["guides"][0]["time_limit"].startswith("立案之日起")
    assert publish(staff, "remedies").content["channels"][0]["body"] == "测试市人民政府"


def test_office_page_shows_the_change_and_the_head_publishes_from_it(
    client, staff, agency, articles
):
    item = add_item(agency, articles)
    publish(staff, "items")
    item.name = "擅自占用城市道路、桥梁经营的处罚"
    item.save()
    client.force_login(staff.head.user)
    overview = client.get("/office/disclosure/lists/").content.decode()
    assert "数据已变更，待重新公示" in overview
    assert "应于" in overview
    page = client.get("/office/disclosure/lists/items/").content.decode()
    assert "擅自占用城市道路、桥梁经营的处罚" in page
    digest = content_sha256(listing_content(agency, "items"))
    assert digest in page
    response = client.post("/office/disclosure/lists/items/publish", {"sha256": digest})
    assert response.status_code == 302
    assert ListingSnapshot.objects.filter(kind="items").count() == 2
    assert not open_changes(agency.pk).exists()


def test_office_publish_by_a_handler_changes_nothing(client, staff, agency, articles):
    add_item(agency, articles)
    client.force_login(staff.zhang.user)
    page = client.get("/office/disclosure/lists/items/").content.decode()
    assert "由负责人审核后公示" in page
    digest = content_sha256(listing_content(agency, "items"))
    client.post("/office/disclosure/lists/items/publish", {"sha256": digest})
    assert not ListingSnapshot.objects.exists()


def test_portal_shows_the_published_version_not_later_edits(client, staff, agency, articles):
    item = add_item(agency, articles, name="<b>擅自</b>占用城市道路经营的处罚")
    publish(staff, "items")
    item.name = "尚未公示的新名称"
    item.save()
    page = client.get("/gongshi/lists/items/").content.decode()
    assert "&lt;b&gt;擅自&lt;/b&gt;占用城市道路经营的处罚" in page
    assert "尚未公示的新名称" not in page
    assert "《城市市容和环境卫生管理条例》第十四条" in page
    assert client.get("/gongshi/lists/nonsense/").status_code == 404
    empty = client.get("/gongshi/lists/random_checks/").content.decode()
    assert "暂无公示的随机抽查事项清单" in empty
