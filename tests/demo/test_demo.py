"""``sanxiang demo``: a believable installation, loadable again and again."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory

from sanxiang.core.identifiers import credit_code_problem
from sanxiang.demo.services import DEMO_PASSWORD, demo_load
from sanxiang.org.models import Agency, Article, Certificate, Officer, Role, RoleAssignment


def counts():
    return (
        Agency.objects.count(),
        Officer.objects.count(),
        Certificate.objects.count(),
        RoleAssignment.objects.count(),
        Article.objects.count(),
    )


@pytest.mark.django_db
def test_demo_loads_two_agencies_officers_reviewers_and_an_adviser():
    summary = demo_load()
    # The two enforcement agencies, and 示范市司法局 (the supervising body, as an 执法主体).
    assert Agency.objects.count() == 3
    assert all(credit_code_problem(a.credit_code) is None for a in Agency.objects.all())
    assert Officer.objects.count() >= 12
    assert RoleAssignment.objects.filter(role=Role.REVIEWER).count() == 2
    assert RoleAssignment.objects.filter(role=Role.LEGAL_ADVISER).count() == 1
    assert Article.objects.filter(law__title="中华人民共和国行政处罚法").count() == 86
    logins = {login for login, *_ in summary.accounts}
    assert {"admin", "zhangwei", "zhouting", "wuhaitao"} <= logins


@pytest.mark.django_db
def test_demo_is_idempotent():
    demo_load()
    first = counts()
    demo_load()
    assert counts() == first


@pytest.mark.django_db
def test_demo_reviewers_do_not_also_hold_the_officer_role():
    """办、审分离: the two demo reviewers are never handling officers."""
    demo_load()
    reviewers = Officer.objects.filter(roles__role=Role.REVIEWER)
    assert not reviewers.filter(roles__role=Role.OFFICER).exists()
    assert all(r.has_legal_qualification for r in reviewers)


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_printed_password():
    demo_load()
    request = RequestFactory().post("/office/login/")
    assert authenticate(request, username="zhangwei", password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_demo_publishes_the_lists_before_acting_and_reloading_changes_nothing(client):
    from sanxiang.disclosure.models import ListingChange, ListingSnapshot

    demo_load()
    demo_load()
    # Five lists of each demo enforcement agency (not the 司法局, which supervises), each
    # published once; reloading is not a change.
    from sanxiang.org.models import SupervisoryBody

    assert ListingSnapshot.objects.count() == 10
    for agency in Agency.objects.exclude(pk__in=SupervisoryBody.objects.values("agency")):
        assert ListingSnapshot.objects.filter(agency=agency).count() == 5
    assert not ListingChange.objects.exists()
    page = client.get("/gongshi/lists/items/").content.decode()
    assert "擅自设置大型户外广告" in page
    assert "《城市市容和环境卫生管理条例》第三十六条" in page
    assert "《中华人民共和国食品安全法》第一百二十二条" in page
    remedies = client.get("/gongshi/lists/remedies/").content.decode()
    assert "六十日" in remedies
    assert "示范市人民政府" in remedies


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2026, 2031, 2040])
def test_demo_certificates_are_valid_or_expired_as_written_in_whatever_year_it_is_loaded(year):
    """The demo's officers can act and 孙磊's certificate is expired, in any year."""
    with time_machine.travel(datetime(year, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        demo_load()
        today = date(year, 3, 1)
        valid = Certificate.objects.get(number="99010010002")  # 张伟
        expired = Certificate.objects.get(number="99010010006")  # 孙磊
        assert valid.valid_from <= today <= valid.valid_until
        assert expired.valid_until < today
        assert valid.valid_until.year - valid.valid_from.year == 2029 - 2024


@pytest.mark.django_db
def test_demo_has_a_supervising_body_over_both_agencies_with_its_supervisor():
    from sanxiang.org.models import SupervisoryBody
    from sanxiang.org.selectors import supervised_agency_ids

    summary = demo_load()
    body = SupervisoryBody.objects.get(name="示范市司法局")
    supervisor = Officer.objects.get(user__username="jiandu")
    assert supervisor.has_role(Role.SUPERVISOR)
    assert supervisor.unit.agency_id == body.agency_id
    names = set(
        Agency.objects.filter(pk__in=supervised_agency_ids(supervisor)).values_list(
            "name", flat=True
        )
    )
    assert {"示范市城市管理综合行政执法局", "示范市市场监督管理局"} <= names
    assert "jiandu" in {login for login, *_ in summary.accounts}
