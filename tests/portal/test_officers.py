"""事中公示: anyone can list officers and check a certificate, without logging in."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import make_officer

TODAY = date(2026, 5, 20)


@pytest.fixture
def officers(agency):
    squad = agency.units.get(name="执法一大队")
    make_officer(unit=squad, name="张伟", number="99010010002")
    make_officer(
        unit=squad,
        name="孙磊",
        number="99010010006",
        valid_from=date(2020, 7, 1),
        valid_until=date(2025, 6, 30),
    )
    make_officer(
        unit=agency.units.get(name="法制科"), name="吴律师", number=None, roles=("legal_adviser",)
    )
    return agency


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_officer_list_shows_each_certified_officer_with_status(client, officers):
    page = client.get(reverse("portal:officers")).content.decode()
    assert "张伟" in page and "99010010002" in page and "城市管理" in page
    assert "孙磊" in page and "已过期" in page
    assert "吴律师" not in page, "people without a certificate are not enforcement officers"


def test_officer_list_can_be_narrowed_to_one_agency(client, officers, django_user_model):
    from sanxiang.org.models import Agency, Unit
    from tests.conftest import credit_code

    other = Agency.objects.create(
        name="测试市市场监督管理局",
        credit_code=credit_code(9),
        level="municipal",
        region="测试市",
        address="a",
        phone="1",
        authority_basis="b",
    )
    make_officer(
        unit=Unit.objects.create(agency=other, name="稽查支队"),
        name="郑丽",
        number="99010020002",
        category="市场监管",
    )
    page = client.get(reverse("portal:officers"), {"agency": other.pk}).content.decode()
    assert "郑丽" in page and "张伟" not in page
    garbage = client.get(reverse("portal:officers"), {"agency": "'; drop table"})
    assert garbage.status_code == 400 and "参数“执法主体”应为正整数" in garbage.content.decode()


def test_officer_list_query_count_does_not_grow_with_officers(
    client, officers, django_assert_max_num_queries
):
    squad = officers.units.get(name="执法一大队")
    for i in range(30):
        make_officer(unit=squad, name=f"队员{i}", number=f"9901003{i:04d}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:officers"))
    assert response.content.decode().count("<tr>") == 33  # header + 32 officers


def check(client, number):
    return client.get(reverse("portal:certificate-check"), {"number": number}).content.decode()


def test_valid_certificate_says_valid_today_with_holder(client, officers):
    page = check(client, "99010010002")
    assert "证件有效" in page
    assert "今日（2026年05月20日）有效" in page and "张伟" in page


def test_expired_certificate_says_so_plainly(client, officers):
    page = check(client, " 99010010006 ")
    assert "证件无效" in page
    assert "已于 2025年06月30日 过期" in page and "不得以此证件从事执法活动" in page


def test_unknown_certificate_says_it_is_not_registered(client, officers):
    page = check(client, "99019999999")
    assert "未查询到执法证号 99019999999" in page


def test_garbage_lookup_gets_a_hint_and_is_escaped(client, officers):
    page = check(client, "<script>alert(1)</script>")
    assert "执法证号应为 4–32 位" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_portal_needs_no_login(client, officers):
    assert client.get(reverse("portal:index")).status_code == 200
    assert "测试市城市管理综合行政执法局" in client.get(reverse("portal:index")).content.decode()


def test_revoked_certificate_says_when_it_was_revoked(client, officers):
    from sanxiang.org.models import Certificate

    Certificate.objects.filter(number="99010010002").update(
        revoked_on=date(2026, 3, 1), revoke_reason="调离执法岗位"
    )
    page = check(client, "99010010002")
    assert "证件无效" in page and "已于 2026年03月01日 注销" in page


def test_certificate_not_yet_valid_says_from_when(client, officers):
    from sanxiang.org.models import Certificate

    Certificate.objects.filter(number="99010010002").update(valid_from=date(2026, 6, 1))
    assert "自 2026年06月01日 起生效，今日尚未生效" in check(client, "99010010002")
