"""Access records in monthly partitions on PostgreSQL (docs/operations/partitioning.md)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sanxiang.core import partitions
from sanxiang.evidence import selectors
from sanxiang.evidence.models import AccessRecord
from sanxiang.evidence.services import evidence_open, evidence_register
from sanxiang.ledger.verify import verify_ledger
from tests.conftest import TEST_NOW, without_partitions
from tests.evidence.conftest import metadata, upload

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"
)

TABLE = "evidence_accessrecord"
BEFORE = ("evidence", "0002_append_only_triggers")
AFTER = ("evidence", "0003_partition_access_records")


@pytest.fixture
def item(people):
    return evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))


def rows() -> list[tuple[Any, ...]]:
    return list(
        AccessRecord.objects.order_by("pk").values_list(
            "pk", "item_id", "officer_id", "actor", "action", "reason", "accessed_at",
            "ledger_sequence",
        )
    )  # fmt: skip


def where(record: AccessRecord) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [record.pk])
        return str(cursor.fetchone()[0])


def is_partitioned() -> bool:
    return any(table == TABLE for table, _ in partitions.partitioned_tables(connection))


def migrate(target: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
    MigrationExecutor(connection).migrate([target])


def looks_over_months(people, item) -> list[AccessRecord]:
    """Looks this month, next month and a year on (forward only, as the ledger's clock goes)."""
    records = [evidence_open(actor=people.li, item_id=item.pk, action="view")[1]]
    for days, reader, reason in ((40, people.head, "审批前查阅"), (400, people.li, "")):
        with time_machine.travel(TEST_NOW + timedelta(days=days), tick=True):
            records.append(
                evidence_open(actor=reader, item_id=item.pk, action="download", reason=reason)[1]
            )
    return records


@pytest.mark.django_db
def test_migrating_forward_keeps_every_row_in_its_month(people, item):
    migrate(BEFORE)
    assert not is_partitioned()
    records = looks_over_months(people, item)
    before = rows()
    assert len(before) == 3

    migrate(AFTER)

    assert is_partitioned()
    assert rows() == before
    for record in records:
        month = partitions.month_of(record.accessed_at)
        assert where(record) == partitions.partition_name(TABLE, month)
    # Django still treats id as the key, and the next id follows the copied ones.
    _, latest = evidence_open(actor=people.li, item_id=item.pk, action="export")
    assert latest.pk > max(row[0] for row in before)
    assert AccessRecord.objects.get(pk=latest.pk).action == "export"
    assert verify_ledger().ok


@pytest.mark.django_db
def test_migrating_back_keeps_every_row(people, item):
    looks_over_months(people, item)
    before = rows()
    migrate(BEFORE)
    assert not is_partitioned()
    assert rows() == before
    migrate(AFTER)
    assert rows() == before


@pytest.mark.django_db
def test_a_look_lands_in_its_months_partition(people, item):
    partitions.ensure(connection)
    _, record = evidence_open(actor=people.li, item_id=item.pk, action="view")
    assert where(record) == partitions.partition_name(TABLE, partitions.month_of(TEST_NOW))


@pytest.mark.django_db
def test_a_look_in_a_month_without_partition_lands_in_default_and_is_reported(people, item):
    later = TEST_NOW.replace(year=TEST_NOW.year + 5)
    month = partitions.month_of(later)
    without_partitions(TABLE, month, partitions.next_month(month))
    with time_machine.travel(later, tick=True):
        _, record = evidence_open(actor=people.li, item_id=item.pk, action="view")
        assert where(record) == partitions.default_name(TABLE)
        assert partitions.month_of(timezone.now()) == month
        (result,) = [r for r in partitions.ensure(connection, months_ahead=1) if r.table == TABLE]
        assert result.blocked == [(month, 1)]
        assert result.created == [partitions.partition_name(TABLE, partitions.next_month(month))]
        with pytest.raises(CommandError):
            call_command("partitions", "ensure", "--months", "1")
    listed = {p.name: p.rows for p in partitions.describe(connection)}
    assert listed[partitions.default_name(TABLE)] == 1
    out = StringIO()
    call_command("partitions", "list", stdout=out)
    default_line = next(x for x in out.getvalue().splitlines() if "_default" in x and TABLE in x)
    assert "DEFAULT\t1" in default_line and "run ensure" in default_line
    # The row is where it was, and the look is still in the record's history.
    assert where(record) == partitions.default_name(TABLE)
    history = selectors.access_history_of_record(officer=people.zhang, item=item)
    assert [a.pk for a in history] == [record.pk]


@pytest.mark.django_db
def test_access_histories_read_across_partitions_newest_first(people, item):
    partitions.ensure(connection)
    records = looks_over_months(people, item)  # in partitions or DEFAULT, as the months have
    newest_first = [r.pk for r in reversed(records)]
    by_record = selectors.access_history_of_record(officer=people.zhang, item=item)
    by_case = selectors.access_history_of_case(officer=people.zhang, case_number=item.case_number)
    assert [a.pk for a in by_record] == newest_first
    assert [(a.pk, a.reason) for a in by_case] == [
        (records[2].pk, ""),
        (records[1].pk, "审批前查阅"),
        (records[0].pk, ""),
    ]
    assert verify_ledger().ok


@pytest.mark.django_db
def test_append_only_holds_in_every_partition(people, item):
    partitions.ensure(connection)
    _, record = evidence_open(actor=people.li, item_id=item.pk, action="view")
    partition = where(record)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending FK checks
    for statement in (
        f"UPDATE {partition} SET reason = 'x'",
        f"DELETE FROM {partition}",
        f"TRUNCATE {partition}",
        f"TRUNCATE {TABLE}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
