"""Monthly range partitions of large append-only tables, on PostgreSQL only.

A partitioned table is converted in place by a migration (``partition_by_month``), keeping its
rows, columns, identity sequence, indexes, foreign keys and append-only triggers; Django's model
state does not change, and on SQLite nothing happens. The table's primary key becomes
(id, <time column>) in the database: PostgreSQL requires the partition key in every unique
constraint. Django still treats ``id`` as the primary key, and ids still come from the one
identity sequence, so they stay unique.

Each month (in ``settings.TIME_ZONE``) has its partition ``<table>_pYYYYMM``; a DEFAULT partition
``<table>_default`` takes any row no monthly partition covers, so an insert never fails.
``ensure`` makes the coming months' partitions ahead of time and moves no row; ``describe``
lists the partitions and their row counts. Which tables are partitioned is read from the
database's catalog, not from a list kept here. See docs/operations/partitioning.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_MONTHS_AHEAD = 3


class PartitioningRefused(RuntimeError):
    """The table cannot be converted safely; nothing was changed."""


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    #: The first day of the month it holds; None for the DEFAULT partition.
    month: date | None
    rows: int
    #: True when ``rows`` is PostgreSQL's planner estimate rather than a count.
    estimated: bool


@dataclass(frozen=True)
class EnsureResult:
    table: str
    created: list[str]
    #: Months not created because rows of them are in the DEFAULT partition: (month, rows).
    blocked: list[tuple[date, int]]


# --- months ---------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_of(moment: datetime) -> date:
    local = timezone.localtime(moment, _zone())
    return date(local.year, local.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The half-open range [first instant, first instant of the next month) in local time."""
    zone = _zone()
    following = next_month(month)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month.year:04d}{month.month:02d}"


def default_name(table: str) -> str:
    return f"{table}_default"


# --- catalog --------------------------------------------------------------------------------


def _one_column(cursor: Any, sql: str, params: list[Any]) -> list[Any]:
    cursor.execute(sql, params)
    return [row[0] for row in cursor.fetchall()]


def _is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.oid = to_regclass(%s)",
        [table],
    )
    return cursor.fetchone() is not None


def partitioned_tables(connection: Any) -> list[tuple[str, str]]:
    """(table, time column) of every table partitioned by range on one column."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
            "WHERE p.partstrat = 'r' AND p.partnatts = 1 "
            "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY c.relname"
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


@dataclass(frozen=True)
class _Shape:
    """What must be recreated on the rebuilt table: named as on the table before."""

    pk_name: str
    pk_columns: list[str]
    indexes: list[str]  # CREATE INDEX statements
    index_names: list[str]
    foreign_keys: list[tuple[str, str]]  # (name, definition)
    triggers: list[str]  # CREATE TRIGGER statements
    trigger_names: list[str]
    columns: list[str]
    owner: str
    grants: list[tuple[str, str]]  # (grantee, privilege), other than the owner's own


def _shape(cursor: Any, table: str) -> _Shape:
    cursor.execute(
        "SELECT con.conname, array_agg(a.attname ORDER BY k.ord) FROM pg_constraint con "
        "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
        "WHERE con.conrelid = to_regclass(%s) AND con.contype = 'p' GROUP BY con.conname",
        [table],
    )
    row = cursor.fetchone()
    if row is None:
        raise PartitioningRefused(f"{table} has no primary key")
    pk_name, pk_columns = row[0], list(row[1])
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = to_regclass(%s) AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY i.relname",
        [table],
    )
    index_rows = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname",
        [table],
    )
    foreign_keys = [(r[0], r[1]) for r in cursor.fetchall()]
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal AND tgparentid = 0 "
        "ORDER BY tgname",
        [table],
    )
    trigger_rows = cursor.fetchall()
    columns = _one_column(
        cursor,
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    cursor.execute(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)", [table]
    )
    owner = cursor.fetchone()[0]
    cursor.execute(
        "SELECT grantee, privilege_type FROM information_schema.role_table_grants "
        "WHERE table_schema = current_schema() AND table_name = %s AND grantee <> %s "
        "ORDER BY 1, 2",
        [table, owner],
    )
    grants = [(r[0], r[1]) for r in cursor.fetchall()]
    return _Shape(
        owner=owner,
        grants=grants,
        pk_name=pk_name,
        pk_columns=pk_columns,
        indexes=[r[1] for r in index_rows],
        index_names=[r[0] for r in index_rows],
        foreign_keys=foreign_keys,
        triggers=[r[1] for r in trigger_rows],
        trigger_names=[r[0] for r in trigger_rows],
        columns=columns,
    )


def _refuse_unsafe(cursor: Any, table: str, column: str) -> None:
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'u'",
        [table],
    )
    if cursor.fetchall():
        raise PartitioningRefused(
            f"{table} has unique constraints; they would have to include {column}"
        )
    cursor.execute(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND contype = 'f'",
        [table],
    )
    referencing = cursor.fetchall()
    if referencing:
        names = ", ".join(f"{r[1]}.{r[0]}" for r in referencing)
        raise PartitioningRefused(f"foreign keys point at {table} ({names})")


# --- building -------------------------------------------------------------------------------


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sequence(cursor: Any, table: str, column: str) -> str | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    row = cursor.fetchone()
    return row[0] if row else None


def _truncate_guard(cursor: Any, table: str, partition: str) -> None:
    """Give a new partition the parent's TRUNCATE refusal: PostgreSQL clones row triggers to
    partitions, but a TRUNCATE of the partition itself would not fire the parent's."""
    cursor.execute(
        "SELECT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal "
        "AND (t.tgtype & 32) <> 0 AND (t.tgtype & 1) = 0",  # TRUNCATE, statement level
        [table],
    )
    for (function,) in cursor.fetchall():
        cursor.execute(
            f"CREATE TRIGGER {_q(partition + '_no_truncate')} BEFORE TRUNCATE ON {_q(partition)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_q(function)}()"
        )


