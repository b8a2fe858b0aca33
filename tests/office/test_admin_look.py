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


def test_a_locked_out_login_reads_in_chinese_on_the_attempts_screen(admin_client, settings):
    from axes.models import AccessAttempt

    for name, failures in (("李四", settings.AXES_FAILURE_LIMIT), ("王五", 1)):
        AccessAttempt.objects.create(
            username=name,
            ip_address="10.0.0.8",
            user_agent="浏览器",
            path_info="/",  # data, not interface: kept free of Latin words for the scan
            failures_since_start=failures,
            get_data="",
            post_data="",
            http_accept="",
        )
    url = reverse("admin:axes_accessattempt_changelist")
    page = admin_client.get(url).content.decode()
    assert "已锁定" in page
    assert f"还可尝试 {settings.AXES_FAILURE_LIMIT - 1} 次" in page
    assert [w for w in english_words(page.encode()) if w not in ALLOWED] == []
    locked = admin_client.get(url, {"locked_out": "yes"}).content.decode()
    assert "李四" in locked and "王五" not in locked
    attempt = AccessAttempt.objects.get(username="李四")
    detail = admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert [w for w in english_words(detail.content) if w not in ALLOWED] == []
