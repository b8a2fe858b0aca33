"""``sanxiang ledger verify`` finds every kind of tampering, naming what it found."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry, LedgerLog, LedgerNode, TreeHead
from sanxiang.ledger.services import tree_head_sign
from sanxiang.ledger.verify import installation_root, verify_ledger
from tests.ledger.conftest import lift_triggers

EMPTY = merkle.EMPTY_ROOT


def sql(statement: str, params: list[str | int | bytes] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def signed_log(appended):
    leaves = appended(13)
    tree_head_sign()
    return leaves


def test_an_untouched_log_verifies(signed_log):
    report = verify_ledger()
    assert report.ok, report.problem
    assert report.logs == {"agency:7": (13, merkle.root(signed_log)), "installation": (0, EMPTY)}
    assert report.size == 13 and report.root == installation_root(report.logs)
    # the first event's automatic head, the test's, and the installation log's first (empty)
    assert report.heads_checked == 3


def test_cli_prints_ok_with_size_and_root(signed_log):
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("OK size=13 root=") and lines[0].endswith(" logs=2")
    assert f"log agency:7 size=13 root={merkle.root(signed_log).hex()}" in lines


def test_cli_exits_1_and_names_the_first_bad_entry(signed_log, capsys):
    lift_triggers()
    sql("""UPDATE ledger_ledgerentry SET action = 'test.forged' WHERE "index" = 6""")
    with pytest.raises(SystemExit) as caught:
        call_command("ledger", "verify")
    assert caught.value.code == 1
    assert "agency:7 entry 6: field 'action'" in capsys.readouterr().err


def test_a_flipped_byte_in_a_leaf_is_found(signed_log):
    lift_triggers()
    leaf = LedgerEntry.objects.get(index=4).leaf
    sql(
        'UPDATE ledger_ledgerentry SET leaf = %s WHERE "index" = 4',
        [leaf.replace("test.thing", "test.thinG")],
    )
    assert verify_ledger().problem.startswith("agency:7 entry 4:")


def test_a_consistently_rewritten_entry_is_found_by_its_hash(signed_log):
    """Row and leaf changed together still disagree with the stored tree."""
    lift_triggers()
    leaf = LedgerEntry.objects.get(index=9).leaf.replace("test.recorded", "test.rewritten")
    sql(
        """UPDATE ledger_ledgerentry SET leaf = %s, action = 'test.rewritten' WHERE "index" = 9""",
        [leaf],
    )
    assert "agency:7 entry 9: stored subtree hash" in verify_ledger().problem


def test_a_rewritten_entry_with_recomputed_nodes_is_found_by_the_signed_head(signed_log):
    """An attacker who also recomputes every stored hash cannot re-sign the tree head."""
    lift_triggers()
    leaf = LedgerEntry.objects.get(index=2).leaf.replace("test.recorded", "test.rewritten")
    sql(
        """UPDATE ledger_ledgerentry SET leaf = %s, action = 'test.rewritten' WHERE "index" = 2""",
        [leaf],
    )
    leaves = [e.leaf.encode() for e in LedgerEntry.objects.order_by("index")]
    for node in LedgerNode.objects.all():
        start, end = node.index << node.level, (node.index + 1) << node.level
        sql(
            "UPDATE ledger_ledgernode SET hash = %s WHERE id = %s",
            [merkle.root(leaves[start:end]), node.id],
        )
    assert "signed root" in verify_ledger().problem


def test_a_flipped_byte_in_a_stored_hash_is_found(signed_log):
    lift_triggers()
    node = LedgerNode.objects.get(level=1, index=3)
    broken = bytearray(bytes(node.hash))
    broken[0] ^= 1
    sql("UPDATE ledger_ledgernode SET hash = %s WHERE id = %s", [bytes(broken), node.id])
    assert "stored subtree hash (1, 3)" in verify_ledger().problem


def test_a_deleted_entry_in_the_middle_is_found(signed_log):
    lift_triggers()
    sql('DELETE FROM ledger_ledgerentry WHERE "index" = 5')
    assert verify_ledger().problem == "agency:7 entry 5 is missing: the next stored entry is 6"


def test_entries_removed_from_the_end_are_found_by_the_signed_head(signed_log):
    lift_triggers()
    sql('DELETE FROM ledger_ledgerentry WHERE "index" >= 11')
    sql("DELETE FROM ledger_ledgernode WHERE id > (SELECT MAX(id) FROM ledger_ledgernode) - 4")
    assert (
        "signed for agency:7 at size 13 but the log has only 11 entries" in verify_ledger().problem
    )


def test_a_tampered_tree_head_is_found(signed_log):
    lift_triggers()
    head = TreeHead.objects.get(size=13)
    sql("UPDATE ledger_treehead SET root = %s WHERE id = %s", ["0" * 64, head.id])
    assert "row disagrees with its signed payload" in verify_ledger().problem
    sql(
        "UPDATE ledger_treehead SET payload = %s WHERE id = %s",
        [head.payload.replace("13", "12"), head.id],
    )
    assert "signature is invalid" in verify_ledger().problem


def test_a_head_re_signed_with_a_foreign_key_is_refused(signed_log, monkeypatch, tmp_path):
    """An attacker who rewrites the log and re-signs with his own key is found: verify trusts
    only this installation's keys (and ones named in SANXIANG_LEDGER_TRUSTED_KEYS)."""
    from sanxiang.ledger.models import SigningKey
    from sanxiang.ledger.signing import load_signer

    monkeypatch.setenv("SANXIANG_VAR", str(tmp_path))  # keys generated elsewhere
    foreign = load_signer("ed25519")
    monkeypatch.undo()
    key = SigningKey.objects.create(
        key_id=foreign.key_id, algorithm="ed25519", public_key_pem=foreign.public_key_pem
    )
    head = TreeHead.objects.order_by("-id").first()
    assert head is not None
    payload = head.payload.replace(head.key.key_id, foreign.key_id)
    TreeHead.objects.create(
        log=head.log, size=head.size, root=head.root, signed_at=head.signed_at, key=key,
        payload=payload,
        signature=foreign.sign(payload.encode()),
    )  # fmt: skip
    assert "which is neither this installation's key" in verify_ledger().problem
    monkeypatch.setenv("SANXIANG_LEDGER_TRUSTED_KEYS", foreign.key_id)
    assert verify_ledger().ok


