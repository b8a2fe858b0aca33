"""The 同案同罚 labelled evaluation set (data/similar-eval) runs through the product's ranking
and scores what it should: numbers in [0, 1], a deliberately broken ranking lower. The scores
themselves are reported by ``bench/similar_bench.py --eval`` (docs/operations/similar.md), not
asserted here: the labels are a reviewer's judgement and the ranking may change."""

from __future__ import annotations

from sanxiang.org.models import Agency
from sanxiang.similar.evaluation import (
    AGENCY_NAME,
    combined,
    evaluate,
    ndcg_at_10,
    read_set,
    recall_at_5,
    upside_down,
)


def test_the_set_is_well_formed():
    decisions, queries = read_set()
    ids = {d["id"] for d in decisions}
    assert len(ids) == len(decisions) >= 60 and len(queries) >= 30
    for query in queries:
        assert set(query["labels"]) <= ids, query["id"]
        assert set(query["labels"].values()) <= {1, 2}, query["id"]
        assert 2 in query["labels"].values(), query["id"]  # every draft has a similar decision
    for decision in decisions:
        assert decision["tier"] in ("lighter", "ordinary", "heavier") and decision["text"]


def test_the_measures_reward_the_ideal_order_and_nothing_else():
    assert recall_at_5([2, 2, 1, 0, 0], similar=2) == 1.0
    assert recall_at_5([0, 0, 0, 0, 0, 2], similar=1) == 0.0
    assert ndcg_at_10([2, 1, 0], ideal=[1, 2]) == 1.0
    assert 0 < ndcg_at_10([0, 1, 2], ideal=[1, 2]) < 1


def test_the_evaluation_runs_through_the_product_s_ranking_and_a_broken_one_scores_lower(db):
    scores = evaluate({"product": combined, "broken": upside_down})
    product, broken = scores["product"], scores["broken"]
    assert product.queries == broken.queries == len(read_set()[1])
    for score in scores.values():
        assert 0.0 <= score.recall_at_5 <= 1.0 and 0.0 <= score.ndcg_at_10 <= 1.0
    assert broken.ndcg_at_10 < product.ndcg_at_10
    assert broken.recall_at_5 < product.recall_at_5
    assert not Agency.objects.filter(name=AGENCY_NAME).exists()  # rolled back
