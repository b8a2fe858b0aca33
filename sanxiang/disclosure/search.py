"""Full-text search of published decisions in Chinese, the same on PostgreSQL and SQLite.

Each publication keeps ``search_tokens``: its public content (title, and the confirmed public
text while it is published — a withdrawn decision's text is no longer public, so only its title)
as a space-separated stream of tokens:

- every run of Chinese characters becomes its overlapping character bigrams, followed by its
  last character alone ("违建房屋" → 违建 建房 房屋 屋);
- every run of other letters and digits becomes one lower-case token ("ABC-12" → abc 12);
- full-width letters and digits are made half-width first, and letters lower case.

A query word is cut the same way and must occur as a phrase (adjacent tokens); several words all
must occur. So any run of two or more Chinese characters is found wherever it stands — 违建 in
"违建房屋", 占道 in "占道经营" — independent of how a word segmenter would have cut the
surrounding text; a single character is a prefix match on the bigrams (the trailing single
character covers a run's end). docs/operations/disclosure.md ("Search") has the measurements
behind choosing bigrams over jieba tokens.

PostgreSQL indexes ``to_tsvector('simple', search_tokens)`` (a stored generated column
``search_vector`` with a GIN index, created by migration); SQLite an FTS5 table
``disclosure_fts`` over the same column kept in sync by triggers. Either way the
stream is tokenised by the database only at spaces, so both find the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, QuerySet, TextField
from django.db.models.expressions import RawSQL

from sanxiang.disclosure.models import Publication, PublicationStatus

# CJK Unified Ideographs, Extension A, compatibility ideographs, Extensions B and later.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
MAX_TOKEN = 60  # characters; longer runs of letters or digits are cut (PostgreSQL limits lexemes)
# PostgreSQL keeps word positions up to 16,383 (and a tsvector under 1 MB): the text after about
# 16,000 characters is not searchable, on either database alike.
MAX_TOKENS = 16_000
MAX_WORDS = 5
MAX_WORD_LENGTH = 50

FTS_TABLE = "disclosure_fts"


# Full-width digits and Latin letters (ＡＢＣ１２) → ASCII; full-width punctuation separates words
# either way, so it is left alone (and NFKC, 5× slower here, would change nothing that matters).
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _half(match: re.Match[str]) -> str:
    return chr(ord(match.group()) - 0xFEE0)


def normalise(text: str) -> str:
    """Full-width letters and digits → half-width, and lower case."""
    return _FULL_WIDTH.sub(_half, text).lower()


def _runs(text: str) -> Iterable[tuple[bool, str]]:
    for match in _RUNS.finditer(normalise(text)):
        han, other = match.groups()
        yield (True, han) if han else (False, other)


def _run_tokens(han: bool, run: str) -> list[str]:
    if not han:
        return [run[:MAX_TOKEN]]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def tokens(text: str, *, limit: int | None = None) -> str:
    """The indexed token stream of ``text`` (its first ``limit`` tokens)."""
    stream = [token for han, run in _runs(text) for token in _run_tokens(han, run)]
    return " ".join(stream[:limit])


def index_text(title: str, public_text: str, *, text_public: bool) -> str:
    """What of a publication is searchable: the title, and the text while it is public."""
    return tokens(f"{title}\n{public_text}" if text_public else title, limit=MAX_TOKENS)


# A query is a list of terms, all of which must match; a term is (phrase tokens, prefix).
Term = tuple[list[str], bool]


def query_terms(query: str) -> list[Term]:
    terms: list[Term] = []
    for word in query.split()[:MAX_WORDS]:
        for han, run in _runs(word[:MAX_WORD_LENGTH]):
            if han and len(run) == 1:
                terms.append(([run], True))  # any bigram starting with it, or a run's end
            elif han:
                terms.append(([run[i : i + 2] for i in range(len(run) - 1)], False))
            else:
                terms.append(([run[:MAX_TOKEN]], False))
    return terms


def _pg_lexeme(token: str) -> str:
    # tsquery syntax: a quoted lexeme, quotes doubled and backslashes escaped.
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsquery(terms: list[Term]) -> str:
    """The text for ``to_tsquery('simple', %s)``; passed as a parameter, never into the SQL."""
    parts = []
    for phrase, prefix in terms:
        lexemes = [_pg_lexeme(t) for t in phrase]
        parts.append("(" + " <-> ".join(lexemes) + (":*" if prefix else "") + ")")
    return " & ".join(parts)


def _fts_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(terms: list[Term]) -> str:
    """The text for FTS5 ``MATCH %s``: quoted phrases joined by AND; passed as a parameter."""
    parts = []
    for phrase, prefix in terms:
        parts.append(_fts_string(" ".join(phrase)) + ("*" if prefix else ""))
    return " AND ".join(parts)


def _condition(terms: list[Term]) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL(
            "disclosure_publication.search_vector @@ to_tsquery('simple', %s)",
            [pg_tsquery(terms)],
            output_field=BooleanField(),
        )
    return RawSQL(
        "disclosure_publication.id IN (SELECT rowid FROM disclosure_fts "
        "WHERE disclosure_fts MATCH %s)",
        [fts5_match(terms)],
        output_field=BooleanField(),
    )


def search_filter(rows: QuerySet, query: str) -> QuerySet:  # type: ignore[type-arg]
    """``rows`` (of Publication) narrowed to those whose public content matches every word."""
    terms = query_terms(query)
    return rows.filter(_condition(terms)) if terms else rows


RECENT_WINDOW = 1000


def recent_matches(ordered: QuerySet, query: str, wanted: int) -> list[int] | None:  # type: ignore[type-arg]
    """PostgreSQL: the ids of the first ``wanted`` matches if they lie among the first
    ``RECENT_WINDOW`` rows of ``ordered`` (filtered and sorted, newest first), else None.

    PostgreSQL estimates a phrase's selectivity as the product of its bigrams' (户外 × 外广 ×
    广告), far too low for words that are in fact common (行政处罚 is in nearly every decision),
    and then reads and sorts every match — seconds at a million rows. Checking the newest
    thousand rows first bounds a common word's cost; a word rarer than that has so few matches
    that the index lookup the planner then picks is cheap. SQLite's FTS5 needs no such help."""
    terms = query_terms(query)
    if connection.vendor != "postgresql" or not terms or wanted > RECENT_WINDOW // 4:
        return None
    window = ordered.annotate(
        vector=RawSQL("disclosure_publication.search_vector", [], output_field=TextField())
    ).values("pk", "decided_on", "vector")[:RECENT_WINDOW]
    sql, params = window.query.sql_with_params()
    direction = "DESC" if str(ordered.query.order_by[0]).startswith("-") else "ASC"
    # The window's LIMIT keeps the planner from reordering; scanning it in its own order, the
    # database stops at the ``wanted``-th match (usually within a few dozen rows).
    # On the database the queryset reads (the replica, for the portal: sanxiang/core/replica.py).
    with connections[window.db].cursor() as cursor:
        cursor.execute(
            f"SELECT w.pk FROM ({sql}) w WHERE w.vector @@ to_tsquery('simple', %s) "  # noqa: S608 - Django's own SQL, values bound
            f"ORDER BY w.decided_on {direction}, w.pk {direction} LIMIT %s",
            [*params, pg_tsquery(terms), wanted],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) >= wanted else None