def test_a_stored_key_whose_id_does_not_match_is_refused(signed_log):
    lift_triggers()
    sql(
        "UPDATE ledger_signingkey SET public_key_pem = %s",
        ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"],
    )
    assert "its key's id does not match the key" in verify_ledger().problem


def test_leaves_ledger_append_writes_are_checked_without_parsing_them(db, monkeypatch):
    """The fast check (the leaf equals the text rebuilt from its row) covers what
    ``ledger_append`` writes — with and without agency, content and state — so the
    field-by-field check runs only for a leaf that differs."""
    from sanxiang.ledger import verify
    from sanxiang.ledger.services import ledger_append

    ledger_append(actor="system", action="test.a", object_type="test.thing", object_id="甲")
    ledger_append(
        actor="user:3",
        action="test.b",
        object_type="test.thing",
        object_id='x"\\y',
        agency_id=7,
        content_sha256="a" * 64,
    )
    parsed: list[int] = []
    slow = verify._check_leaf

    def counted(row: verify.EntryRow, log: LedgerLog) -> bytes:
        parsed.append(1)
        return slow(row, log)

    monkeypatch.setattr(verify, "_check_leaf", counted)
    assert verify_ledger().ok
    assert parsed == []
    lift_triggers()
    sql("""UPDATE ledger_ledgerentry SET actor = 'user:4' WHERE actor = 'user:3'""")
    report = verify_ledger()
    assert parsed == [1]
    assert "agency:7 entry 0: field 'actor' is 'user:3' in the leaf but 'user:4'" in report.problem


def test_a_leaf_with_a_state_digest_takes_the_fast_check(db, monkeypatch):
    from sanxiang.ledger import verify
    from sanxiang.ledger.services import ledger_append

    ledger_append(actor="system", action="test.a", object_type="test.thing", object_id="1")
    lift_triggers()
    entry = LedgerEntry.objects.get()
    leaf = entry.leaf.replace('"time"', f'"state_sha256":"{"b" * 64}","time"')
    sql(
        "UPDATE ledger_ledgerentry SET leaf = %s, state_sha256 = %s WHERE sequence = %s",
        [leaf, "b" * 64, entry.sequence],
    )
    row = LedgerEntry.objects.filter(pk=entry.pk).values_list(*verify.COLUMNS).get()
    row = (*row[:2], row[2].replace(tzinfo=None), *row[3:])  # naive UTC, as SQLite returns it
    assert verify._expected_leaf(row, '"installation"', "null") == leaf
