"""/api/v1/publications: what the portal shows, as JSON for other platforms."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import time_machine
from django.urls import reverse

from sanxiang.disclosure.exporting import COLUMNS
from sanxiang.disclosure.services import publication_correct, publication_withdraw
from sanxiang.ledger.services import tree_head_sign
from tests.api.helpers import decide_another, publish
from tests.cases.conftest import COMPANY_CODE, PERSON_ID

LIST = "/api/v1/publications"

# GB 11643 居民身份证号码: region, birth date 18xx–20xx, sequence, check character.
ID_NUMBER = re.compile(
    r"(?<!\d)\d{6}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
)


def detail_url(pk: int) -> str:
    return f"/api/v1/publications/{pk}"


def test_a_published_decision_is_listed_with_the_exchange_fields_digest_and_ledger_index(
    client, published
):
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "王某".encode() in response.content  # UTF-8 as written, not \u escapes
    (item,) = response.json()["items"]
    assert item["id"] == published.pk and item["status"] == "published"
    assert list(item["fields"]) == list(COLUMNS)  # the export's names, in the export's order
    assert item["fields"]["行政相对人名称"] == "王某"
    assert item["fields"]["处罚机关"] == "测试市城市管理综合行政执法局"
    assert item["fields"]["公示内容SHA-256"] == item["sha256"] == published.public_sha256
    assert item["kind"] == "penalty" and item["kind_label"] == "行政处罚"
    assert item["decided_on"] == "2026-09-30"
    assert item["published_at"].startswith("2026-10-09T") and item["published_at"].endswith(
        "+08:00"
    )
    assert item["ledger_index"] is not None and item["withdrawal"] is None
    assert item["url"] == detail_url(published.pk)
    assert item["portal_url"] == reverse("portal:decision", args=[published.pk])
    assert response.json()["next_cursor"] is None


def test_the_detail_gives_the_text_its_versions_and_how_to_verify_it(client, staff, published):
    publication_correct(
        actor=staff.head, publication_id=published.pk,
        text=published.public_text + "\n（更正：罚款已缴纳）", reason="补充履行情况",
    )  # fmt: skip
    tree_head_sign()
    body = client.get(detail_url(published.pk)).json()
    assert body["text"].endswith("（更正：罚款已缴纳）")
    assert body["sha256"] == hashlib.sha256(body["text"].encode()).hexdigest()
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["versions"][-1]["sha256"] == body["sha256"]
    verification = body["verification"]
    assert verification["leaf_content_sha256"] == body["sha256"]
    assert verification["ledger_index"] == body["ledger_index"]
    proof = client.get(verification["proof_url"]).json()
    assert proof["leaf_index"] == verification["ledger_index"]
    assert proof["tree_size"] == verification["tree_size"]
    assert client.get(verification["checkpoint_url"]).json()["tree_size"] >= proof["tree_size"]


def test_a_pending_publication_is_neither_listed_nor_found(client, staff, articles, published):
    pending = decide_another(staff, articles, date(2026, 10, 12), "占用绿地堆放杂物")
    assert [i["id"] for i in client.get(LIST).json()["items"]] == [published.pk]
    response = client.get(detail_url(pending.pk))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "没有这个条目。"}


def test_a_withdrawn_decision_is_only_its_notice(client, staff, published):
    with time_machine.travel(date(2026, 10, 12), tick=False):
        publication_withdraw(
            actor=staff.head, publication_id=published.pk, reason="revoked",
            statement="该处罚决定已被行政复议机关撤销。", occurred_on=date(2026, 9, 30),
        )  # fmt: skip
    detail = client.get(detail_url(published.pk))
    listing = client.get(LIST)
    for response in (detail, listing):
        assert "王某" not in response.content.decode()
        assert published.public_sha256 not in response.content.decode()
    body = detail.json()
    assert body["status"] == "withdrawn"
    assert body["withdrawal"]["statement"] == "该处罚决定已被行政复议机关撤销。"
    assert body["withdrawal"]["reason"] == "行政处罚决定被依法撤销"
    assert body["text"] is None and body["fields"] is None and body["sha256"] is None
    assert body["versions"] == [] and body["verification"] is None
    (item,) = listing.json()["items"]
    assert item["status"] == "withdrawn" and item["withdrawal"] == body["withdrawal"]
    # Its text is no longer searchable either.
    assert client.get(LIST, {"q": "占道摆摊"}).json()["items"] == []


def test_filters_match_the_portal(client, staff, articles, published):
    assert client.get(LIST, {"q": "占道摆摊"}).json()["items"][0]["id"] == published.pk
    assert client.get(LIST, {"q": "油烟"}).json()["items"] == []
    assert client.get(LIST, {"since": "2026-10-01"}).json()["items"] == []
    assert len(client.get(LIST, {"until": "2026-09-30"}).json()["items"]) == 1
    assert client.get(LIST, {"kind": "inspection"}).json()["items"] == []
    assert len(client.get(LIST, {"kind": "penalty"}).json()["items"]) == 1
    assert client.get(LIST, {"agency": published.agency_id + 1}).json()["items"] == []
    assert len(client.get(LIST, {"agency": published.agency_id}).json()["items"]) == 1


def test_no_id_number_in_any_response(client, staff, articles, published):
    company = decide_another(
        staff, articles, date(2026, 10, 12), "餐饮油烟直排",
        party_kind="organisation", party_name="测试市某某餐饮有限公司",
    )  # fmt: skip
    publish(staff, company)
    tree_head_sign()
    bodies = [client.get(LIST).content.decode()]
    bodies += [
        client.get(detail_url(i["id"])).content.decode() for i in client.get(LIST).json()["items"]
    ]
    bodies += [
        client.get(f"/api/v1/{p}").content.decode()
        for p in ("officers", "agencies", "review-catalogue")
    ]
    assert len(bodies) == 6
    for body in bodies:
        assert PERSON_ID not in body
        assert ID_NUMBER.search(body) is None, ID_NUMBER.search(body)
    # What may be public stays: the company's credit code is part of the 双公示 fields.
    assert COMPANY_CODE in bodies[0]


def test_cursor_pages_neither_repeat_nor_skip_when_decisions_are_published_meanwhile(
    client, staff, articles, published
):
    days = [date(2026, 10, 12), date(2026, 10, 13)]
    others = [publish(staff, decide_another(staff, articles, d, f"案件{d.day}")) for d in days]
    first = client.get(LIST, {"limit": 2}).json()
    assert [i["id"] for i in first["items"]] == [others[1].pk, others[0].pk]
    # Meanwhile: one decided later (before the cursor) and one decided earlier (after it).
    newer = publish(staff, decide_another(staff, articles, date(2026, 10, 20), "新案件"))
    older = publish(staff, decide_another(staff, articles, date(2026, 9, 1), "旧案件"))
    seen = [i["id"] for i in first["items"]]
    url = first["next_url"]
    assert url.startswith(LIST + "?") and "limit=2" in url
    while url:
        page = client.get(url).json()
        seen += [i["id"] for i in page["items"]]
        url = page["next_url"]
    assert seen == [others[1].pk, others[0].pk, published.pk, older.pk]
    assert newer.pk not in seen  # it is on page one now, for whoever starts again


def test_the_same_decision_day_is_ordered_by_id(client, staff, articles, published):
    same_day = [
        publish(staff, decide_another(staff, articles, date(2026, 9, 30), f"同日案件{n}"))
        for n in range(2)
    ]
    ids = []
    url = f"{LIST}?limit=1"
    while url:
        page = client.get(url).json()
        ids += [i["id"] for i in page["items"]]
        url = page["next_url"]
    assert ids == sorted([published.pk, *(p.pk for p in same_day)], reverse=True)


def test_bad_parameters_are_refused_in_json(client, db):
    for params in ({"limit": 101}, {"limit": 0}, {"since": "2026-13-01"}, {"kind": "tax"},
                   {"agency": "abc"}, {"q": "x" * 101}):  # fmt: skip
        response = client.get(LIST, params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "invalid_parameter"
        assert (
            body["message"].startswith("请求参数不符合要求：")
            and next(iter(params)) in body["message"]
        )
    response = client.get(LIST, {"cursor": "bm90IGEgY3Vyc29y"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"
    assert client.get(detail_url(0)).status_code == 422
    assert client.get("/api/v1/publications/abc").json()["code"] == "invalid_parameter"
    assert client.get(detail_url(2**63)).status_code == 422


def test_an_officer_cursor_is_no_publication_cursor(client, db):
    from sanxiang.api.api import _encode

    response = client.get(LIST, {"cursor": _encode("o:5")})
    assert response.status_code == 400


def test_unchanged_pages_are_not_sent_again(client, published):
    response = client.get(detail_url(published.pk))
    assert response["Cache-Control"] == "public, max-age=60"
    again = client.get(detail_url(published.pk), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    listing = client.get(LIST)
    assert client.get(LIST, headers={"if-none-match": listing["ETag"]}).status_code == 304


def test_a_page_costs_the_same_number_of_queries_however_many_rows(
    client, staff, articles, published, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the publications, their ledger entries
        assert len(client.get(LIST).json()["items"]) == 1
    publish(staff, decide_another(staff, articles, date(2026, 10, 12), "违规设置广告"))
    with django_assert_num_queries(2):
        assert len(client.get(LIST).json()["items"]) == 2
