"""Witnessed checkpoints: a witness outside the database catches a truncated or forked log.

The witness runs as a real HTTP server on loopback (tests/ledger/witness_server.py: the view a
supervising body's installation serves at /gongshi/ledger/witness), with its own co-signing
key. It shares the test database only for convenience: the insider below removes ledger rows,
heads and all, but not what the witness co-signed.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from sanxiang.ledger.models import Checkpoint, Cosignature, LedgerEntry, LedgerNode
from sanxiang.ledger.services import ledger_append, tree_head_sign
from sanxiang.ledger.signing import load_signer
from sanxiang.ledger.verify import verify_ledger
from sanxiang.ledger.witness import (
    WitnessFailed,
    watched_log_add,
    witness_add,
    witness_public_key_pem,
    witness_push,
    witnesses_check,
)
from tests.ledger.conftest import lift_triggers
from tests.ledger.witness_server import witness_server


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def witness_url(db):
    with witness_server() as url:
        yield url


def append(count: int, action: str = "test.recorded") -> None:
    for i in range(count):
        ledger_append(actor="user:1", action=action, object_type="test.thing", object_id=i)


@pytest.fixture
def witnessed(witness_url):
    """13 events co-signed, then 3 more co-signed through a consistency proof 13 → 16."""
    watched_log_add(name="测试区执法局", public_key_pem=load_signer("ed25519").public_key_pem)
    witness = witness_add(
        name="市司法局",
        url=witness_url,
        public_key_pem=witness_public_key_pem(),
    )
    append(13)
    first = tree_head_sign().size
    assert witness_push(witness).size == first
    append(3)
    second = tree_head_sign().size  # each side also recorded what it co-signed or received
    assert witness_push(witness).size == second > first + 3
    return witness


def cosigned() -> int:
    return Checkpoint.objects.order_by("-size").values_list("size", flat=True)[0]


def remove_from(size: int) -> None:
    """What an insider does to hide the last entries: entries, their subtree hashes and every
    head that covered them, so that the log alone looks whole."""
    lift_triggers()
    doomed = [node.pk for node in LedgerNode.objects.all() if (node.index + 1) << node.level > size]
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM ledger_ledgerentry WHERE "index" >= %s', [size])
        cursor.execute("DELETE FROM ledger_treehead WHERE size > %s", [size])
        for pk in doomed:
            cursor.execute("DELETE FROM ledger_ledgernode WHERE id = %s", [pk])


def witness_problems() -> list[str]:
    report = verify_ledger()
    witnesses_check(report)
    return report.problems


def test_an_untouched_log_agrees_with_its_witness(witnessed):
    assert Checkpoint.objects.count() == 2 and Cosignature.objects.count() == 2
    out = StringIO()
    call_command("ledger", "verify", "--witness", stdout=out)
    assert "1 witnesses" in out.getvalue()


def test_verify_witness_detects_truncation(witnessed, capsys):
    remove_from(14)
    assert verify_ledger().ok  # the log alone no longer shows it
    assert witness_problems() == [
        f"witness 市司法局 co-signed a head of size {cosigned()} but the log has only 14 "
        "entries: the log was truncated"
    ]
    with pytest.raises(SystemExit):
        call_command("ledger", "verify", "--witness")
    assert "the log was truncated" in capsys.readouterr().err
    with pytest.raises(WitnessFailed, match="HTTP 409"):
        witness_push(witnessed)  # and the witness will not co-sign the smaller tree


def test_verify_witness_detects_fork(witnessed):
    remove_from(10)
    append(cosigned() - 10, action="test.rewritten")  # as many entries again, different ones
    assert tree_head_sign().size == cosigned()
    assert verify_ledger().ok
    [problem] = witness_problems()
    assert problem.startswith("witness 市司法局 co-signed root ")
    assert problem.endswith("the log was forked (rewritten)")
    with pytest.raises(WitnessFailed, match="HTTP 409"):
        witness_push(witnessed)
    assert LedgerEntry.objects.count() == cosigned()


def test_a_witness_refuses_a_log_it_does_not_watch(witness_url):
    witness = witness_add(
        name="市司法局",
        url=witness_url,
        public_key_pem=witness_public_key_pem(),
    )
    append(2)
    tree_head_sign()
    with pytest.raises(WitnessFailed, match="HTTP 403"):
        witness_push(witness)


def test_the_commands_set_up_both_ends_and_push(witness_url, tmp_path):
    append(3)
    tree_head_sign()
    log_key = tmp_path / "log.pem"
    log_key.write_text(load_signer("ed25519").public_key_pem, encoding="ascii")
    out = StringIO()
    call_command(
        "ledger", "witness", "watch", "--name", "测试区执法局", "--public-key", str(log_key),
        stdout=out,
    )  # fmt: skip
    witness_key = tmp_path / "witness.pem"
    witness_key.write_text(out.getvalue().split("key:\n", 1)[1], encoding="ascii")
    call_command(
        "ledger", "witness", "add", "--name", "市司法局", "--url", witness_url,
        "--public-key", str(witness_key), stdout=StringIO(),
    )  # fmt: skip
    size = tree_head_sign().size  # the witness's configuration is an event too
    pushed = StringIO()
    call_command("ledger", "witness", "push", stdout=pushed)
    assert pushed.getvalue().startswith(f"市司法局: co-signed size={size} ")
    assert Checkpoint.objects.get().size == size
