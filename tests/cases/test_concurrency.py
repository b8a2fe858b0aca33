"""Two 负责人 approving the same step at once: exactly one transition, one number."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_two_heads_approving_the_same_registration_make_exactly_one_transition(instance):
    result = subprocess.run(
        [sys.executable, "-m", "tests.cases.concurrent_register"],
        env=instance.env, cwd=REPO, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["state"] == "investigating"
    assert run["outcomes"][0] == "ok"
    assert run["outcomes"][1].startswith("refused: 案件当前处于“调查取证”")
    assert run["number"].startswith("示城执罚〔")
    verify = instance.sanxiang("ledger", "verify")
    assert verify.stdout.startswith("OK size=")
