"""同案同罚: the earlier decisions most like a draft, and the amounts of the same kind of case.

Candidates are found through the text (the newest decisions containing each of the draft's four
rarest terms, by the database's full-text index of the public texts) and through the index's
structure (decisions with the same key, citing the same articles, the newest of the same
procedure), in the agency's own decisions — or the installation's, where
``SANXIANG_SIMILAR_ACROSS_AGENCIES`` allows — and ranked by text and structure together:

    score = 0.6 × BM25(draft; decision) / best BM25 among the candidates
          + 0.4 × structure
    structure = 0.5 × Jaccard(articles) + 0.25 × same procedure + 0.25 × Jaccard(penalty kinds)
    … and, when the draft names a 违法行为 of the 裁量基准 (key.py):
    structure = 0.4 × same 违法行为 + 0.3 × Jaccard(articles) + 0.15 × same procedure
              + 0.15 × Jaccard(penalty kinds)

The band of amounts is drawn from the decisions of the same 违法行为 and tier when the draft
names a 违法行为 (the same 违法行为 alone when its tier is unknown or has too few decisions), and
otherwise from the decisions with the same key (articles and penalty kinds).

The draft's text is its 案由 and 违法事实 (the officer's own case, which he may view); the
decisions' texts are their published, redacted texts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from sanxiang.cases.models import Case, PenaltyKind
from sanxiang.cases.workflow.definitions import open_in_any
from sanxiang.cases.workflow.engine import in_states
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.disclosure.search import search_filter
from sanxiang.similar import text
from sanxiang.similar.index import document_frequencies
from sanxiang.similar.key import Key, jaccard, key_of_case, parse_ids
from sanxiang.similar.models import IndexedArticle, IndexedDecision

SHOWN = 10
SAME_KEY = 300  # newest decisions with the very same key
PER_ARTICLE = 100  # newest decisions citing each article of the draft
SAME_PROCEDURE = 100  # newest of the same procedure, so a draft without articles finds some
BAND_SAMPLE = 2000  # newest decisions of the same key whose amounts make the band
BAND_MINIMUM = 5  # fewer comparable decisions than this: no band, no warning
WIDEN = Decimal("0.5")  # the usual band: [Q1 − 0.5·IQR, Q3 + 0.5·IQR], within [min, max]
TEXT_WEIGHT = 0.6
TEXT_TERMS = 4  # the draft's rarest terms looked up in the full-text index
PER_TERM = 50  # newest decisions containing each
RARE = 0.02  # … if it occurs in at most 2 % of the indexed texts
RARE_ANYWAY = 2000  # or in at most this many (cheap to sort whatever the share)


@dataclass(frozen=True)
class Match:
    decision: IndexedDecision
    score: float
    text: float
    structure: float
    shared_articles: int
    same_procedure: bool
    same_violation: bool = False


@dataclass(frozen=True)
class Band:
    count: int
    minimum: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    maximum: Decimal
    low: Decimal
    high: Decimal

    def outside(self, amount: Decimal | None) -> bool:
        return amount is not None and not (self.low <= amount <= self.high)


@dataclass(frozen=True)
class Similar:
    key: Key
    matches: list[Match]
    band: Band | None
    compared: int  # decisions with the same key and an amount (the band's sample)
    proposed: Decimal | None
    across_agencies: bool
    band_basis: str = ""  # what the compared decisions share (中文)

    @property
    def outside(self) -> bool:
        return self.band is not None and self.band.outside(self.proposed)


# Where a proposal is still open (the procedures' ``assessment`` activity) or before the
# reviewer and the decision (法制审核中, whatever its sub-state).
DRAFT_STATES = open_in_any("assessment") | {"under_review"}


def is_draft(case: Case) -> bool:
    """A 拟处理意见 is recorded and nothing is decided yet (nor the case ended without one)."""
    return (
        case.decided_on is None
        and in_states(case, DRAFT_STATES)
        and bool(case.facts.strip() or case.penalty_kinds)
    )


def _scope(case: Case) -> Q:
    if settings.SANXIANG_SIMILAR_ACROSS_AGENCIES:
        return Q()
    return Q(agency_id=case.agency_id)


def _by_text(case: Case, query: dict[str, int], df: dict[str, int], documents: int) -> set[int]:
    """The newest published decisions containing each of the draft's rarest terms, through
    the database's full-text index of the public texts (disclosure/search.py)."""
    # A term in more than RARE of all texts (and more than RARE_ANYWAY) would only bring the
    # newest of very many and make the database sort them all: the structure covers that case.
    bound = max(RARE * documents, RARE_ANYWAY)
    present = sorted((t for t in query if 0 < df.get(t, 0) <= bound), key=lambda t: (df[t], t))
    published = Publication.objects.filter(_scope(case), status=PublicationStatus.PUBLISHED)
    found: set[int] = set()
    for term in present[:TEXT_TERMS]:
        found.update(
            search_filter(published, term)
            .order_by("-decided_on")
            .values_list("pk", flat=True)[:PER_TERM]
        )
    return set(
        IndexedDecision.objects.filter(publication_id__in=sorted(found)).values_list(
            "pk", flat=True
        )
    )


