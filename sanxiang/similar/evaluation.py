"""Retrieval quality of 同案同罚 on the labelled set (data/similar-eval/, its README).

The set's decisions are written into the database as published decisions of an agency of their
own (cases with their articles, the 违法行为 of an evaluation 裁量基准 where the decision chose
one, publications whose ``post_save`` indexes them), the index is rebuilt with ``reindex`` (what
``sanxiang similar reindex`` runs), and every query draft is ranked by the product's code:

- **BM25 + structure**: ``selectors.similar_to`` — exactly what the 同案同罚 page shows;
- **BM25 only**: the same candidates (``_candidates``) ordered by their BM25 score alone.

Everything is written inside one transaction that is rolled back at the end, so the database is
left as it was (``evaluate`` can run in a test, or beside the bench data).

recall@5 = grade-2 decisions in the top 5 ÷ min(5, grade-2 decisions of the query in the set);
nDCG@10 with gain = grade, its ideal ordering taken over the whole labelled set.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.disclosure.search import publication_tokens
from sanxiang.discretion.models import Benchmark, Violation
from sanxiang.org.models import (
    Agency,
    Article,
    EnforcementCategory,
    EnforcementItem,
    Law,
    Officer,
    Unit,
)
from sanxiang.similar.index import reindex
from sanxiang.similar.key import key_of_case
from sanxiang.similar.models import IndexedDecision
from sanxiang.similar.selectors import SHOWN, Match, _candidates, _query, rank, similar_to

EVAL_SET = Path(__file__).resolve().parents[2] / "data" / "similar-eval"
AGENCY_NAME = "同案同罚评测用综合行政执法局"

# A ranking: the draft case -> its decisions in order (at least the top ``SHOWN``).
Ranking = Callable[[Case], list[Match]]


def _all_candidates(case: Case) -> list[Match]:
    """Every candidate of the draft with its scores, in the product's order."""
    key = key_of_case(case)
    query, df, documents = _query(case)
    return rank(key, _candidates(case, key, query, df, documents), query, df, documents)


def combined(case: Case) -> list[Match]:
    """The product's ranking: what the 同案同罚 page lists."""
    return similar_to(case).matches


def text_only(case: Case) -> list[Match]:
    """BM25 alone over the same candidates (newest first among equal scores, as the product)."""
    matches = _all_candidates(case)
    return sorted(
        matches, key=lambda m: (-m.text, -m.decision.decided_on.toordinal(), m.decision.pk)
    )


def upside_down(case: Case) -> list[Match]:
    """A deliberately broken ranking: the product's order reversed (its worst candidates
    first) — what the evaluation must score lower."""
    return list(reversed(_all_candidates(case)))


RANKINGS: dict[str, Ranking] = {"BM25 only": text_only, "BM25 + structure": combined}


@dataclass(frozen=True)
class Score:
    recall_at_5: float
    ndcg_at_10: float
    queries: int


