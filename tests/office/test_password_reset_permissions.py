"""Who may reset whose password in 管理后台: a reset hands the account to whoever ran it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Officer
from tests.conftest import make_officer

PASSWORD = "correct horse battery"
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _officer_with_account(agency, django_user_model, username, number, **user_flags):
    user = django_user_model.objects.create_user(username, password=PASSWORD, **user_flags)
    make_officer(unit=agency.units.get(name="执法一大队"), name=username, number=number, user=user)
    return Officer.objects.get(user=user)


def _staff(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def _reset(client, officer):
    return client.post(
        reverse("admin:org_officer_changelist"),
        {"action": "reset_password", "_selected_action": [officer.pk]},
    )


def _password_still_works(officer):
    officer.user.refresh_from_db()
    return officer.user.check_password(PASSWORD)


def test_an_administrator_who_may_only_view_officers_cannot_reset_a_password(
    agency, django_user_model
):
    target = _officer_with_account(agency, django_user_model, "zhangwei", "99010010002")
    viewer = _staff(django_user_model, "viewer", "view_officer")
    assert viewer.get(reverse("admin:org_officer_changelist")).status_code == 200

    page = _reset(viewer, target)

    assert "<code>" not in page.content.decode()
    assert _password_still_works(target)
    assert not LedgerEntry.objects.filter(action="org.officer.password_reset").exists()


def test_an_officer_administrator_cannot_take_over_a_superuser_by_resetting_his_password(
    agency, django_user_model
):
    boss = _officer_with_account(
        agency, django_user_model, "boss", "99010010003", is_staff=True, is_superuser=True
    )
    colleague = _officer_with_account(
        agency, django_user_model, "admin2", "99010010004", is_staff=True
    )
    editor = _staff(django_user_model, "editor", "view_officer", "change_officer")

    for target in (boss, colleague):
        page = _reset(editor, target)
        assert page.status_code == 200
        assert "<code>" not in page.content.decode()
        assert "errorlist" in page.content.decode()
        assert _password_still_works(target)
    assert not LedgerEntry.objects.filter(action="org.officer.password_reset").exists()


def test_an_officer_administrator_resets_an_ordinary_officer_s_password(agency, django_user_model):
    target = _officer_with_account(agency, django_user_model, "zhangwei", "99010010002")
    editor = _staff(django_user_model, "editor", "view_officer", "change_officer")

    page = _reset(editor, target)

    assert "<code>" in page.content.decode()
    assert not _password_still_works(target)


def test_the_temporary_password_cannot_be_kept_as_the_officer_s_own(agency, django_user_model):
    """The administrator read it: it must not stay the officer's password."""
    import re

    officer = _officer_with_account(agency, django_user_model, "zhangwei", "99010010002")
    admin = _staff(django_user_model, "editor", "view_officer", "change_officer")
    shown = re.search(r"<code>([^<]+)</code>", _reset(admin, officer).content.decode())
    assert shown is not None
    temporary = shown.group(1)
    client = Client()
    client.post(reverse("office:login"), {"username": "zhangwei", "password": temporary})

    page = client.post(
        reverse("office:password"),
        {"old_password": temporary, "new_password1": temporary, "new_password2": temporary},
    )

    assert page.status_code == 200
    assert "新密码不能与当前密码相同" in page.content.decode()
    officer.refresh_from_db()
    assert officer.password_must_change
    assert client.get(reverse("office:home"))["Location"] == reverse("office:password")