def _candidates(
    case: Case, key: Key, query: dict[str, int], df: dict[str, int], documents: int
) -> list[IndexedDecision]:
    scope = _scope(case)
    ids: set[int] = _by_text(case, query, df, documents)
    ids.update(
        IndexedDecision.objects.filter(scope, key=key.text)
        .order_by("-decided_on")
        .values_list("pk", flat=True)[:SAME_KEY]
    )
    if key.violation:
        ids.update(
            IndexedDecision.objects.filter(scope, violation=key.violation)
            .order_by("-decided_on")
            .values_list("pk", flat=True)[:SAME_KEY]
        )
    for article in sorted(key.articles):
        ids.update(
            IndexedArticle.objects.filter(scope, article_id=article)
            .order_by("-decided_on")
            .values_list("decision_id", flat=True)[:PER_ARTICLE]
        )
    ids.update(
        IndexedDecision.objects.filter(scope, procedure=key.procedure)
        .order_by("-decided_on")
        .values_list("pk", flat=True)[:SAME_PROCEDURE]
    )
    rows: list[IndexedDecision] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        rows.extend(
            IndexedDecision.objects.filter(pk__in=ordered[start : start + 900]).exclude(
                case_id=case.pk
            )
        )
    return rows


def _structure(key: Key, row: IndexedDecision) -> tuple[float, int]:
    articles = frozenset(parse_ids(row.violated)) | frozenset(parse_ids(row.penalty))
    kinds = frozenset(k for k in row.kinds.split(",") if k)
    same_articles = jaccard(key.articles, articles)
    same_kinds = jaccard(frozenset(key.kinds), kinds)
    same_procedure = row.procedure == key.procedure
    if key.violation:
        value = (
            0.4 * (row.violation == key.violation)
            + 0.3 * same_articles
            + 0.15 * same_procedure
            + 0.15 * same_kinds
        )
    else:
        value = 0.5 * same_articles + 0.25 * same_procedure + 0.25 * same_kinds
    return value, len(key.articles & articles)


def _query(case: Case) -> tuple[dict[str, int], dict[str, int], int]:
    """The draft's signature, the document frequencies of its terms and the corpus size."""
    counts, _ = text.counts_of(f"{case.title}\n{case.facts}")
    df, documents = document_frequencies(counts)
    return text.signature(counts, df, documents), df, documents


def rank(
    key: Key, rows: list[IndexedDecision], query: dict[str, int], df: dict[str, int],
    documents: int,
) -> list[Match]:  # fmt: skip
    decoded = [(row.pk, text.decode(row.terms), row.length) for row in rows]
    average = sum(length for _, _, length in decoded) / len(decoded) if decoded else 1.0
    scores = text.bm25(query, decoded, df, documents, average)
    best = max(scores.values(), default=0.0) or 1.0
    matches = []
    for row in rows:
        structure, shared = _structure(key, row)
        lexical = scores.get(row.pk, 0.0) / best
        score = TEXT_WEIGHT * lexical + (1 - TEXT_WEIGHT) * structure
        matches.append(
            Match(
                row, score, lexical, structure, shared, row.procedure == key.procedure,
                bool(key.violation) and row.violation == key.violation,
            )
        )  # fmt: skip
    matches.sort(key=lambda m: (-m.score, -m.decision.decided_on.toordinal(), m.decision.pk))
    return matches


def band_for(amounts: list[Decimal]) -> Band | None:
    """Quartiles by linear interpolation between the sorted amounts (statistics' "inclusive")."""
    if len(amounts) < BAND_MINIMUM:
        return None
    ordered = sorted(amounts)
    q1, median, q3 = (
        Decimal(str(round(q, 2))) for q in statistics.quantiles(ordered, n=4, method="inclusive")
    )
    spread = (q3 - q1) * WIDEN
    cent = Decimal("0.01")
    low = max(ordered[0], (q1 - spread).quantize(cent))
    high = min(ordered[-1], (q3 + spread).quantize(cent))
    return Band(len(ordered), ordered[0], q1, median, q3, ordered[-1], low, high)


def similar_to(case: Case) -> Similar:
    """The most similar earlier decisions for ``case`` and the band of amounts of its key.
    The caller has checked that the officer may view the case."""
    key = key_of_case(case)
    query, df, documents = _query(case)
    rows = _candidates(case, key, query, df, documents)
    matches = rank(key, rows, query, df, documents)[:SHOWN]
    amounts: list[Decimal] = []
    basis = ""
    if PenaltyKind.FINE in key.kinds:
        amounts, basis = _amounts(case, key)
    return Similar(
        key=key,
        matches=matches,
        band=band_for(amounts),
        compared=len(amounts),
        proposed=case.fine_yuan,
        across_agencies=bool(settings.SANXIANG_SIMILAR_ACROSS_AGENCIES),
        band_basis=basis,
    )


def _amounts(case: Case, key: Key) -> tuple[list[Decimal], str]:
    """The fines the band is drawn from, newest first, and what those decisions share: the same
    违法行为 and tier, else the same 违法行为, else (no 违法行为 chosen) the same key."""
    fined = IndexedDecision.objects.filter(_scope(case), fine_yuan__isnull=False).exclude(
        case_id=case.pk
    )

    def newest(rows: QuerySet[IndexedDecision]) -> list[Decimal]:
        found = rows.order_by("-decided_on").values_list("fine_yuan", flat=True)[:BAND_SAMPLE]
        return [a for a in found if a is not None]

    if not key.violation:
        return newest(fined.filter(key=key.text)), "违法依据、处罚依据和处罚种类均相同"
    same = fined.filter(violation=key.violation)
    if key.tier:
        tiered = newest(same.filter(tier=key.tier))
        if len(tiered) >= BAND_MINIMUM:
            return tiered, "同一违法行为、同一裁量阶次"
    return newest(same), "同一违法行为"
