"""Keeping the similar-case index in step with what is published.

A publication that is published (or corrected) is indexed, inside the transaction that
publishes it (``post_save`` of ``Publication``: the publishing services save it within their
transaction, so the index row commits or rolls back with the publication and its ledger event);
one withdrawn (or otherwise not public) leaves the index in the same way. ``reindex`` rebuilds
the whole index from the publications (``sanxiang similar reindex``).

What is indexed is only what the public sees: the confirmed, redacted ``public_text``, the
title and the published fields; the structural key comes from ``key.key_of_case`` (the
articles cited and the penalty kinds, which the published fields also state).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

from sanxiang.core.progress import Progress
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.similar import text
from sanxiang.similar.key import Key, key_of_case, keys_of_cases
from sanxiang.similar.models import IndexedArticle, IndexedDecision, TermCount

logger = logging.getLogger(__name__)

INDEXED_FIELDS = {"status", "public_text", "public_sha256"}
CORPUS = ""  # the TermCount row that counts the indexed texts
BATCH = 500


def on_publication_saved(sender: Any, instance: Publication, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return
    if instance.case_id is None:
        return  # a permit or another recorded act: not a case decision to compare with
    if instance.status == PublicationStatus.PUBLISHED and instance.public_text:
        index_publication(instance)
    else:
        index_remove(instance.pk)


def _amount(fields: dict[str, object]) -> Decimal | None:
    value = str(fields.get("罚款金额（元）") or "").strip()
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _searchable(publication: Publication) -> str:
    return f"{publication.title}\n{publication.public_text}"


def _row(
    publication: Publication, case_id: int, key: Key, sig: dict[str, int], length: int
) -> IndexedDecision:
    return IndexedDecision(
        **row_values(
            publication.pk, publication.agency_id, publication.title, publication.fields,
            publication.decided_on, publication.public_sha256, case_id, key, sig, length,
        )
    )  # fmt: skip


def row_values(
    publication_id: int, agency_id: int, title: str, fields: object, decided_on: Any,
    public_sha256: str, case_id: int, key: Key, sig: dict[str, int], length: int,
) -> dict[str, Any]:  # fmt: skip
    """An index row's values by attribute name (``_row``; the bulk rebuild writes them)."""
    published = fields if isinstance(fields, dict) else {}
    return {
        "publication_id": publication_id,
        "agency_id": agency_id,
        "case_id": case_id,
        "procedure": key.procedure,
        "key": key.text,
        "violated": ",".join(map(str, key.violated))[:200],
        "penalty": ",".join(map(str, key.penalty))[:200],
        "kinds": ",".join(key.kinds)[:100],
        "violation": key.violation,
        "tier": key.tier,
        "fine_yuan": _amount(published),
        "decided_on": decided_on,
        "title": title[:300],
        "conclusion": str(published.get("执法结论") or published.get("处罚类别") or "")[:300],
        "terms": text.encode(sig),
        "length": length,
        "text_sha256": public_sha256,
    }


def _articles(row: IndexedDecision, articles: Iterable[int]) -> list[IndexedArticle]:
    return [
        IndexedArticle(
            decision=row, article_id=a, agency_id=row.agency_id, decided_on=row.decided_on
        )
        for a in articles
    ]


def document_frequencies(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """The stored counts of ``terms`` and of all indexed texts."""
    wanted = sorted(set(terms) | {CORPUS})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 900):  # SQLite's limit on parameters
        chunk = wanted[start : start + 900]
        found.update(TermCount.objects.filter(term__in=chunk).values_list("term", "documents"))
    return found, max(found.pop(CORPUS, 0), 1)


def _count_terms(terms: Iterable[str]) -> None:
    """One more text contains each of ``terms`` (and the corpus has one more text)."""
    ordered = sorted(set(terms) | {CORPUS})  # one order, so concurrent writers never deadlock
    table = connection.ops.quote_name(TermCount._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 400):
            chunk = ordered[start : start + 400]
            values = ", ".join(["(%s, 1)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, documents) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + 1",
                chunk,
            )


def index_publication(publication: Publication) -> IndexedDecision:
    """Index (or re-index after a correction) one published decision of a case."""
    case = publication.case
    if case is None:
        raise ValueError(f"publication {publication.pk} is not a case decision")
    counts, length = text.counts_of(_searchable(publication))
    with transaction.atomic():
        existing = IndexedDecision.objects.filter(publication_id=publication.pk).first()
        if existing is not None and existing.text_sha256 == publication.public_sha256:
            return existing
        if existing is None:
            _count_terms(counts)
        else:
            existing.delete()
        df, documents = document_frequencies(counts)
        key = key_of_case(case)
        row = _row(publication, case.pk, key, text.signature(counts, df, documents), length)
        row.save()
        IndexedArticle.objects.bulk_create(_articles(row, sorted(key.articles)))
    logger.info("similar: indexed publication %s", publication.pk)
    return row


def index_remove(publication_id: int) -> None:
    """A decision no longer public leaves the index (its terms stay counted until a rebuild)."""
    deleted, _ = IndexedDecision.objects.filter(publication_id=publication_id).delete()
    if deleted:
        logger.info("similar: publication %s left the index", publication_id)


INDEXED = ("pk", "agency_id", "case_id", "title", "public_text", "public_sha256", "fields",
           "decided_on")  # fmt: skip


def _published() -> Iterator[list[Publication]]:
    """The published decisions in batches, as bare rows (no case file is read)."""
    rows = (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED, case__isnull=False)
        .exclude(public_text="")
        .only(*INDEXED)
        .order_by("pk")
    )
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        yield batch
        last = batch[-1].pk


def reindex(*, stream: Any = None) -> int:
    """Rebuild the index from the published decisions: count the terms over all texts, then
    store each text's signature. Runs in one transaction: searches see the old index until the
    new one is complete."""
    total = Publication.objects.filter(status=PublicationStatus.PUBLISHED).count()
    with transaction.atomic():
        IndexedArticle.objects.all().delete()
        IndexedDecision.objects.all().delete()
        TermCount.objects.all().delete()
        df: Counter[str] = Counter()
        documents = 0
        with Progress("统计词频", total=total, stream=stream) as bar:
            for batch in _published():
                for publication in batch:
                    df.update(set(text.terms(_searchable(publication))))
                documents += len(batch)
                bar.advance(len(batch))
        df[CORPUS] = documents
        TermCount.objects.bulk_create(
            (TermCount(term=t, documents=n) for t, n in df.items()), batch_size=2000
        )
        idf_of: dict[str, float] = {}
        with Progress("建立索引", total=documents, stream=stream) as bar:
            for batch in _published():
                keys = keys_of_cases(p.case_id for p in batch if p.case_id is not None)
                rows = []
                for publication in batch:
                    if publication.case_id is None:  # not selected (``_published``)
                        continue
                    counts, length = text.counts_of(_searchable(publication))
                    sig = text.signature(counts, df, documents, idf_of)
                    rows.append(
                        (
                            _row(
                                publication,
                                publication.case_id,
                                keys[publication.case_id],
                                sig,
                                length,
                            ),
                            keys[publication.case_id],
                        )
                    )
                _flush(rows)
                bar.advance(len(batch))
    logger.info("similar: index rebuilt with %s decisions", documents)
    return documents


def _flush(rows: list[tuple[IndexedDecision, Key]]) -> None:
    if not rows:
        return
    saved = IndexedDecision.objects.bulk_create([row for row, _ in rows])
    IndexedArticle.objects.bulk_create(
        [
            article
            for row, (_, key) in zip(saved, rows, strict=True)
            for article in _articles(row, sorted(key.articles))
        ]
    )