def read_set(folder: Path = EVAL_SET) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def lines(name: str) -> list[dict[str, Any]]:
        with (folder / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    return lines("decisions.jsonl"), lines("queries.jsonl")


def recall_at_5(grades: list[int], similar: int) -> float:
    return sum(1 for g in grades[:5] if g == 2) / min(5, similar)


def ndcg_at_10(grades: list[int], ideal: list[int]) -> float:
    def dcg(values: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values[:SHOWN]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


class _Loader:
    """Writes the set's decisions and drafts as an agency's published decisions and cases."""

    def __init__(self) -> None:
        self.agency = Agency.objects.create(
            name=AGENCY_NAME, credit_code="11350500MB90000028", level="county", region="评测县",
            address="评测县人民路 1 号", phone="0999-0000000", authority_basis="评测用",
        )  # fmt: skip
        unit = Unit.objects.create(agency=self.agency, name="评测执法大队")
        self.officer = Officer.objects.create(name="评测员", gender="M", unit=unit)
        self.category = EnforcementCategory.objects.first() or EnforcementCategory.objects.create(
            code="EVAL", name="评测"
        )
        item = EnforcementItem.objects.create(
            agency=self.agency, code="EVAL-CF", name="评测用行政处罚事项", kind="penalty",
            category=self.category, authority="处罚",
        )  # fmt: skip
        self.benchmark = Benchmark.objects.create(
            agency=self.agency, number=1, title="评测用裁量基准", issuer="评测",
            valid_from=date(2024, 1, 1),
        )  # fmt: skip
        self.item = item
        self.violations: dict[str, Violation] = {}
        self.articles: dict[tuple[str, int], Article] = {}

    def article(self, law_title: str, number: int) -> Article:
        found = self.articles.get((law_title, number))
        if found is None:
            law = Law.objects.filter(title=law_title).order_by("pk").first()
            if law is None:
                law = Law.objects.create(
                    title=law_title,
                    kind="law" if law_title.endswith("法") else "admin_regulation",
                    issuer="评测", promulgated_on=date(2015, 1, 1), effective_on=date(2015, 1, 1),
                    source="同案同罚评测集（data/similar-eval），仅作条文标识",
                )  # fmt: skip
            found, _ = Article.objects.get_or_create(
                law=law, number=number, defaults={"label": f"第{number}条", "text": "（评测用）"}
            )
            self.articles[(law_title, number)] = found
        return found

    def violation(self, row: dict[str, Any]) -> Violation:
        code = row["violation"]
        if code not in self.violations:
            self.violations[code] = Violation.objects.create(
                benchmark=self.benchmark, code=code, name=row["violation_name"], item=self.item,
                violated_basis="评测", penalty_basis="评测", position=len(self.violations),
            )  # fmt: skip
        return self.violations[code]

    def case(self, row: dict[str, Any], *, number: str, decided_on: date | None) -> Case:
        day = decided_on or date(2026, 6, 1)
        case = Case.objects.create(
            agency=self.agency, unit_id=self.officer.unit_id, procedure="penalty_general",
            state="closed" if decided_on else "investigating", title=row["title"],
            source="巡查发现", facts=row.get("facts", ""), category=self.category,
            violation_on=day - timedelta(days=60), clue_received_on=day - timedelta(days=60),
            created_by=self.officer, penalty_kinds=["fine"], fine_yuan=Decimal(row["fine"]),
            number=number, decided_on=decided_on,
        )  # fmt: skip
        case.violated_articles.set([self.article(law, n) for law, n in row["violated"]])
        case.penalty_articles.set([self.article(law, n) for law, n in row["penalty"]])
        if row["chosen"]:
            case.discretion_violation = self.violation(row)
            case.save(update_fields=["discretion_violation"])
        return case

    def decision(self, row: dict[str, Any]) -> Publication:
        decided_on = date.fromisoformat(row["decided_on"])
        case = self.case(row, number=f"EVAL-{row['id']}", decided_on=decided_on)
        publication = Publication(
            case=case, agency=self.agency, kind="penalty", title=row["title"],
            decided_on=decided_on, due_on=decided_on + timedelta(days=7), due_basis="评测",
            full_text=True, status=PublicationStatus.PUBLISHED, published_at=timezone.now(),
            fields={"罚款金额（元）": str(row["fine"]), "执法结论": "罚款"},
            public_text=row["text"], public_sha256=hashlib.sha256(row["text"].encode()).hexdigest(),
        )  # fmt: skip
        publication.search_tokens = publication_tokens(publication)
        publication.save()  # indexed by its post_save, as publishing does
        return publication


def evaluate(
    rankings: dict[str, Ranking] | None = None, folder: Path = EVAL_SET
) -> dict[str, Score]:
    """recall@5 and nDCG@10 of each ranking over the set's queries (default: BM25 alone and the
    product's BM25 + structure). Leaves the database as it found it."""
    decisions, queries = read_set(folder)
    chosen = rankings or RANKINGS
    out: dict[str, Score] = {}
    with transaction.atomic():
        loader = _Loader()
        published = {row["id"]: loader.decision(row) for row in decisions}
        decision_of = {p.pk: key for key, p in published.items()}
        case_of = {key: p.case_id for key, p in published.items() if p.case_id is not None}
        reindex(stream=io.StringIO())  # no progress bar
        # The tier each decision was made in, on its index row, as the decision step's
        # ``DecisionDiscretion`` would have recorded it where a 违法行为 was chosen (the band of
        # amounts reads it; the ranking does not).
        for row in decisions:
            if row["chosen"]:
                IndexedDecision.objects.filter(case_id=case_of[row["id"]]).update(tier=row["tier"])
        drafts = [
            (loader.case(row, number=f"EVAL-{row['id']}", decided_on=None), row["labels"])
            for row in queries
        ]
        for name, ranking in chosen.items():
            recalls, gains = [], []
            for case, labels in drafts:
                ordered = ranking(Case.objects.get(pk=case.pk))[:SHOWN]
                grades = [
                    int(labels.get(decision_of.get(m.decision.publication_id, ""), 0))
                    for m in ordered
                ]
                similar = sum(1 for g in labels.values() if g == 2)
                if similar:
                    recalls.append(recall_at_5(grades, similar))
                gains.append(ndcg_at_10(grades, [int(g) for g in labels.values()]))
            out[name] = Score(
                recall_at_5=statistics.mean(recalls) if recalls else 0.0,
                ndcg_at_10=statistics.mean(gains) if gains else 0.0,
                queries=len(drafts),
            )
        transaction.set_rollback(True)
    return out


def report(scores: dict[str, Score]) -> str:
    lines = [f"retrieval quality on the labelled set (data/similar-eval), {_count(scores)} drafts:"]
    for name, score in scores.items():
        lines.append(
            f"  {name:18} recall@5 {score.recall_at_5:.3f}  nDCG@10 {score.ndcg_at_10:.3f}"
        )
    return "\n".join(lines)


def _count(scores: dict[str, Score]) -> int:
    return next(iter(scores.values())).queries if scores else 0
