"""A supervising body is stored as an agency, but the public lists show it as a 执法主体 only
when it has 执法事项 of its own."""

from __future__ import annotations

import re

from django.urls import reverse

from sanxiang.ledger.services import tree_heads_sign
from sanxiang.org.events import org_row_created
from sanxiang.org.models import EnforcementCategory, EnforcementItem


def test_a_supervising_body_without_enforcement_items_is_not_listed_as_an_enforcement_agency(
    client, oversight
):
    page = client.get("/gongshi/").content.decode()
    api = client.get("/api/v1/agencies").json()
    names = {row["name"] for row in (api["items"] if isinstance(api, dict) else api)}

    assert "测试市城市管理综合行政执法局" in page
    assert "测试市司法局" not in page
    assert "测试市城市管理综合行政执法局" in names
    assert "测试市司法局" not in names and "测试县司法局" not in names


def test_a_supervising_body_that_also_enforces_is_listed(client, oversight):
    bureau = oversight.city_body.agency
    category = EnforcementCategory.objects.first()
    assert category is not None
    EnforcementItem.objects.create(
        agency=bureau, code="SF-001", name="对律师事务所违法行为的行政处罚", kind="penalty",
        category=category,
    )  # fmt: skip

    assert "测试市司法局" in client.get("/gongshi/").content.decode()
    assert "测试县司法局" not in client.get("/gongshi/").content.decode()


def test_the_ledger_page_still_names_the_supervising_bodys_log(client, oversight):
    bureau = oversight.city_body.agency
    org_row_created(bureau)
    tree_heads_sign()
    page = client.get(reverse("portal:ledger")).content.decode()
    heads = re.search(r'<table id="log-heads">(.*?)</table>', page, re.S)
    assert heads is not None
    assert "测试市司法局" in heads.group(1)
