"""Concurrent appends serialise: no gaps, no duplicate sequence numbers, a consistent tree."""

from __future__ import annotations

import json
import subprocess
import sys

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
