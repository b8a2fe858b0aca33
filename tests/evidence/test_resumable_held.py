"""The page's empty PATCH (and a retry of the work) never waits for a copy into the store."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_the_pages_nudge_is_answered_at_once_while_the_worker_copies_the_file(instance):
    # A real database shared by the worker thread and the request (each its own connection),
    # as on PostgreSQL with a worker and a web node; the store holds the copy until told.
    env = {**instance.env, "SANXIANG_BACKGROUND": "thread", "SANXIANG_QUEUE": "thread"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tests.evidence.concurrent_finish"],
            env=env, cwd=REPO, capture_output=True, text=True, check=False, timeout=180,
        )  # fmt: skip
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"the run hung: {hung.stdout!r} {hung.stderr!r}"[-4000:]) from None
    assert result.returncode == 0, result.stderr[-4000:]
    run = json.loads(result.stdout.strip().splitlines()[-1])
    # While the file is being copied: answered within a second, "still registering".
    for nudge in run["nudges"]:
        assert nudge["status"] == 204 and nudge["registering"] == "1", run
        assert nudge["seconds"] < 1, run
    assert run["poll_seconds"] < 1, run
    assert run["state_while_copying"]["registering"].startswith("文件已全部收到"), run
    assert run["items_while_copying"] == 0, run
    # After the copy: the evidence exists once, registered by the officer who uploaded.
    assert run["refusal"] == "" and run["items"] == 1, run
    assert run["events"] == [run["officer"]], run
    # The work kept its lease through the copy: the nudges did not start a second one.
    assert run["copies"] == 1, run
    assert run["after"]["status"] == 204 and run["after"]["evidence"], run
