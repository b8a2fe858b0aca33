"""Who may reach the office: client addresses behind a proxy, lockouts that strangers cannot
cause, officers taken off duty, passwords, and the headers every page carries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from sanxiang.core.http import client_ip
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Officer
from tests.conftest import make_officer

PASSWORD = "correct horse battery"
NEW_PASSWORD = "晴天 walking 2026 river"
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def zhang(agency, django_user_model):
    user = django_user_model.objects.create_user("zhangwei", password=PASSWORD)
    make_officer(
        unit=agency.units.get(name="执法一大队"), name="张伟", number="99010010002", user=user
    )
    return user


@pytest.fixture
def head(agency, django_user_model):
    """A 负责人, who may read 审核统计."""
    user = django_user_model.objects.create_user("liuzq", password=PASSWORD)
    make_officer(
        unit=agency.units.get(name="执法一大队"),
        name="刘志强",
        number="99010010005",
        roles=("head", "officer"),
        user=user,
    )
    return user


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]


def login(client, username="zhangwei", password=PASSWORD, forwarded_for=None, remote="10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("office:login"), {"username": username, "password": password}, **extra
    )


def request_from(remote, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/office/", **extra)


# --- client address and lockout -------------------------------------------------------------


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("10.0.0.2", "203.0.113.9")) == "10.0.0.2"


def test_behind_a_trusted_proxy_the_real_client_is_used(behind_proxy):
    # The client wrote a fake first hop himself; the proxy appended what it saw.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    # Two proxies of ours in a row: skip both.
    assert client_ip(request_from("127.0.0.1", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    assert client_ip(request_from("::ffff:10.0.0.2", "2001:db8::5")) == "2001:db8::5"
    # A garbled hop ends the walk at the last address we can vouch for.
    assert client_ip(request_from("10.0.0.2", "203.0.113.9, not-an-ip")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("")) == "unknown"


def test_a_link_local_client_behind_the_proxy_is_recorded_without_its_zone(behind_proxy, zhang):
    """fe80::5%eth0 would not fit the lockout table's address column (a 500 at log-in)."""
    assert client_ip(request_from("10.0.0.2", "fe80::5%eth0")) == "fe80::5"
    response = login(Client(), password="wrong-password", forwarded_for="fe80::5%eth0")
    assert response.status_code == 200


def test_a_bad_trusted_proxies_setting_stops_the_start_with_its_name():
    from sanxiang.core.http import parse_trusted_proxies

    assert parse_trusted_proxies(" 10.0.0.0/8, ::1 ,") == ["10.0.0.0/8", "::1"]
    with pytest.raises(ValueError, match=r"SANXIANG_TRUSTED_PROXIES: '10\.0\.0\.300'"):
        parse_trusted_proxies("10.0.0.300")


def test_failures_from_one_address_do_not_lock_the_name_for_another(zhang, behind_proxy):
    attacker, officer = Client(), Client()
    for _ in range(5):
        login(attacker, password="wrong password", forwarded_for="203.0.113.66")
    assert login(attacker, forwarded_for="203.0.113.66").status_code == 429
    # Same proxy, same name, the officer's own address: not locked.
    assert login(officer, forwarded_for="198.51.100.20").status_code == 302


def test_rotating_a_spoofed_forwarded_for_does_not_escape_the_lockout(zhang, settings):
    settings.TRUSTED_PROXIES = []
    client = Client()
    for n in range(5):
        login(
            client, password="wrong password", forwarded_for=f"203.0.113.{n}", remote="198.51.100.9"
        )
    assert login(client, forwarded_for="203.0.113.99", remote="198.51.100.9").status_code == 429


