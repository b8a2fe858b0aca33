"""``sanxiang similar reindex --bulk``: the same index as the row-by-row rebuild, set-wise."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from sanxiang.similar import bulk
from sanxiang.similar.models import IndexedArticle, IndexedDecision, TermCount
from sanxiang.similar.selectors import similar_to

FRUIT = "当事人在人民路门前占道摆摊经营水果，影响行人通行"
# (title, facts): the published 双公示 text states the title (违法行为类型), not the facts.
TEXTS = [
    ("占道经营水果", FRUIT),
    ("油烟直排", "当事人餐饮门店油烟净化设施未正常使用，油烟直排，经营场所位于中山路"),
    ("占道经营蔬菜", "当事人在解放路占道经营蔬菜，经劝导后仍未改正；摆摊设点影响市容"),
    ("闽C12345渣土车未密闭ab12cd34ab撒漏", "渣土车未密闭运输，沿途撒漏约300米，ＧＰＳ记录为证"),
    # Characters outside plain Chinese and ASCII, a long run of letters.
    ("在𠀀村违建〇〇①", "当事人在村里擅自搭建钢架雨棚一处，面积约20平方米"),
    ("广告显示网址" + "x" * 70, "擅自设置LED显示屏户外广告"),
]


def snapshot() -> tuple[list[tuple], set[tuple], dict[str, int]]:  # type: ignore[type-arg]
    decisions = [
        tuple(v for k, v in row.items() if k != "id")
        for row in IndexedDecision.objects.order_by("publication_id").values()
    ]
    articles = set(
        IndexedArticle.objects.values_list(
            "decision__publication_id", "article_id", "agency_id", "decided_on"
        )
    )
    return decisions, articles, dict(TermCount.objects.values_list("term", "documents"))


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for model in (IndexedDecision, IndexedArticle, TermCount)
            for name in connection.introspection.get_constraints(cursor, model._meta.db_table)
        }


@pytest.mark.parametrize("workers", [0, 2])
def test_the_bulk_rebuild_makes_the_same_index_as_the_row_by_row_one(
    publish, draft, workers, monkeypatch
):
    monkeypatch.setattr(bulk, "BATCH", 3)  # several batches, handed out and written in order
    for title, facts in TEXTS:
        publish(title, facts)
    publish("无依据", "当事人在人民路门前占道经营水果", basis=False)
    call_command("similar", "reindex")
    expected = snapshot()
    before = indexes()
    assert len(expected[0]) == len(TEXTS) + 1 and expected[1] and expected[2]
    call_command("similar", "reindex", "--bulk", "--workers", str(workers))
    assert snapshot() == expected
    assert indexes() == before  # the dropped indexes and keys are back


def test_after_a_bulk_rebuild_new_decisions_are_indexed_as_they_publish(publish, draft):
    publish("油烟直排", TEXTS[1][1])
    call_command("similar", "reindex", "--bulk")
    counted = TermCount.objects.get(term="").documents
    fruit = publish("占道经营水果", FRUIT)
    assert TermCount.objects.get(term="").documents == counted + 1
    assert similar_to(draft).matches[0].decision.title == fruit.title
