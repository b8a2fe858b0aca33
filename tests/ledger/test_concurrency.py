"""Concurrent appends serialise: no gaps, no duplicate sequence numbers, a consistent tree."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO


def test_many_threads_appending_at_once_produce_one_consistent_tree(instance):
    threads, per_thread = 8, 25
    result = subprocess.run(
        [sys.executable, "-m", "tests.ledger.concurrent_appends", str(threads), str(per_thread)],
        env=instance.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["failures"] == []
    assert run["after"] - run["before"] == threads * per_thread
    assert sorted(run["written"]) == list(range(run["before"], run["after"]))
    verify = instance.sanxiang("ledger", "verify")
    assert verify.stdout.startswith(f"OK size={run['total']} root=")
    assert f"log installation size={run['after']} root=" in verify.stdout


def test_two_agencies_append_without_waiting_on_each_other(instance):
    """One transaction holds agency 901's log open: an append to agency 902 goes through at
    once, while a second append to agency 901 waits for it (and gives up after its lock
    timeout). PostgreSQL only: SQLite has one writer for the whole database."""
    if "DATABASE_URL" not in instance.env:
        pytest.skip("row locks per log matter on PostgreSQL; SQLite has a single writer")
    result = subprocess.run(
        [sys.executable, "-m", "tests.ledger.concurrent_agencies"],
        env=instance.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["other_agency"] == "appended"
    assert str(run["same_agency"]).startswith("waited: OperationalError"), run