def _create_partition(cursor: Any, table: str, month: date) -> str:
    name = partition_name(table, month)
    low, high = month_bounds(month)
    # DDL takes no bound parameters (with prepared statements on, Django binds them on the
    # server): the bounds, instants this module computed, are written as literals.
    cursor.execute(
        f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} "
        f"FOR VALUES FROM ('{low.isoformat()}') TO ('{high.isoformat()}')"
    )
    _truncate_guard(cursor, table, name)
    return name


def _rebuild(
    schema_editor: Any, table: str, column: str | None, months_ahead: int, now: datetime
) -> None:
    """Copy ``table`` into a new table of the same name, partitioned by month on ``column``
    (or, with ``column`` None, unpartitioned), and drop the old one; within the migration's
    transaction, so that a failure leaves the table as it was."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        shape = _shape(cursor, table)
        if column is not None:
            _refuse_unsafe(cursor, table, column)
            pk_columns = [c for c in shape.pk_columns if c != column] + [column]
            old = f"{table}_unpartitioned"
        else:
            cursor.execute(
                "SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
                "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
                "WHERE p.partrelid = to_regclass(%s)",
                [table],
            )
            key = cursor.fetchone()[0]
            pk_columns = [c for c in shape.pk_columns if c != key]
            old = f"{table}_partitioned"
        identity = [c for c in pk_columns if _sequence(cursor, table, c)]
        old_sequence = _sequence(cursor, table, identity[0]) if identity else None
        if old_sequence:
            cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")  # noqa: S608 - names from the catalog, quoted
            last_value, is_called = cursor.fetchone()

        # Free every name the new table will take.
        for trigger in shape.trigger_names:
            cursor.execute(f"DROP TRIGGER {_q(trigger)} ON {_q(table)}")
        for name, _definition in shape.foreign_keys:
            cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
        for name in shape.index_names:
            cursor.execute(f"DROP INDEX {_q(name)}")
        cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
        cursor.execute(
            f"ALTER TABLE {_q(old)} RENAME CONSTRAINT {_q(shape.pk_name)} TO {_q(old + '_pkey')}"
        )

        pk = ", ".join(_q(c) for c in pk_columns)
        partition_clause = f" PARTITION BY RANGE ({_q(column)})" if column else ""
        cursor.execute(
            f"CREATE TABLE {_q(table)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS, "
            f"CONSTRAINT {_q(shape.pk_name)} PRIMARY KEY ({pk})){partition_clause}"
        )
        if column:
            cursor.execute(
                f"CREATE TABLE {_q(default_name(table))} PARTITION OF {_q(table)} DEFAULT"
            )
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', {_q(column)} AT TIME ZONE %s)::date "  # noqa: S608 - names from the catalog, quoted
                f"FROM {_q(old)}",
                [settings.TIME_ZONE],
            )
            months = {row[0] for row in cursor.fetchall()}
            month = month_of(now)
            for _ in range(months_ahead + 1):
                months.add(month)
                month = next_month(month)
            for month in sorted(months):
                _create_partition(cursor, table, month)

        columns = ", ".join(_q(c) for c in shape.columns)
        cursor.execute(
            f"INSERT INTO {_q(table)} ({columns}) SELECT {columns} FROM {_q(old)}"  # noqa: S608 - names from the catalog, quoted
        )
        copied = cursor.rowcount
        cursor.execute(f"SELECT count(*) FROM {_q(old)}")  # noqa: S608 - names from the catalog, quoted
        if cursor.fetchone()[0] != copied:
            raise PartitioningRefused(f"{table}: row count changed while copying; nothing kept")
        if old_sequence:
            new_sequence = _sequence(cursor, table, identity[0])
            cursor.execute("SELECT setval(%s, %s, %s)", [new_sequence, last_value, is_called])

        for statement in shape.indexes:
            # A partitioned table's index reads "ON ONLY <table>"; a plain one's applies as is.
            cursor.execute(statement.replace(" ON ONLY ", " ON ", 1))
        for name, definition in shape.foreign_keys:
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        for statement in shape.triggers:
            cursor.execute(statement)
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] != shape.owner:
            cursor.execute(f"ALTER TABLE {_q(table)} OWNER TO {_q(shape.owner)}")
        for grantee, privilege in shape.grants:
            to = "PUBLIC" if grantee == "PUBLIC" else _q(grantee)
            cursor.execute(f"GRANT {privilege} ON {_q(table)} TO {to}")
        if column:
            for partition in _attached(cursor, table):
                _truncate_guard(cursor, table, partition)

        # DROP is DDL: the append-only triggers (already dropped above) never saw it.
        cursor.execute(f"DROP TABLE {_q(old)}")  # with its partitions, if it had any
        if old_sequence:
            # The copy's sequence got a new name while the old one existed; give it the old one.
            new_sequence = _sequence(cursor, table, identity[0])
            bare = old_sequence.split(".")[-1].strip('"')
            cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {_q(bare)}")


def _attached(cursor: Any, table: str) -> list[str]:
    return _one_column(
        cursor,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [table],
    )


def partition_by_month(
    schema_editor: Any, table: str, column: str, months_ahead: int = DEFAULT_MONTHS_AHEAD
) -> None:
    """Convert ``table`` to monthly partitions on ``column`` (a migration's forward step).
    Does nothing on other databases or when the table is partitioned already."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if _is_partitioned(cursor, table):
            return
    _rebuild(schema_editor, table, column, months_ahead, timezone.now())


def unpartition(schema_editor: Any, table: str) -> None:
    """Convert ``table`` back to one plain table with every attached partition's rows (a
    migration's reverse step). Partitions detached for archiving are left alone."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _is_partitioned(cursor, table):
            return
    _rebuild(schema_editor, table, None, 0, timezone.now())


# --- upkeep ---------------------------------------------------------------------------------


def _default_rows_in(cursor: Any, table: str, column: str, month: date) -> int:
    low, high = month_bounds(month)
    cursor.execute(
        f"SELECT count(*) FROM {_q(default_name(table))} "  # noqa: S608 - names from the catalog, quoted
        f"WHERE {_q(column)} >= %s AND {_q(column)} < %s",
        [low, high],
    )
    return int(cursor.fetchone()[0])


def ensure(
    connection: Any, months_ahead: int = DEFAULT_MONTHS_AHEAD, now: datetime | None = None
) -> list[EnsureResult]:
    """Create the partitions of this month and the next ``months_ahead`` months that are
    missing. Moves no row: a month some of whose rows are in DEFAULT is left to the operator
    (reported as blocked), since creating it would have to move them."""
    moment = now or timezone.now()
    results = []
    for table, column in partitioned_tables(connection):
        created: list[str] = []
        blocked: list[tuple[date, int]] = []
        with connection.cursor() as cursor:
            existing = set(_attached(cursor, table))
            month = month_of(moment)
            for _ in range(months_ahead + 1):
                if partition_name(table, month) not in existing:
                    waiting = _default_rows_in(cursor, table, column, month)
                    if waiting:
                        blocked.append((month, waiting))
                    else:
                        created.append(_create_partition(cursor, table, month))
                month = next_month(month)
        results.append(EnsureResult(table=table, created=created, blocked=blocked))
    return results


def ensure_and_log(using: str = DEFAULT_DB_ALIAS) -> list[EnsureResult]:
    """``ensure`` with the default months ahead in its own transaction, each created partition
    and each blocked month logged; nothing on databases other than PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(using=using):
        results = ensure(connection)
    for result in results:
        for name in result.created:
            logger.info("created partition %s", name)
        for month, rows in result.blocked:
            logger.warning(
                "%s: %s rows of %s wait in the DEFAULT partition; month not created",
                result.table,
                rows,
                f"{month:%Y-%m}",
            )
    return results


def ensure_periodic() -> None:
    """What the job queue's workers run on ``SANXIANG_PARTITIONS_CRON``: a failure is raised,
    so that the queue records it and tries again."""
    ensure_and_log()


def describe(connection: Any, exact: bool = False) -> list[Partition]:
    """Every partition of every partitioned table, oldest month first, DEFAULT last. Row
    counts are the planner's estimates unless ``exact``; DEFAULT's are always counted."""
    found = []
    for table, _column in partitioned_tables(connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, c.reltuples, pg_get_expr(c.relpartbound, c.oid) "
                "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
                [table],
            )
            rows = cursor.fetchall()
            for name, estimate, bound in rows:
                is_default = bound == "DEFAULT"
                if exact or is_default or estimate < 0:
                    cursor.execute(f"SELECT count(*) FROM {_q(name)}")  # noqa: S608 - names from the catalog, quoted
                    count, estimated = int(cursor.fetchone()[0]), False
                else:
                    count, estimated = int(estimate), True
                month = None
                if not is_default and name.startswith(f"{table}_p") and name[-6:].isdigit():
                    month = date(int(name[-6:-2]), int(name[-2:]), 1)
                found.append(Partition(table, name, month, count, estimated))
    return sorted(found, key=lambda p: (p.table, p.month is None, p.month or date.min, p.name))
