"""The error pages speak Chinese, in the look of the site the request was for, with a way back,
and carry no English boilerplate (pytest-django runs views with DEBUG=False)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from sanxiang.core.error_pages import handler403
from tests.conftest import make_officer
from tests.core.visible import english_words, visible_text

PASSWORD = "correct horse battery"
OFFICE_BRAND = "三项制度执法平台 · 办公"
PORTAL_BRAND = "行政执法公示平台"


@pytest.fixture
def officer_client(agency, django_user_model) -> Client:
    user = django_user_model.objects.create_user("zhangwei", password=PASSWORD)
    make_officer(
        unit=agency.units.get(name="执法一大队"), name="张伟", number="99010010002", user=user
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_page(response, status: int, title: str, *, brand: str, home: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    text = visible_text(page)
    assert title in text
    assert brand in text
    assert f'href="{home}"' in page  # the way back
    assert english_words(page) == [], english_words(page)
    return text


def test_office_404_is_chinese_in_the_office_look(officer_client):
    response = officer_client.get("/office/cases/987654321/")
    assert_page(response, 404, "页面不存在", brand=OFFICE_BRAND, home="/office/")


def test_office_404_shows_the_views_chinese_reason(officer_client):
    response = officer_client.get("/office/no-such-page/")
    text = assert_page(response, 404, "页面不存在", brand=OFFICE_BRAND, home="/office/")
    assert "您访问的页面不存在" in text


def test_portal_404_is_chinese_in_the_portal_look(db):
    response = Client().get("/gongshi/decisions/987654321/")
    text = assert_page(response, 404, "页面不存在", brand=PORTAL_BRAND, home="/gongshi/")
    assert "执法公示" in text


def test_office_403_shows_the_reason_in_chinese(officer_client):
    response = officer_client.get("/office/report/annual/")
    text = assert_page(response, 403, "无权访问", brand=OFFICE_BRAND, home="/office/")
    assert "只有本机关负责人" in text


def test_portal_403_is_chinese_in_the_portal_look(db):
    from django.core.exceptions import PermissionDenied

    request = RequestFactory().get("/gongshi/query/case/")
    response = handler403(request, PermissionDenied("forbidden"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in visible_text(page) and PORTAL_BRAND in visible_text(page)
    assert english_words(page) == []


@pytest.mark.urls("tests.core.error_urls")
def test_office_500_is_chinese_in_the_office_look(officer_client):
    response = officer_client.get("/office/boom/")
    assert_page(response, 500, "系统出错", brand=OFFICE_BRAND, home="/office/")


@pytest.mark.urls("tests.core.error_urls")
def test_portal_500_is_chinese_in_the_portal_look(db):
    response = Client(raise_request_exception=False).get("/gongshi/boom/")
    assert_page(response, 500, "系统出错", brand=PORTAL_BRAND, home="/gongshi/")


def test_office_400_for_a_bad_parameter(officer_client):
    response = officer_client.get("/office/cases/", {"page": "abc"})
    text = assert_page(response, 400, "请求有误", brand=OFFICE_BRAND, home="/office/")
    assert "页码" in text


def test_portal_400_for_a_bad_parameter(db):
    response = Client().get("/gongshi/decisions/", {"page": "abc"})
    text = assert_page(response, 400, "请求有误", brand=PORTAL_BRAND, home="/gongshi/")
    assert "页码" in text


def test_django_own_400_for_an_unknown_host_is_chinese(db):
    response = Client().get("/gongshi/", HTTP_HOST="evil.example")
    assert_page(response, 400, "请求有误", brand=PORTAL_BRAND, home="/gongshi/")


def test_office_csrf_failure_is_a_chinese_page(agency):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/office/login/", {"username": "x", "password": "y"})
    text = assert_page(response, 403, "页面已过期", brand=OFFICE_BRAND, home="/office/")
    assert "刷新后重新提交" in text


def test_portal_csrf_failure_is_a_chinese_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/gongshi/query/", {"number": "x", "code": "y"})
    text = assert_page(response, 403, "页面已过期", brand=PORTAL_BRAND, home="/gongshi/")
    assert "刷新后重新提交" in text


def test_api_errors_stay_json(db):
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_an_error_page_that_cannot_be_drawn_still_answers_in_chinese(monkeypatch):
    from sanxiang.core.error_pages import handler500

    class Broken:
        def render(self, context, request=None):
            raise RuntimeError("template failed")

    monkeypatch.setattr("sanxiang.core.error_pages.loader.get_template", lambda name: Broken())
    response = handler500(RequestFactory().get("/office/cases/"))
    assert response.status_code == 500
    assert "系统出错" in visible_text(response.content) and english_words(response.content) == []
