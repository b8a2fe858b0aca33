"""What the portal's phone layout needs from the HTML (the browser test, tests/e2e/
test_portal_phone.py, checks how it looks): a menu toggle that works without JavaScript, a
column name on every table cell, agencies' names beside log keys."""

from __future__ import annotations

import re

from django.urls import reverse

from sanxiang.ledger.services import ledger_append, tree_heads_sign
from sanxiang.org.events import org_row_created


def cells_without_column_name(html: str) -> list[str]:
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))
    return [
        td
        for td in re.findall(r"<td\b[^>]*>", body)
        if "data-label" not in td and "colspan" not in td
    ]


def test_the_menu_is_a_checkbox_and_label_that_work_without_javascript(client, db):
    page = client.get(reverse("portal:index")).content.decode()
    assert re.search(
        r'<input type="checkbox" id="portal-menu-toggle"[^>]*aria-label="显示或收起菜单"', page
    )
    assert '<label for="portal-menu-toggle" class="menu-button"' in page
    assert "portal/portal.css" in page and '<body class="portal">' in page
    # The checkbox precedes the links, so the CSS sibling selector can fold them.
    assert page.index('id="portal-menu-toggle"') < page.index('id="portal-menu"')


def test_every_table_cell_on_the_portal_names_its_column(client, staff, articles):
    for name in (
        "portal:index",
        "portal:officers",
        "portal:procedures",
        "portal:review-catalogue",
        "portal:recording-list",
        "portal:decisions",
        "portal:reports",
        "portal:ledger",
    ):
        page = client.get(reverse(name)).content.decode()
        assert "<tbody>" in page, name
        assert cells_without_column_name(page) == [], name


def test_the_ledger_page_names_each_log_by_its_agency(client, staff):
    agency = staff.zhang.unit.agency
    org_row_created(agency)
    ledger_append(actor="system", action="test.recorded", object_type="test", object_id=1)
    tree_heads_sign()
    page = client.get(reverse("portal:ledger")).content.decode()
    row = re.search(r'<table id="log-heads">(.*?)</table>', page, re.S)
    assert row is not None
    assert agency.name in row.group(1) and "平台日志" in row.group(1)
    assert f"agency:{agency.pk}" in row.group(1)  # the key stays, for the API's ?log=


def test_the_menu_marks_where_the_reader_is(client, db):
    page = client.get(reverse("portal:decisions")).content.decode()
    assert re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', page) == ["执法决定公示"]
    page = client.get(reverse("portal:lists", args=["guides"])).content.decode()
    menu = page[page.index('id="portal-menu"') : page.index("</nav>")]
    assert re.findall(r'aria-current="page">([^<]*)</a>', menu) == ["事前公开"]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_sees_a_checkpoint_as_a_page_and_a_tool_gets_the_same_json(client, db):
    ledger_append(actor="system", action="test.recorded", object_type="test", object_id=1)
    ledger_append(actor="system", action="test.recorded", object_type="test", object_id=2)
    tree_heads_sign()
    url = reverse("portal:ledger-checkpoint")
    tool = client.get(url)
    assert tool["Content-Type"] == "application/json" and "Accept" in tool["Vary"]
    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    html = page.content.decode()
    assert page["Content-Type"].startswith("text/html") and "Accept" in page["Vary"]
    assert "<h1>签名树头</h1>" in html and "根哈希" in html
    assert tool.json()["root_hex"] in html and "下载原始 JSON" in html
    raw = client.get(url, {"format": "json"}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert raw.json() == tool.json()
    proof = client.get(
        reverse("portal:ledger-proof"), {"index": 0, "size": 2}, HTTP_ACCEPT=BROWSER_ACCEPT
    )
    assert proof.status_code == 200 and "<h1>包含证明</h1>" in proof.content.decode()


def test_a_bad_proof_request_in_a_browser_says_why_in_chinese(client, db):
    ledger_append(actor="system", action="test.recorded", object_type="test", object_id=1)
    tree_heads_sign()
    page = client.get(reverse("portal:ledger-proof"), {"index": 0}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 400
    assert "请提供参数 size" in page.content.decode()


def test_a_log_number_in_other_digits_is_a_chinese_400(client, db):
    for url in ("portal:ledger-consistency", "portal:ledger-proof", "portal:ledger-checkpoint"):
        response = client.get(reverse(url), {"log": "²", "after": "", "index": "0", "size": "1"})
        assert response.status_code == 400, url
        assert "执法主体编号" in response.content.decode()