# --- the database side (migration, post_migrate, reindex) --------------------------------------

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_ai AFTER INSERT ON disclosure_publication BEGIN
      INSERT INTO disclosure_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
    END""",
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_ad AFTER DELETE ON disclosure_publication BEGIN
      INSERT INTO disclosure_fts(disclosure_fts, rowid, search_tokens)
        VALUES ('delete', old.id, old.search_tokens);
    END""",
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_au AFTER UPDATE OF search_tokens
      ON disclosure_publication BEGIN
      INSERT INTO disclosure_fts(disclosure_fts, rowid, search_tokens)
        VALUES ('delete', old.id, old.search_tokens);
      INSERT INTO disclosure_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
    END""",
)


def _execute(db: BaseDatabaseWrapper, sql: str) -> None:
    with db.cursor() as cursor:
        cursor.execute(sql)


def ensure_index(db: BaseDatabaseWrapper) -> None:
    """Create the database's search index over ``search_tokens`` if it is missing.

    On SQLite, Django rebuilds a table for some later schema changes, which drops its triggers;
    this runs after every ``migrate`` too (apps.py), and rebuilds the FTS table when the
    triggers had gone, so the index can never silently stop following the table.
    """
    vendor = db.vendor
    if vendor == "postgresql":
        _execute(
            db,
            "ALTER TABLE disclosure_publication ADD COLUMN IF NOT EXISTS search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_tokens)) STORED",
        )
        _execute(
            db,
            "CREATE INDEX IF NOT EXISTS publication_search ON disclosure_publication "
            "USING gin (search_vector)",
        )
    elif vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["disclosure_fts_a%"],
            )
            complete = cursor.fetchone()[0] == len(_SQLITE_TRIGGERS)
        _execute(
            db,
            "CREATE VIRTUAL TABLE IF NOT EXISTS disclosure_fts USING fts5(search_tokens, "
            "content='disclosure_publication', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0')",
        )
        for trigger in _SQLITE_TRIGGERS:
            _execute(db, trigger)
        if not complete:
            _execute(db, "INSERT INTO disclosure_fts(disclosure_fts) VALUES ('rebuild')")


def publication_tokens(publication: Publication) -> str:
    """Published: title and text; withdrawn: the title only; not (yet) public: nothing."""
    if publication.status not in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN):
        return ""
    return index_text(
        publication.title,
        publication.public_text,
        text_public=publication.status == PublicationStatus.PUBLISHED,
    )


def reindex(*, batch: int = 2000, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every publication's tokens (after a change of the tokeniser); returns the
    number of rows changed. The database index follows (generated column / triggers).
    ``progress`` is told how many rows were read after each batch."""
    changed = 0
    last = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Publication.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "title", "public_text", "status", "search_tokens")[:batch]
            )
            if not chunk:
                break
            stale = []
            for publication in chunk:
                fresh = publication_tokens(publication)
                if fresh != publication.search_tokens:
                    publication.search_tokens = fresh
                    stale.append(publication)
            Publication.objects.bulk_update(stale, ["search_tokens"])
            changed += len(stale)
            last = chunk[-1].pk
        if progress is not None:
            progress(len(chunk))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO disclosure_fts(disclosure_fts) VALUES ('rebuild')")
    return changed


def drop_index(db: BaseDatabaseWrapper) -> None:
    vendor = db.vendor
    if vendor == "postgresql":
        _execute(db, "DROP INDEX IF EXISTS publication_search")
        _execute(db, "ALTER TABLE disclosure_publication DROP COLUMN IF EXISTS search_vector")
    elif vendor == "sqlite":
        for suffix in ("ai", "ad", "au"):
            _execute(db, f"DROP TRIGGER IF EXISTS disclosure_fts_{suffix}")
        _execute(db, "DROP TABLE IF EXISTS disclosure_fts")
