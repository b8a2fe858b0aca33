"""/api/v1/officers, /agencies, /review-catalogue and the schema itself."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.disclosure.exporting import COLUMNS
from tests.conftest import credit_code, make_officer

TODAY = date(2026, 5, 20)


@pytest.fixture
def officers(agency):
    squad = agency.units.get(name="执法一大队")
    make_officer(unit=squad, name="张伟", number="99010010002")
    make_officer(
        unit=squad, name="孙磊", number="99010010006",
        valid_from=date(2020, 7, 1), valid_until=date(2025, 6, 30),
    )  # fmt: skip
    make_officer(unit=squad, name="赵敏", number="99010010007")
    make_officer(
        unit=agency.units.get(name="法制科"), name="吴律师", number=None, roles=("legal_adviser",)
    )
    gone = make_officer(unit=squad, name="钱退休", number="99010010008")
    gone.is_active = False
    gone.save()
    return agency


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_officers_are_listed_as_the_portal_lists_them(client, officers):
    body = client.get("/api/v1/officers").json()
    by_name = {o["name"]: o for o in body["items"]}
    assert set(by_name) == {"张伟", "孙磊", "赵敏"}  # no certificate, or off duty: not listed
    zhang = by_name["张伟"]
    assert zhang["agency"] == "测试市城市管理综合行政执法局" and zhang["unit"] == "执法一大队"
    assert zhang["certificate"]["number"] == "99010010002"
    assert zhang["certificate"]["categories"] == ["城市管理"]
    assert zhang["certificate"]["status"] == "valid"
    assert by_name["孙磊"]["certificate"]["status_label"] == "已过期"
    assert body["as_of"] == "2026-05-20"


def test_officer_pages_follow_the_cursor_and_the_agency_filter(client, officers):
    other = officers.__class__.objects.create(
        name="测试市市场监督管理局", credit_code=credit_code(9), level="municipal",
        region="测试市", address="a", phone="1", authority_basis="b",
    )  # fmt: skip
    make_officer(unit=other.units.create(name="稽查支队"), name="郑洁", number="99010010009")
    names, url = [], f"/api/v1/officers?limit=2&agency={officers.pk}"
    while url:
        page = client.get(url).json()
        assert len(page["items"]) <= 2
        names += [o["name"] for o in page["items"]]
        url = page["next_url"]
    assert sorted(names) == sorted(["张伟", "孙磊", "赵敏"])
    everyone = client.get("/api/v1/officers", {"limit": 100}).json()["items"]
    assert "郑洁" in {o["name"] for o in everyone}
    bad = client.get("/api/v1/officers", {"cursor": "!!"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


def test_agencies_with_units_and_where_their_officers_are(client, officers):
    (agency,) = client.get("/api/v1/agencies").json()
    assert agency["name"] == "测试市城市管理综合行政执法局"
    assert agency["credit_code"] == officers.credit_code and agency["level"] == "市级"
    assert {u["name"] for u in agency["units"]} == {"执法一大队", "法制科"}
    listed = client.get(agency["officers_url"]).json()["items"]
    assert len(listed) == 3


def test_the_review_catalogue_is_each_agencys_active_rules(client, agency):
    from tests.cases.conftest import catalogue_rule

    catalogue_rule(agency)
    catalogue_rule(agency, title="拟吊销许可证件", penalty_kind="revoke_licence")
    retired = catalogue_rule(agency, title="已停用的事项")
    retired.is_active = False
    retired.save()
    (catalogue,) = client.get("/api/v1/review-catalogue").json()
    assert catalogue["agency"] == agency.name
    assert [r["title"] for r in catalogue["rules"]] == [
        "法定简易程序以外的行政处罚",
        "拟吊销许可证件",
    ]


def test_the_schema_is_openapi_3_1_from_the_code_and_there_is_no_cdn_docs_page(client, db):
    response = client.get("/api/v1/openapi.json")
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) == {
        "/api/v1/publications", "/api/v1/publications/{id}", "/api/v1/officers",
        "/api/v1/agencies", "/api/v1/review-catalogue", "/api/v1/recording-list",
        "/api/v1/discretion", "/api/v1/discretion/{agency_id}",
        "/api/v1/permits",
    }  # fmt: skip
    write = schema["paths"].pop("/api/v1/permits")  # the one write, only with a token
    assert set(write) == {"post"} and write["post"]["security"] == [{"TokenAuth": []}]
    assert all(set(p) == {"get"} for p in schema["paths"].values())  # the rest read-only
    assert all("security" not in p["get"] for p in schema["paths"].values())
    exchange = schema["components"]["schemas"]["ExchangeFields"]
    assert list(exchange["properties"]) == list(COLUMNS)
    assert client.get("/api/v1/docs").status_code == 404
    assert "cdn" not in response.content.decode().lower()


def test_wrong_methods_and_unknown_paths_answer_in_json(client, db):
    response = client.post("/api/v1/publications", {})
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json()["code"] == "method_not_allowed"
    for path in ("/api/v1/", "/api/v1/decisions", "/api/v1/publications/1/text"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"code": "not_found", "message": "没有这个接口。"}
    schema = client.get("/api/v1/openapi.json")
    assert schema["Cache-Control"] == "public, max-age=300" and schema["ETag"]


def test_an_officer_page_costs_the_same_number_of_queries_however_many_rows(
    client, officers, django_assert_num_queries
):
    with django_assert_num_queries(3):  # officers with units, certificates, categories
        assert len(client.get("/api/v1/officers").json()["items"]) == 3
    make_officer(unit=officers.units.get(name="法制科"), name="冯刚", number="99010010010")
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/officers").json()["items"]) == 4