def test_one_address_trying_many_names_is_refused_there_only(zhang, behind_proxy, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    guesser = Client()
    for n in range(8):
        login(guesser, username=f"user{n}", password="wrong password", forwarded_for="203.0.113.5")
    refused = login(guesser, forwarded_for="203.0.113.5")
    assert refused.status_code == 429
    assert login(Client(), forwarded_for="198.51.100.20").status_code == 302


def test_the_admin_log_in_is_refused_to_an_address_past_its_limit(
    zhang, administrator, behind_proxy, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(8):
        login(Client(), username=f"user{n}", password="wrong password", forwarded_for="203.0.113.5")
    form = {"username": "admin", "password": PASSWORD, "next": "/office/admin/"}
    there, elsewhere = Client(), Client()
    there.post(
        "/office/admin/login/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert there.get("/office/admin/").status_code == 302
    elsewhere.post("/office/admin/login/", form, REMOTE_ADDR="10.0.0.2")
    assert elsewhere.get("/office/admin/").status_code == 200


# --- officers taken off duty ------------------------------------------------------------------


def test_a_deactivated_officer_cannot_log_in(client, zhang):
    Officer.objects.filter(user=zhang).update(is_active=False)
    response = login(client)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get(reverse("office:home")).status_code == 302


def test_a_deactivated_officer_s_open_session_ends_including_review_figures(client, head):
    assert login(client, username="liuzq").status_code == 302
    figures = reverse("review:figures")
    assert client.get(figures).status_code == 200
    Officer.objects.filter(user=head).update(is_active=False)
    response = client.get(figures)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))
    assert client.get(reverse("office:home")).status_code == 302


# --- passwords ----------------------------------------------------------------------------------


def change(client, old, new, again=None):
    return client.post(
        reverse("office:password"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_an_officer_changes_his_password_with_the_old_one(client, zhang):
    login(client)
    wrong = change(client, "not my password", NEW_PASSWORD)
    assert wrong.status_code == 200 and "原密码" in wrong.content.decode()
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get(reverse("office:home")).status_code == 200, "this session stays"
    event = LedgerEntry.objects.get(action="auth.user.password_changed")
    assert event.actor == f"user:{zhang.pk}" and event.object_id == str(zhang.pk)
    assert NEW_PASSWORD not in str(event.__dict__)
    assert login(Client(), password=NEW_PASSWORD).status_code == 302
    assert login(Client(), password=PASSWORD).status_code == 200


def test_a_weak_new_password_is_refused(client, zhang):
    login(client)
    response = change(client, PASSWORD, "12345678901")
    assert response.status_code == 200
    assert not LedgerEntry.objects.filter(action="auth.user.password_changed").exists()
    assert login(Client(), password=PASSWORD).status_code == 302


@pytest.fixture
def administrator(django_user_model, db):
    return django_user_model.objects.create_superuser("admin", password=PASSWORD)


def test_an_administrator_reset_gives_a_one_time_password_that_must_be_changed(
    zhang, administrator
):
    import re

    officer_session = Client()
    login(officer_session)
    admin = Client()
    admin.force_login(administrator)
    officer = Officer.objects.get(user=zhang)
    page = admin.post(
        reverse("admin:org_officer_changelist"),
        {"action": "reset_password", "_selected_action": [officer.pk]},
    )
    assert page.status_code == 200
    shown = re.search(r"<code>([^<]+)</code>", page.content.decode())
    assert shown is not None
    temporary = shown.group(1)
    assert "no-store" in page["Cache-Control"]
    event = LedgerEntry.objects.get(action="org.officer.password_reset")
    assert event.actor == f"user:{administrator.pk}" and event.object_id == str(officer.pk)
    # The session opened with the old password has ended; the old password is gone.
    assert officer_session.get(reverse("office:home")).status_code == 302
    assert login(Client(), password=PASSWORD).status_code == 200
    # The temporary one lets him in only to set his own.
    client = Client()
    assert login(client, password=temporary).status_code == 302
    home = client.get(reverse("office:home"))
    assert home.status_code == 302 and home["Location"] == reverse("office:password")
    assert client.get(reverse("review:figures"))["Location"] == reverse("office:password")
    assert "管理员已重置您的密码" in client.get(reverse("office:password")).content.decode()
    assert change(client, temporary, NEW_PASSWORD).status_code == 302
    assert client.get(reverse("office:home")).status_code == 200
    assert LedgerEntry.objects.filter(
        action="org.officer.password_set_after_reset", actor=f"user:{zhang.pk}"
    ).exists()
    assert login(Client(), password=temporary).status_code == 200, "used once"


# --- headers -------------------------------------------------------------------------------------


def test_every_page_carries_a_content_security_policy(client, zhang, administrator):
    login(client)
    admin = Client()
    admin.force_login(administrator)
    pages = [
        (client, reverse("office:home")),
        (Client(), reverse("office:login")),
        (Client(), "/gongshi/"),
        (Client(), "/gongshi/query/"),
        (Client(), "/api/v1/publications"),
        (admin, "/office/admin/"),
        (Client(), "/office/admin/login/"),
        (Client(), "/gongshi/no-such-page/"),
    ]
    for who, url in pages:
        response = who.get(url)
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_office_pages_are_never_stored_by_browsers_or_proxies(client, zhang, administrator):
    login(client)
    admin = Client()
    admin.force_login(administrator)
    for who, url in [
        (client, reverse("office:home")),
        (client, reverse("office:password")),
        (Client(), reverse("office:login")),
        (admin, "/office/admin/org/officer/"),
    ]:
        assert "no-store" in who.get(url)["Cache-Control"], url
    assert "no-store" not in Client().get("/gongshi/").get("Cache-Control", "")


def test_no_page_template_needs_inline_script_or_style_that_the_policy_would_block():
    """The policy forbids inline code: templates load scripts and styles from static files."""
    import re
    from pathlib import Path

    import sanxiang

    # A file handed out for download, opened from disk: no response header applies to it.
    downloaded = {"annual_standalone.html"}
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        f"{path.name}: {match.group(0)}"
        for path in Path(sanxiang.__file__).parent.rglob("templates/**/*.html")
        if path.name not in downloaded
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_pdf_shown_in_the_browser_is_not_blocked_by_the_page_policy():
    """Chromium draws a PDF with its built-in viewer, which ``object-src 'none'`` blocks."""
    from django.http import HttpResponse

    from sanxiang.core.http import SecurityHeadersMiddleware

    def pdf(request):
        return HttpResponse(b"%PDF-1.7", content_type="application/pdf")

    def page(request):
        return HttpResponse("<p>页</p>")

    request = RequestFactory().get("/office/evidence/1/file/")
    assert "Content-Security-Policy" not in SecurityHeadersMiddleware(pdf)(request).headers
    assert SecurityHeadersMiddleware(page)(request).headers["Content-Security-Policy"]
