"""The log-in read in one query (``officer_rows.login_user``) keeps what Django's sessions
rely on: the password hash (a password changed elsewhere ends the other sessions), the user's
own fields (a save of the request's user writes back what was read), the 管理后台 for an
administrator without an officer record; a malformed session id is refused, never a 500; the
per-process converters are built once, not once per request."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sanxiang.org.backends import ActiveOfficerBackend
from sanxiang.org.officer_rows import _converters_of, login_user
from tests.conftest import make_officer

PASSWORD = "correct horse battery"
NEW_PASSWORD = "晴天 walking 2026 river"


@pytest.fixture
def zhang(agency, django_user_model):
    user = django_user_model.objects.create_user("zhangwei", password=PASSWORD)
    make_officer(
        unit=agency.units.get(name="执法一大队"),
        name="张伟",
        number="99010010002",
        roles=("head", "officer"),
        user=user,
    )
    return user


def _login(client: Client, username: str = "zhangwei") -> None:
    response = client.post(
        reverse("office:login"),
        {"username": username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302


def test_a_password_changed_in_one_session_ends_the_others_and_keeps_the_user_s_fields(
    zhang, django_user_model
):
    here, elsewhere = Client(), Client()
    _login(here)
    _login(elsewhere)
    before = django_user_model.objects.get(pk=zhang.pk)
    changed = here.post(
        reverse("office:password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert here.get(reverse("office:home")).status_code == 200, "the changing session stays"
    assert elsewhere.get(reverse("office:home")).status_code == 302, "the other one ends"
    after = django_user_model.objects.get(pk=zhang.pk)
    fields = [f.attname for f in django_user_model._meta.concrete_fields if f.name != "password"]
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]


def test_an_administrator_without_officer_record_keeps_the_admin_site_until_his_password_changes(
    db, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": "root", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR="10.0.0.3",
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    admin.set_password(NEW_PASSWORD)
    admin.save()
    page = client.get(reverse("admin:index"))
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]


def test_a_session_user_id_out_of_any_integer_range_is_no_user(db):
    backend = ActiveOfficerBackend()
    for user_id in (str(2**64), str(-(2**70)), "1e3", ""):
        assert backend.get_user(user_id) is None


def test_the_converters_are_built_once_per_process_not_per_log_in(zhang):
    loaded: Any = login_user(zhang.pk)
    assert loaded.officer.has_role("head")
    misses = _converters_of.cache_info().misses
    for _ in range(3):
        login_user(zhang.pk)
    assert _converters_of.cache_info().misses == misses
