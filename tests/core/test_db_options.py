"""Prepared statements on PostgreSQL (SANXIANG_DB_PREPARED_STATEMENTS): on unless turned off or
behind PgBouncer in transaction pooling mode, with the threshold asked for (a bad one refused at
start), on the replica too; and on a live server a query run again on a connection is planned
once, not at every request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

SHOW = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({a: s.DATABASES[a].get('OPTIONS', {}) for a in s.DATABASES}))"
)
URL = "postgres://app:secret@db.example:5432/sanxiang?sslmode=verify-full"


def _options(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SANXIANG_DB_", "DATABASE_", "SANXIANG_REPLICA"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + SHOW],
        env={**base, "DJANGO_SETTINGS_MODULE": "sanxiang.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _ok(**env: str) -> dict[str, dict[str, object]]:
    run = _options(**env)
    assert run.returncode == 0, run.stderr
    options: dict[str, dict[str, object]] = json.loads(run.stdout.strip().splitlines()[-1])
    return options


def test_postgresql_prepares_its_statements_unless_told_not_to():
    prepared = {"sslmode": "verify-full", "server_side_binding": True, "prepare_threshold": 5}
    assert _ok(DATABASE_URL=URL)["default"] == prepared
    assert _ok(DATABASE_URL=URL, SANXIANG_DB_PREPARED_STATEMENTS="1")["default"] == prepared
    for off in ("0", "no", "false"):
        options = _ok(DATABASE_URL=URL, SANXIANG_DB_PREPARED_STATEMENTS=off)["default"]
        assert options == {"sslmode": "verify-full"}


def test_behind_pgbouncer_in_transaction_pooling_they_are_off_unless_asked_for():
    # Read as the other switches are: "true" counts as on, not as "not pooled".
    for pooling in ("1", "true"):
        pooled = _ok(DATABASE_URL=URL, SANXIANG_DB_TRANSACTION_POOLING=pooling)["default"]
        assert "server_side_binding" not in pooled and "prepare_threshold" not in pooled
    # PgBouncer 1.21+ with max_prepared_statements, and another threshold.
    asked = _ok(
        DATABASE_URL=URL,
        SANXIANG_DB_TRANSACTION_POOLING="1",
        SANXIANG_DB_PREPARED_STATEMENTS="1",
        SANXIANG_DB_PREPARE_THRESHOLD="2",
    )["default"]
    assert asked["server_side_binding"] is True and asked["prepare_threshold"] == 2


def test_a_bad_threshold_stops_the_start():
    for bad in ("0", "five"):
        run = _options(
            DATABASE_URL=URL, SANXIANG_DB_PREPARED_STATEMENTS="1", SANXIANG_DB_PREPARE_THRESHOLD=bad
        )
        assert run.returncode != 0
        assert f"SANXIANG_DB_PREPARE_THRESHOLD={bad!r}: a whole number" in run.stderr


def test_sqlite_gets_none_of_it():
    options = _ok(DATABASE_URL="", SANXIANG_DB_PREPARED_STATEMENTS="1")["default"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_the_replica_keeps_its_urls_tls_options_and_prepares_too():
    replica = "postgres://app:secret@replica.example/sanxiang?sslmode=require"
    assert _ok(DATABASE_URL=URL, DATABASE_REPLICA_URL=replica, SANXIANG_DB_PREPARED_STATEMENTS="0")[
        "replica"
    ] == {"sslmode": "require", "connect_timeout": 2}
    options = _ok(DATABASE_URL=URL, DATABASE_REPLICA_URL=replica)["replica"]
    assert options == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
        "connect_timeout": 2,
    }


def _prepared_connection(threshold: int) -> BaseDatabaseWrapper:
    """A connection of its own, with the options prepared statements give (the default)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connection.settings_dict,
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "server_side_binding": True,
            "prepare_threshold": threshold,
        },
    }
    return DatabaseWrapper(settings_dict, alias="prepared-probe")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_a_query_run_again_on_a_connection_is_planned_once_by_the_server():
    threshold = 3
    prepared = _prepared_connection(threshold)
    probe = "SELECT count(*) /* prepared-statement probe */ FROM org_agency WHERE name = %s"

    def run_and_list(times: int) -> list[str]:
        with prepared.cursor() as cursor:
            for _ in range(times):
                cursor.execute(probe, ["没有这个执法主体"])
                assert cursor.fetchone() == (0,)
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
            return [row[0] for row in cursor.fetchall()]

    try:
        assert not any("prepared-statement probe" in s for s in run_and_list(threshold - 1))
        statements = [s for s in run_and_list(2) if "prepared-statement probe" in s]
    finally:
        prepared.close()
    # Prepared with its value as a parameter: one plan serves every name asked for.
    assert len(statements) == 1 and "$1" in statements[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_a_query_with_more_values_than_postgresql_binds_still_answers():
    # PostgreSQL binds at most 65,535 values to one query; an id list of a year's cases can be
    # longer. Such a query is sent with its values in its text, as with the setting off.
    values = list(range(1, 70_002))
    many = "SELECT count(*), sum(v) FROM (VALUES " + ", ".join(["(%s)"] * len(values)) + ") t(v)"
    prepared = _prepared_connection(3)
    try:
        with prepared.cursor() as cursor:
            cursor.execute(many, values)
            assert cursor.fetchone() == (len(values), sum(values))
        # The same through a named cursor, as QuerySet.iterator() reads.
        with prepared.chunked_cursor() as cursor:
            cursor.execute(many, values)
            assert cursor.fetchone() == (len(values), sum(values))
    finally:
        prepared.close()
