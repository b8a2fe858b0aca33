"""Full-text search of published decisions in Chinese (search.py), on SQLite and PostgreSQL.

The suite runs on both databases; every test here asserts the same results on each."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.public import publications_public
from sanxiang.disclosure.search import fts5_match, pg_tsquery, publication_tokens, query_terms
from sanxiang.disclosure.services import (
    publication_confirm,
    publication_correct,
    publication_draft,
    publication_withdraw,
)
from tests.cases.conftest import ready_case
from tests.disclosure.test_publications import decided


def publish(staff, title, text, *, on=date(2026, 5, 1), kind="penalty", status="published"):
    """A live publication written straight to the table (the services' own indexing is tested
    below through publication_confirm, _correct and _withdraw)."""
    publication = Publication(
        case=ready_case(staff), agency=staff.zhang.unit.agency, kind=kind, title=title,
        decided_on=on, due_on=on, due_basis="测试", fields={}, public_text=text, status=status,
    )  # fmt: skip
    publication.search_tokens = publication_tokens(publication)
    publication.save()
    return publication


def titles(**kwargs):
    return [row.title for row in publications_public(**kwargs)]


@pytest.fixture
def decisions(staff):
    return [
        publish(staff, "违法建设案", "当事人在人民路违建房屋一处，责令限期拆除。"),
        publish(
            staff,
            "占道经营案",
            "当事人在解放路占道经营水果摊，罚款二百元。",
            kind="inspection",
            on=date(2026, 4, 1),
        ),
        publish(
            staff,
            "广告案",
            "未经批准设置户外广告牌，ＡＢＣ传媒公司，罚款5000元。",
            on=date(2025, 12, 30),
        ),
        publish(staff, "搭建案", "擅自在人民路搭建临时棚屋约12平方米。", on=date(2025, 3, 3)),
    ]


def test_two_character_words_are_found_inside_longer_text(decisions):
    assert titles(query="违建") == ["违法建设案"]  # in 违建房屋
    assert titles(query="占道") == ["占道经营案"]  # jieba cuts 占道经营 as 占/道/经营
    assert titles(query="户外广告") == ["广告案"]  # jieba cuts 户外/广告/广告牌 here
    assert titles(query="搭建") == ["搭建案"]
    assert titles(query="棚") == ["搭建案"]  # a single character
    assert titles(query="屋") == ["违法建设案", "搭建案"]  # newest first
    assert titles(query="约") == ["搭建案"]  # at the end of a run of characters (…棚屋约12)
    assert titles(query="油烟") == []
    assert titles(query="房违") == []  # characters must be adjacent, in order


def test_full_width_and_case_are_normalised(decisions):
    assert titles(query="abc") == ["广告案"]  # indexed from ＡＢＣ
    assert titles(query="ＡＢＣ") == ["广告案"]
    assert titles(query="5000") == ["广告案"]
    assert titles(query="５０００元") == ["广告案"]


def test_several_words_must_all_occur(decisions):
    assert titles(query="人民路") == ["违法建设案", "搭建案"]
    assert titles(query="人民路 拆除") == ["违法建设案"]
    assert titles(query="人民路 罚款") == []
    assert titles(query="  ") == [d.title for d in decisions]


def test_quotes_and_operators_in_a_query_are_plain_text(decisions):
    for hostile in ("'", '"', "违建' OR '1'='1", '违建" OR *', "a:* & !b", "NEAR(违建)", "\\"):
        titles(query=hostile)  # no error from either database
    assert titles(query="违建'") == ["违法建设案"]  # punctuation separates, it is not syntax
    terms = query_terms("a'b 违\"建")
    assert pg_tsquery(terms) == "('a') & ('b') & ('违':*) & ('建':*)"
    assert fts5_match(terms) == '"a" AND "b" AND "违"* AND "建"*'


def test_search_combines_with_agency_kind_and_dates(decisions, staff):
    agency = staff.zhang.unit.agency.pk
    assert titles(query="当事人", kind="inspection") == ["占道经营案"]
    assert titles(query="当事人", agency_id=agency) == ["违法建设案", "占道经营案"]
    assert titles(query="当事人", agency_id=agency + 999) == []
    assert titles(query="罚款", since=date(2026, 1, 1)) == ["占道经营案"]
    assert titles(query="罚款", until=date(2026, 1, 1)) == ["广告案"]


def test_pending_and_exempt_publications_are_not_searchable(staff):
    publish(staff, "待公示违建案", "违建", status="pending")
    publish(staff, "不予公示违建案", "违建", status="exempt")
    assert titles(query="违建") == []


def test_keyset_pages_are_stable_while_decisions_are_published(staff):
    first = date(2026, 1, 1)
    for n in range(7):  # two on each day but the last: ties are broken by id
        publish(staff, f"违建{n}号", "违建", on=first + timedelta(days=n // 2))
    everything = publications_public(query="违建")
    assert [r.decided_on for r in everything] == sorted(
        (r.decided_on for r in everything), reverse=True
    )
    page1 = publications_public(query="违建", limit=3)
    publish(staff, "新违建", "违建", on=first + timedelta(days=30))  # published meanwhile
    last = page1[-1]
    page2 = publications_public(query="违建", limit=3, before=(last.decided_on, last.id))
    page3 = publications_public(query="违建", limit=3, before=(page2[-1].decided_on, page2[-1].id))
    assert [r.id for r in page1 + page2 + page3] == [r.id for r in everything]
    back = publications_public(query="违建", limit=3, after=(page2[0].decided_on, page2[0].id))
    assert [r.id for r in back] == [r.id for r in page1]


def test_the_portal_pages_by_cursor_and_old_page_links_still_work(client, staff):
    for n in range(45):
        publish(staff, f"第{n:02d}号违建", "违建", on=date(2026, 1, 1) + timedelta(days=n))
    url = reverse("portal:decisions")
    shown = []
    page = client.get(url, {"q": "违建"}).content.decode()
    for _ in range(3):
        shown += re.findall(r"第(\d\d)号违建", page)
        link = re.search(r'href="\?([^"]*before=[^"]*)">下一页', page)
        if link is None:
            break
        page = client.get(url + "?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert shown == [f"{n:02d}" for n in range(44, -1, -1)]
    assert "下一页" not in page and "第 3 页" in page
    previous = re.search(r'href="\?([^"]*after=[^"]*)">上一页', page)
    assert previous is not None
    back = client.get(url + "?" + previous.group(1).replace("&amp;", "&")).content.decode()
    assert re.findall(r"第(\d\d)号违建", back) == [f"{n:02d}" for n in range(24, 4, -1)]
    old = client.get(url, {"q": "违建", "page": "2"}).content.decode()
    assert re.findall(r"第(\d\d)号违建", old) == [f"{n:02d}" for n in range(24, 4, -1)]
    assert client.get(url, {"before": "x_y", "after": "2026-13-01_1"}).status_code == 200
    deep = client.get(url, {"q": "违建", "page": "10000000"}).content.decode()
    assert "第 500 页" in deep and "没有符合条件的公示" in deep  # no deeper than 10,000 rows


def test_correction_reindexes_and_withdrawal_leaves_only_the_title(staff, general_case, articles):
    from sanxiang.cases.models import Case

    Case.objects.filter(pk=general_case.pk).update(facts="当事人违建棚屋一处")
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    assert titles(query="违建") == [publication.title]
    assert titles(query="油烟") == []
    publication_correct(
        actor=staff.head, publication_id=publication.pk,
        text=draft.text.replace("违建", "油烟扰民"), reason="更正违法事实",
    )  # fmt: skip
    assert titles(query="油烟") == [publication.title]
    assert titles(query="违建") == []
    with time_machine.travel(date(2026, 10, 9), tick=False):
        publication_withdraw(
            actor=staff.head, publication_id=publication.pk, reason="revoked",
            statement="已被行政复议机关撤销", occurred_on=date(2026, 10, 9),
        )  # fmt: skip
    assert titles(query="油烟") == []  # the text is no longer public
    title_word = general_case.title[:2]
    assert titles(query=title_word) == [publication.title]
    assert publications_public(query=title_word)[0].withdrawn


def test_the_reindex_command_rebuilds_stale_tokens(decisions):
    Publication.objects.filter(pk=decisions[0].pk).update(search_tokens="")
    assert titles(query="违建") == []
    out = io.StringIO()
    call_command("reindex", "publications", stdout=out)
    assert "1 rows changed" in out.getvalue()
    assert titles(query="违建") == ["违法建设案"]
    call_command("reindex", "publications", stdout=out)
    assert "0 rows changed" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index upkeep")
def test_sqlite_index_survives_a_table_rebuild(decisions):
    """Django rebuilds a SQLite table for some schema changes, dropping its triggers; the
    post_migrate hook puts them back and refills the FTS table."""
    from django.db import connection as conn

    from sanxiang.disclosure.apps import _ensure_search_index

    with conn.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER disclosure_fts_{suffix}")
        cursor.execute("DELETE FROM disclosure_fts")
    _ensure_search_index(using="default")
    assert titles(query="违建") == ["违法建设案"]
    Publication.objects.filter(pk=decisions[0].pk).update(search_tokens="")
    assert titles(query="违建") == []  # the update trigger is back


def test_every_status_is_either_public_or_not():
    from sanxiang.disclosure.models import PublicationStatus
    from sanxiang.disclosure.public import LIVE, NOT_PUBLIC

    assert set(LIVE) | set(NOT_PUBLIC) == set(PublicationStatus.values)
    assert not set(LIVE) & set(NOT_PUBLIC)


def test_a_very_long_text_is_indexed_up_to_a_limit(staff):
    long = publish(staff, "长文书", "违法建设" * 50_000 + "油烟")  # 200,000 characters
    assert titles(query="违建") == [] and titles(query="违法") == ["长文书"]
    assert titles(query="油烟") == []  # past the limit
    assert len(long.search_tokens.split()) == 16_000
