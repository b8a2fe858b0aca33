"""``sanxiang partitions ensure`` runs on the job queue's schedule, not only after ``migrate``
(docs/operations/partitioning.md)."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import connection

from sanxiang.core import partitions
from sanxiang.core.work import PERIODIC, run
from tests.conftest import TEST_NOW


def test_the_queues_workers_ensure_partitions_daily():
    from procrastinate.testing import InMemoryConnector

    from sanxiang.core.queue import PERIODIC_TASK, _app

    assert PERIODIC["core.partitions"] == "43 18 * * *"
    app = _app(InMemoryConnector())
    task = app.periodic_registry.periodic_tasks[(PERIODIC_TASK, "core.partitions")]
    assert task.cron == "43 18 * * *"
    assert task.configure_kwargs.get("task_kwargs") == {"name": "core.partitions"}


def test_a_bad_partitions_schedule_is_refused_by_the_checks(settings):
    assert "sanxiang.E010" not in {e.id for e in run_checks()}
    settings.SANXIANG_PARTITIONS_CRON = "monthly"
    errors = [e for e in run_checks() if e.id == "sanxiang.E010"]
    assert len(errors) == 1 and "SANXIANG_PARTITIONS_CRON" in errors[0].msg


@pytest.mark.django_db
def test_the_scheduled_work_creates_the_coming_months():
    months = [partitions.month_of(TEST_NOW)]
    for _ in range(partitions.DEFAULT_MONTHS_AHEAD):
        months.append(partitions.next_month(months[-1]))
    tables = [table for table, _ in partitions.partitioned_tables(connection)]
    if connection.vendor == "postgresql":
        assert tables  # the access records and the case openings
        with connection.cursor() as cursor:
            for table in tables:  # whatever the migrations made from the real clock
                for month in months:
                    name = partitions.partition_name(table, month)
                    cursor.execute(f'DROP TABLE IF EXISTS "{name}"')

    run("core.partitions", {})

    made = {p.name for p in partitions.describe(connection)}
    assert made >= {partitions.partition_name(t, month) for t in tables for month in months}
    if connection.vendor != "postgresql":
        assert made == set()  # nothing is partitioned on SQLite
