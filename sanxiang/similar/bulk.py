"""Rebuilding the whole similar-case index set-wise (``sanxiang similar reindex --bulk``).

The same index as the row-by-row rebuild (``index.reindex``), built for a large installation:

- on PostgreSQL the term counts and the signatures are computed by the database from the
  portal's full-text index of the same texts (``disclosure_publication.search_vector``: the
  token stream of ``search.index_text``, the title and the public text, whose Chinese bigrams
  and Latin words are exactly this index's terms), one ``GROUP BY`` for the document
  frequencies and one ``INSERT … SELECT`` for the signatures, with the idf of each term
  computed in Python by ``text.idf`` (so every weight is the same float). A text whose tokens
  could differ from ``text.terms`` — a character outside plain Chinese, ASCII and common
  punctuation, a run of 61 letters or digits or more, 8,000 characters or more, or a term
  repeated 256 times (a ``tsvector`` keeps at most 256 positions) — is counted and signed in
  Python as the row-by-row rebuild does (a token of letters and digits, such as a 统一社会信用代码,
  is cut into its letter runs in SQL, as ``text.terms`` reads it);
- the rows go in by ``COPY`` (SQLite: ``executemany``), the article rows by one
  ``INSERT … SELECT`` from the cases' 违法依据 and 处罚依据;
- the tables' secondary indexes and foreign keys are dropped before the load and made again
  after it (PostgreSQL).

It runs in one transaction but takes the index tables' exclusive lock from the start: the
同案同罚 pages wait for it (the row-by-row rebuild lets them read the old index meanwhile). It
reads the portal's search index: if that is stale (after a tokenizer change), run
``sanxiang reindex publications`` first.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from sanxiang.cases.models import Case
from sanxiang.core.progress import Progress
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.similar import text
from sanxiang.similar.index import CORPUS, INDEXED, _row, _searchable
from sanxiang.similar.key import keys_of_cases
from sanxiang.similar.models import IndexedArticle, IndexedDecision, TermCount

logger = logging.getLogger(__name__)

TABLES = (IndexedArticle, IndexedDecision, TermCount)
ROW_FIELDS = [f for f in IndexedDecision._meta.concrete_fields if not f.primary_key]

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # text._HAN
_LETTER = "A-Za-z\uff21-\uff3a\uff41-\uff5a"
_DIGIT = "0-9\uff10-\uff19"
# Characters whose tokens are the same in search.tokens and text.terms: ASCII, the Chinese
# characters both take, full-width forms (digits and letters are made half-width by both) and
# punctuation that is no letter or digit to either. Anything else goes through Python.
_PLAIN = (
    "\x01-\x7e\u00b7\u00d7\u2010-\u2027\u2030-\u205e\u3000-\u3003\u3008-\u3011\u3014-\u301f"
    f"{_HAN_CLASS}\uff01-\uff5e"
)
IRREGULAR = f"[^{_PLAIN}]|[{_LETTER}{_DIGIT}]{{61,}}"
BATCH = 2000
MAX_PLAIN_LENGTH = 8000  # characters: under 16,000 tokens (search.MAX_TOKENS) and positions


def reindex_bulk(*, stream: Any = None) -> int:
    """Rebuild the index from the published decisions, set-wise (see the module's text)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        _clear(cursor, postgres)
        dropped = _drop_secondary(cursor) if postgres else []
        regular = _mark_regular(cursor) if postgres else 0
        df: Counter[str] = Counter()
        if regular:
            df.update(dict(_sql_document_frequencies(cursor)))
        documents = regular
        irregular = _irregular_ids(cursor) if postgres else None
        with Progress("统计词频", total=None, stream=stream) as bar:
            for batch in _published(irregular, with_text=True):
                for publication in batch:
                    df.update(set(text.terms(_searchable(publication))))
                documents += len(batch)
                bar.advance(len(batch))
        df[CORPUS] = documents
        idf_of = {t: text.idf(documents, n) for t, n in df.items() if t != CORPUS}
        if postgres:
            _sql_signatures(cursor, idf_of)
        rows = _rows(cursor, df, documents, idf_of, irregular, stream)
        _copy(cursor, IndexedDecision, [f.column for f in ROW_FIELDS], rows, postgres)
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


def _mark_regular(cursor: Any) -> int:
    """A temporary table of the decisions to index, each marked whether the database may count
    its terms; the number of those it may."""
    cursor.execute(
        "CREATE TEMP TABLE similar_bulk_text ON COMMIT DROP AS "
        "SELECT p.id, length(p.title) + length(p.public_text) < %s "
        "AND (p.title || ' ' || p.public_text) !~ %s "
        "AND NOT EXISTS (SELECT 1 FROM unnest(p.search_vector) u "
        "WHERE cardinality(u.positions) >= 256) AS regular "
        "FROM disclosure_publication p WHERE p.status = %s AND p.case_id IS NOT NULL "
        "AND p.public_text <> ''",
        [MAX_PLAIN_LENGTH, IRREGULAR, PublicationStatus.PUBLISHED],
    )
    cursor.execute("SELECT count(*) FROM similar_bulk_text WHERE regular")
    return int(cursor.fetchone()[0])


# The terms (term, count, first place) of a search token stream ``p.search_vector``, as
# ``text.terms`` cuts the same text: its Chinese bigrams and Latin words whole, and the runs of
# two or more letters inside a token with digits (91350100MA2Y… → ma, y…: ``text.terms`` reads
# letters only); digits and single characters are left out. The first place orders equal
# weights as the text does: the token's position, then the run's order within the token.
_TERMS_OF = (
    "SELECT u.lexeme AS term, cardinality(u.positions) AS n, u.positions[1] * 64 AS first "
    "FROM unnest(p.search_vector) u "
    "WHERE length(u.lexeme) > 1 AND translate(u.lexeme, '0123456789', '') = u.lexeme "
    "UNION ALL "
    "SELECT m.part[1], cardinality(u.positions), u.positions[1] * 64 + m.ord "
    "FROM unnest(p.search_vector) u, "
    "regexp_matches(u.lexeme, '[a-z]{2,}', 'g') WITH ORDINALITY m(part, ord) "
    "WHERE translate(u.lexeme, '0123456789', '') <> u.lexeme"
)


def _sql_document_frequencies(cursor: Any) -> list[tuple[str, int]]:
    cursor.execute(
        "SELECT d.term, count(*) FROM similar_bulk_text t "  # noqa: S608 - constant
        "JOIN disclosure_publication p ON p.id = t.id, "
        f"LATERAL (SELECT DISTINCT x.term FROM ({_TERMS_OF}) x) d "
        "WHERE t.regular GROUP BY d.term"
    )
    return [(term, int(n)) for term, n in cursor.fetchall()]


def _irregular_ids(cursor: Any) -> set[int]:
    cursor.execute("SELECT id FROM similar_bulk_text WHERE NOT regular")
    return {pk for (pk,) in cursor.fetchall()}


def _sql_signatures(cursor: Any, idf_of: dict[str, float]) -> None:
    """Each regular text's signature ("term:count …", the ``text.SIGNATURE`` terms of highest
    count × idf, ties in the text's order) and length, as ``text.signature`` makes them."""
    cursor.execute(
        "CREATE TEMP TABLE similar_bulk_signature ON COMMIT DROP AS "  # noqa: S608 - constant
        "SELECT t.id, s.terms, s.length FROM similar_bulk_text t "
        "JOIN disclosure_publication p ON p.id = t.id, LATERAL ("
        "SELECT string_agg(w.term || ':' || w.n, ' ' ORDER BY w.weight DESC, w.first) "
        "FILTER (WHERE w.place <= %s) AS terms, sum(w.n) AS length FROM ("
        "SELECT v.*, row_number() OVER (ORDER BY v.weight DESC, v.first) AS place FROM ("
        "SELECT c.term, c.n, c.first, c.n * (%s::jsonb ->> c.term)::float8 AS weight FROM ("
        f"SELECT x.term, sum(x.n) AS n, min(x.first) AS first FROM ({_TERMS_OF}) x "
        "GROUP BY x.term) c) v) w) s WHERE t.regular",
        [text.SIGNATURE, json.dumps({t: repr(w) for t, w in idf_of.items()})],
    )
    cursor.execute("CREATE INDEX ON similar_bulk_signature (id)")


def _rows(
    cursor: Any,
    df: Counter[str],
    documents: int,
    idf_of: dict[str, float],
    irregular: set[int] | None,
    stream: Any,
) -> Any:
    """The index rows in batches (lists of tuples of ``ROW_FIELDS``' values), in order."""
    with Progress("建立索引", total=documents, stream=stream) as bar:
        for batch in _published(None, with_text=irregular is None):
            keys = keys_of_cases(p.case_id for p in batch if p.case_id is not None)
            signed: dict[int, tuple[str, int]] = {}
            if irregular is not None:
                cursor.execute(
                    "SELECT id, terms, length FROM similar_bulk_signature "
                    "WHERE id BETWEEN %s AND %s",
                    [batch[0].pk, batch[-1].pk],
                )
                signed = {pk: (terms, int(length)) for pk, terms, length in cursor.fetchall()}
                texts = dict(
                    Publication.objects.filter(pk__in=[p.pk for p in batch if p.pk in irregular])
                    .values_list("pk", "public_text")
                )  # fmt: skip
                for publication in batch:
                    if publication.pk in texts:
                        publication.public_text = texts[publication.pk]
            out = []
            for publication in batch:
                if publication.case_id is None:  # not selected (``_published``)
                    continue
                key = keys[publication.case_id]
                if publication.pk in signed:
                    terms, length = signed[publication.pk]
                    row = _row(publication, publication.case_id, key, {}, length)
                    row.terms = terms or ""
                else:
                    counts, length = text.counts_of(_searchable(publication))
                    sig = text.signature(counts, df, documents, idf_of)
                    row = _row(publication, publication.case_id, key, sig, length)
                out.append(tuple(f.get_db_prep_save(getattr(row, f.attname), connection)
                                 for f in ROW_FIELDS))  # fmt: skip
            yield out  # written before the next batch is read: a COPY holds the connection
            bar.advance(len(batch))


def _published(ids: set[int] | None, *, with_text: bool) -> Iterator[list[Publication]]:
    """The published case decisions (those of ``ids`` only, when given) in batches of bare
    rows, their public text left out unless ``with_text``."""
    rows = (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED, case__isnull=False)
        .exclude(public_text="")
        .only(*(f for f in INDEXED if with_text or f != "public_text"))
        .order_by("pk")
    )
    if ids is not None:
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH):
            yield list(rows.filter(pk__in=ordered[start : start + BATCH]))
        return
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        yield batch
        last = batch[-1].pk


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
