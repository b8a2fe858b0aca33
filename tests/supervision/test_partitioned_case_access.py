"""Case page openings in monthly partitions on PostgreSQL: the 监督 reads and the agency's
access record see every look, wherever it is stored (docs/operations/partitioning.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import CaseAccess
from sanxiang.core import partitions
from sanxiang.supervision.scorers_publicity import _reads
from tests.conftest import TEST_NOW, without_partitions

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"
)

TABLE = "cases_caseaccess"


def where(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def open_as_supervisor(client, case, reason: str) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="jiandu"))
    assert (
        client.get(reverse("cases:detail", args=[case.pk]), {"reason": reason}).status_code == 200
    )


def test_supervisor_looks_in_partitions_and_default_are_all_read(
    client, staff, oversight, general_case
):
    later = TEST_NOW + timedelta(days=45)
    without_partitions(TABLE, partitions.month_of(later))  # no partition yet
    partitions.ensure(connection, months_ahead=0)  # this month only
    open_as_supervisor(client, general_case, "file_review")
    with time_machine.travel(later, tick=True):
        open_as_supervisor(client, general_case, "complaint")
    first, second = CaseAccess.objects.filter(case=general_case).order_by("accessed_at")
    assert where(first.pk) == partitions.partition_name(TABLE, partitions.month_of(TEST_NOW))
    assert where(second.pk) == partitions.default_name(TABLE)

    # The scorers read by year; from 20 December, 45 days on is the next year.
    years = sorted({timezone.localtime(look.accessed_at).year for look in (first, second)})
    reasons = [
        r for y in years for r in _reads(general_case.agency_id, y).values_list("reason", flat=True)
    ]
    assert sorted(reasons) == ["complaint", "file_review"]
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:access", args=[general_case.pk])).content.decode()
    assert page.count("马监督") >= 2 and "案卷评查" in page


def test_migrating_back_and_forward_keeps_the_looks(client, oversight, general_case):
    open_as_supervisor(client, general_case, "file_review")
    with time_machine.travel(TEST_NOW + timedelta(days=45), tick=True):
        open_as_supervisor(client, general_case, "complaint")
    before = list(CaseAccess.objects.order_by("pk").values_list())
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
    MigrationExecutor(connection).migrate([("cases", "0033_handlers_by_officer_index")])
    assert TABLE not in dict(partitions.partitioned_tables(connection))
    assert list(CaseAccess.objects.order_by("pk").values_list()) == before
    MigrationExecutor(connection).migrate([("cases", "0034_partition_case_access")])
    assert TABLE in dict(partitions.partitioned_tables(connection))
    assert list(CaseAccess.objects.order_by("pk").values_list()) == before
    for look in CaseAccess.objects.all():
        assert where(look.pk) == partitions.partition_name(
            TABLE, partitions.month_of(look.accessed_at)
        )
