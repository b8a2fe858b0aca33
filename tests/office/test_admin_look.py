"""The 管理后台 speaks Chinese and wears the office's look, with the way back to the 工作台."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.core.visible import english_words

# Data, not interface: django-axes records a test client's login path as "<unknown>".
ALLOWED = {"unknown"}


@pytest.fixture
def admin_client(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_superuser("管理员", password="x" * 12))
    return client


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_the_admin_index_names_every_app_and_model_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert [w for w in english_words(page.content) if w not in ALLOWED] == []
    assert "管理后台" in page.content.decode()


@pytest.mark.parametrize("url", changelists())
def test_every_changelist_shows_no_english_words(admin_client, url):
    page = admin_client.get(url)
    assert page.status_code == 200
    assert [w for w in english_words(page.content) if w not in ALLOWED] == [], url


def test_the_admin_wears_the_office_look_and_leads_back_to_the_desk(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "office/admin.css" in page
    assert f'href="{reverse("office:home")}" id="back-to-desk">返回工作台' in page
    assert "三项制度执法平台 · 办公" in page
