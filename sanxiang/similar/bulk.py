"""Rebuilding the whole similar-case index in bulk (``sanxiang similar reindex --bulk``).

The same index as the row-by-row rebuild (``index.reindex``), built for a large installation:

- the texts are cut into terms by the same functions (``text.counts_of``, ``text.signature``),
  so every row is the one the row-by-row rebuild writes; the cutting — nearly all of the time
  (about 0.2 ms a text for the terms, twice, and 0.15 ms for the signature) — runs in
  ``workers`` processes (default: one per CPU, at most four), fed batches of texts by this
  process, which reads the publications, looks up the cases' keys and writes the rows
  meanwhile; at most ``AHEAD`` batches are in flight, so memory stays flat at any size;
- two passes over the texts: the document frequencies, then each text's signature;
- the rows go in by ``COPY`` (SQLite: ``executemany``), the article rows by one
  ``INSERT … SELECT`` from the cases' 违法依据 and 处罚依据;
- the tables' secondary indexes and foreign keys are dropped before the load and made again
  after it (PostgreSQL).

Until 2026-12-06 PostgreSQL counted and signed the terms from the portal's tsvectors (one
``GROUP BY`` over every lexeme, then a window per text): single-threaded in the database,
4.7 ms a text here under load against 1.2 ms for the Python passes in two processes.

It runs in one transaction but takes the index tables' exclusive lock from the start: the
同案同罚 pages wait for it (the row-by-row rebuild lets them read the old index meanwhile).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from sanxiang.cases.models import Case
from sanxiang.core.progress import Progress
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.similar import text
from sanxiang.similar.index import CORPUS, row_values
from sanxiang.similar.key import keys_of_cases
from sanxiang.similar.models import IndexedArticle, IndexedDecision, TermCount

logger = logging.getLogger(__name__)

TABLES = (IndexedArticle, IndexedDecision, TermCount)
ROW_FIELDS = [f for f in IndexedDecision._meta.concrete_fields if not f.primary_key]
BATCH = 2000
AHEAD = 4  # batches handed to the workers and not yet written
# What the signing workers need, set before they are forked (they inherit it).
_SIGNING: tuple[dict[str, int], int, dict[str, float]] = ({}, 0, {})


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def reindex_bulk(*, stream: Any = None, workers: int | None = None) -> int:
    """Rebuild the index from the published decisions in bulk (see the module's text);
    ``workers``: processes that cut the texts (0: this process alone)."""
    global _SIGNING
    postgres = connection.vendor == "postgresql"
    workers = default_workers() if workers is None else workers
    with transaction.atomic(), connection.cursor() as cursor:
        _clear(cursor, postgres)
        dropped = _drop_secondary(cursor) if postgres else []
        df: Counter[str] = Counter()
        documents = 0
        with _pool(workers) as run, Progress("统计词频", total=None, stream=stream) as bar:
            for batch, counted in run(_document_terms, _texts(_published())):
                df.update(counted)
                documents += len(batch)
                bar.advance(len(batch))
        df[CORPUS] = documents
        idf_of = {t: text.idf(documents, n) for t, n in df.items() if t != CORPUS}
        _SIGNING = (df, documents, idf_of)
        try:
            with _pool(workers) as run:
                rows = _rows(run, documents, stream)
                _copy(cursor, IndexedDecision, [f.column for f in ROW_FIELDS], rows, postgres)
        finally:
            _SIGNING = ({}, 0, {})
        _articles(cursor)
        _copy(cursor, TermCount, ["term", "documents"], [list(df.items())], postgres)
        for statement in dropped:
            cursor.execute(statement)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares its keys
            for model in TABLES:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    logger.info("similar: index rebuilt in bulk with %s decisions", documents)
    return documents


def _document_terms(texts: list[str]) -> Counter[str]:
    """In how many of ``texts`` each term occurs (a worker's part of the first pass)."""
    counted: Counter[str] = Counter()
    for one in texts:
        counted.update(set(text.terms(one)))
    return counted


def _signatures(texts: list[str]) -> list[tuple[dict[str, int], int]]:
    """Each text's signature and length (a worker's part of the second pass)."""
    df, documents, idf_of = _SIGNING
    out = []
    for one in texts:
        counts, length = text.counts_of(one)
        out.append((text.signature(counts, df, documents, idf_of), length))
    return out


Batch = list[tuple[Any, ...]]


Run = Callable[[Callable[[list[str]], Any], Iterator[tuple[Batch, list[str]]]], Iterator[Any]]


@contextmanager
def _pool(workers: int) -> Iterator[Run]:
    """``run(function, batches)``: ``(batch, function(texts))`` for each ``(batch, texts)``, in
    order, with at most ``AHEAD`` batches in flight; in forked processes when ``workers``."""
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():

        def inline(function: Any, batches: Any) -> Iterator[tuple[Batch, Any]]:
            for batch, texts in batches:
                yield batch, function(texts)

        yield inline
        return
    # The workers only compute: they never touch this process's database connection (and
    # leave by os._exit, so they do not close it either).
    pool = multiprocessing.get_context("fork").Pool(workers)

    def pooled(function: Any, batches: Any) -> Iterator[tuple[Batch, Any]]:
        pending: deque[tuple[Batch, Any]] = deque()
        for batch, texts in batches:
            pending.append((batch, pool.apply_async(function, (texts,))))
            if len(pending) >= AHEAD:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()

    try:
        yield pooled
    finally:
        pool.terminate()
        pool.join()


def _texts(batches: Iterator[Batch]) -> Iterator[tuple[Batch, list[str]]]:
    """Each batch with its searchable texts (``index._searchable``: title, newline, text)."""
    for batch in batches:
        yield batch, [f"{row[TITLE]}\n{row[TEXT]}" for row in batch]


def _clear(cursor: Any, postgres: bool) -> None:
    names = [m._meta.db_table for m in TABLES]
    if postgres:
        # Checks still deferred in this transaction would forbid TRUNCATE and DROP CONSTRAINT.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(names)}")
    else:
        for name in names:
            cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - our own tables


def _drop_secondary(cursor: Any) -> list[str]:
    """Drop the index tables' secondary indexes and foreign keys; the statements that make them
    again (indexes first, then the keys, which use the primary keys only)."""
    names = [m._meta.db_table for m in TABLES]
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [names],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
        [names],
    )
    keys = cursor.fetchall()
    restore = []
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        restore.insert(0, definition)
    return restore


def _rows(run: Any, documents: int, stream: Any) -> Iterator[list[tuple[Any, ...]]]:
    """The index rows in batches (lists of tuples of ``ROW_FIELDS``' values), in order."""
    postgres = connection.vendor == "postgresql"
    names = [f.attname for f in ROW_FIELDS]
    with Progress("建立索引", total=documents, stream=stream) as bar:
        for batch, signed in run(_signatures, _texts(_published())):
            keys = keys_of_cases(p[CASE] for p in batch)
            out = []
            for (pk, agency, case, title, _text, sha, fields, on), (sig, length) in zip(
                batch, signed, strict=True
            ):
                values = row_values(
                    pk, agency, title, fields, on, sha, case, keys[case], sig, length
                )
                if postgres:  # COPY adapts the Python values itself
                    out.append(tuple(values[name] for name in names))
                else:
                    out.append(tuple(f.get_db_prep_save(values[f.attname], connection)
                                     for f in ROW_FIELDS))  # fmt: skip
            yield out  # written before the next batch is read: a COPY holds the connection
            bar.advance(len(batch))


# A batch's rows: (pk, agency_id, case_id, title, public_text, public_sha256, fields, decided_on)
COLUMNS = ("pk", "agency_id", "case_id", "title", "public_text", "public_sha256", "fields",
           "decided_on")  # fmt: skip
CASE, TITLE, TEXT = 2, 3, 4


def _published() -> Iterator[Batch]:
    """The published case decisions in batches of bare rows."""
    rows = (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED, case__isnull=False)
        .exclude(public_text="")
        .order_by("pk")
        .values_list(*COLUMNS)
    )
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        yield batch
        last = batch[-1][0]


def _copy(cursor: Any, model: Any, columns: list[str], batches: Any, postgres: bool) -> None:
    """Write ``batches`` (lists of value tuples) to ``model``'s table, one COPY per batch."""
    table = model._meta.db_table
    for rows in batches:
        if not rows:
            continue
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own tables
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )


def _articles(cursor: Any) -> None:
    """Which decisions cite which article (either basis), in one statement."""
    violated = Case.violated_articles.through._meta.db_table
    penalty = Case.penalty_articles.through._meta.db_table
    cursor.execute(
        f"INSERT INTO {IndexedArticle._meta.db_table} "  # noqa: S608 - our own tables
        "(decision_id, article_id, agency_id, decided_on) "
        "SELECT d.id, a.article_id, d.agency_id, d.decided_on "
        f"FROM {IndexedDecision._meta.db_table} d JOIN ("
        f"SELECT case_id, article_id FROM {violated} UNION "
        f"SELECT case_id, article_id FROM {penalty}) a ON a.case_id = d.case_id"
    )
