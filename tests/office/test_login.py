"""Staff log-in: hashed passwords, throttling, session expiry, CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_officer

PASSWORD = "correct horse battery"


@pytest.fixture
def zhang(agency, django_user_model):
    user = django_user_model.objects.create_user("zhangwei", password=PASSWORD)
    make_officer(
        unit=agency.units.get(name="执法一大队"), name="张伟", number="99010010002", user=user
    )
    return user


def login(client, password=PASSWORD, username="zhangwei"):
    return client.post(reverse("office:login"), {"username": username, "password": password})


def test_office_requires_login(client, db):
    response = client.get(reverse("office:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))


def test_officer_logs_in_and_sees_himself_and_his_certificate(client, zhang):
    response = login(client)
    assert response.status_code == 302
    page = client.get(reverse("office:home")).content.decode()
    assert "您好，张伟" in page
    assert "测试市城市管理综合行政执法局" in page and "执法一大队" in page
    assert "99010010002" in page
    assert '<a href="/office/supervision/">执法监督</a>' in page


def test_an_area_not_yet_built_is_shown_disabled_not_as_a_link(client, zhang, monkeypatch):
    from sanxiang.office import context

    monkeypatch.setattr(context, "AREAS", (*context.AREAS, {"name": "培训记录", "url": None}))
    login(client)
    page = client.get(reverse("office:home")).content.decode()
    assert "建设中" in page, "areas not yet built are shown disabled, not as working links"


def test_passwords_are_stored_with_a_slow_salted_hash(settings, django_user_model, db):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    user = django_user_model.objects.create_user("wangfang", password=PASSWORD)
    assert PASSWORD not in user.password
    assert user.password.startswith("pbkdf2_sha256$")


def test_wrong_password_is_refused_in_chinese(client, zhang):
    response = login(client, password="wrong password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, zhang):
    for _ in range(5):
        login(client, password="wrong password")
    response = login(client)
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert client.get(reverse("office:home")).status_code == 302


def test_lockout_ends_after_the_cooloff(client, zhang):
    for _ in range(5):
        login(client, password="wrong password")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(client).status_code == 302


def test_session_expires_after_thirty_idle_minutes(client, zhang):
    login(client)
    assert client.get(reverse("office:home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("office:home"))
    assert response.status_code == 302


def test_session_cookie_ends_with_the_browser(client, zhang):
    response = login(client)
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


def test_login_form_without_csrf_token_is_refused(zhang):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("office:login"), {"username": "zhangwei", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_is_a_post_and_ends_the_session(client, zhang):
    login(client)
    client.post(reverse("office:logout"))
    assert client.get(reverse("office:home")).status_code == 302


def test_account_without_officer_record_is_told_to_ask_the_administrator(
    client, django_user_model, db
):
    django_user_model.objects.create_user("orphan", password=PASSWORD)
    login(client, username="orphan")
    assert "尚未关联执法人员信息" in client.get(reverse("office:home")).content.decode()


def test_an_active_session_stays_alive_but_is_not_written_on_every_request(client, zhang):
    from django.contrib.sessions.models import Session

    login(client)
    client.get(reverse("office:home"))
    expiry = Session.objects.get().expire_date
    client.get(reverse("office:home"))
    assert Session.objects.get().expire_date == expiry, "no write within the same minute"
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(reverse("office:home")).status_code == 200
        renewed = Session.objects.get().expire_date
    assert renewed > expiry
    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        assert client.get(reverse("office:home")).status_code == 200, (
            "20 + 25 idle minutes < 30 each"
        )
