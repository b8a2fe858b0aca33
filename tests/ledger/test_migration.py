"""The migration that splits the one global log into one log per agency."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_splitting_the_global_log_gives_each_agency_the_root_of_its_own_leaves(tmp_path):
    """A global log of three agencies and installation-wide events, written under the old
    layout, is migrated by Django's migration executor; each log's root, from the subtree
    hashes the migration stored, equals the root computed independently from that agency's
    leaves in their original order, and the legacy signed head still verifies."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SANXIANG_VAR"] = str(tmp_path)  # a fresh SQLite database
    result = subprocess.run(
        [sys.executable, "-m", "tests.ledger.migrate_split"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(run["logs"]) == {"agency:3", "agency:5", "agency:9", "installation"}
    for key, log in run["logs"].items():
        assert log["size"] == log["expected_size"] > 0, key
        assert log["stored_root"] == log["independent_root"], key
        assert log["leaves_in_order"], key
        assert log["nodes"] == 2 * log["size"] - bin(log["size"]).count("1"), key
    assert run["verify_ok"], run["problems"]
    assert run["legacy_heads"] == 1 and run["heads_checked"] == 1
    assert run["appended"]["log"] == "agency:3"
    assert run["appended"]["index"] == run["logs"]["agency:3"]["size"]
    assert run["appended"]["sequence"] == 23  # after the global log's last sequence
    assert run["verify_after_append_ok"], run["problems_after_append"]
