"""One Idempotency-Key sent by several clients at the same moment: one permit, one answer."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_one_key_sent_by_six_clients_at_once_writes_one_permit_and_answers_alike(instance):
    result = subprocess.run(
        [sys.executable, "-m", "tests.api.concurrent_idempotency"],
        env=instance.env, cwd=REPO, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run == {"statuses": [201] * 6, "bodies": 1, "permits": 1, "keys": 1}
    verify = instance.sanxiang("ledger", "verify")
    assert verify.stdout.startswith("OK size=")
