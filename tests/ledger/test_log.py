"""The database-backed log: append, proofs, append-only enforcement, signed tree heads."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from sanxiang.ledger import merkle, selectors
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry, LedgerLog, LedgerNode, SigningKey, TreeHead
from sanxiang.ledger.services import ledger_append, tree_head_sign
from sanxiang.ledger.signing import SM2, verify_signature


def test_each_event_is_a_canonical_leaf_at_the_next_position_of_its_agency_log(appended):
    leaves = appended(3)
    body = json.loads(leaves[2])
    entry = LedgerEntry.objects.get(index=2)
    assert body["log"] == "agency:7" and body["index"] == entry.index == 2
    assert body["sequence"] == entry.sequence
    assert body["actor"] == "user:1" and body["agency"] == 7
    assert body["object_type"] == "test.thing" and body["object_id"] == "2"
    assert body["content_sha256"] == f"{2:064x}"
    assert body["time"].endswith("Z")
    assert canonical_json(body) == leaves[2]


def test_root_and_proofs_from_stored_subtrees_equal_the_pure_maths(appended):
    leaves = appended(13)
    log = selectors.log_for(agency_id=7)
    for size in range(1, 14):
        assert selectors.root_at(size, log=log) == merkle.root(leaves[:size])
        for index in range(size):
            proof = selectors.inclusion_proof(index=index, size=size, log=log)
            assert proof == merkle.inclusion_proof(leaves[:size], index)
        for first in range(1, size + 1):
            proof = selectors.consistency_proof(first=first, second=size, log=log)
            assert proof == merkle.consistency_proof(leaves[:size], first)


def test_appends_store_one_hash_per_complete_subtree(appended):
    """O(log n) state: 2n - popcount(n) stored hashes, never a rehash of the world."""
    appended(13)
    assert LedgerNode.objects.count() == 2 * 13 - bin(13).count("1")


def test_proof_requests_outside_the_log_are_refused_in_chinese(appended):
    appended(4)
    log = selectors.log_for(agency_id=7)
    with pytest.raises(selectors.ProofRequestError, match="超出范围"):
        selectors.inclusion_proof(index=0, size=5, log=log)
    with pytest.raises(selectors.ProofRequestError, match="不在大小为 4 的树中"):
        selectors.inclusion_proof(index=4, size=4, log=log)
    with pytest.raises(selectors.ProofRequestError, match="一致性"):
        selectors.consistency_proof(first=0, second=4, log=log)


def test_an_event_rolls_back_with_the_change_it_records(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_append(actor="system", action="a", object_type="t", object_id=1)
        raise RuntimeError("the service failed after recording")
    assert LedgerEntry.objects.count() == 0
    assert LedgerNode.objects.count() == 0


def test_content_hash_must_be_sha256_hex(db):
    with pytest.raises(ValueError, match="64 lower-case hex"):
        ledger_append(
            actor="system", action="a", object_type="t", object_id=1, content_sha256="xyz"
        )


def test_canonical_json_refuses_floats():
    with pytest.raises(TypeError, match="floats"):
        canonical_json({"fine": 12.5})


@pytest.mark.parametrize("model", [LedgerEntry, LedgerNode, TreeHead, SigningKey, LedgerLog])
def test_database_refuses_update_and_delete(appended, model):
    appended(2)
    tree_head_sign()
    table, pk = model._meta.db_table, model._meta.pk.column
    for statement in (f"DELETE FROM {table}", f"UPDATE {table} SET {pk} = {pk}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert model.objects.exists()


def test_postgresql_refuses_truncate(appended):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    appended(1)
    with connection.cursor() as cursor:
        # The test's own transaction still has deferred foreign-key checks pending (entries
        # point to their log), which PostgreSQL would report before the trigger could refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_ledgerentry CASCADE")


def test_tree_head_is_signed_over_size_root_and_time(appended, settings):
    leaves = appended(5)
    head = tree_head_sign()
    body = json.loads(head.payload)
    assert body["size"] == 5 and body["root"] == merkle.root(leaves).hex()
    assert body["algorithm"] == "ed25519" and body["time"].endswith("Z")
    assert verify_signature(
        "ed25519", head.key.public_key_pem, head.payload.encode(), head.signature
    )
    forged = head.payload.replace('"size":5', '"size":4').encode()
    assert not verify_signature("ed25519", head.key.public_key_pem, forged, head.signature)
    key_file = settings.VAR_DIR / "keys" / "ledger-ed25519.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_sm2_tree_head_verifies_with_openssl_and_the_standard_id(appended, tmp_path):
    """国密: an SM2/SM3 signature checked by an independent implementation (OpenSSL)."""
    appended(3)
    head = tree_head_sign(algorithm=SM2)
    (tmp_path / "key.pem").write_text(head.key.public_key_pem)
    (tmp_path / "payload").write_bytes(head.payload.encode())
    (tmp_path / "sig").write_bytes(base64.b64decode(head.signature))
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "key.pem"),
        "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "payload"), "-sigfile", str(tmp_path / "sig"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert "Signature Verified Successfully" in result.stdout, result.stderr
    (tmp_path / "payload").write_bytes(head.payload.replace('"size":3', '"size":2').encode())
    assert subprocess.run(command, capture_output=True, check=False).returncode != 0


def test_a_tree_head_is_signed_automatically_every_n_events(db, monkeypatch):
    monkeypatch.setenv("SANXIANG_LEDGER_SIGN_EVERY", "4")
    for i in range(9):
        ledger_append(actor="system", action="a", object_type="t", object_id=i)
    sizes = list(TreeHead.objects.order_by("size").values_list("size", flat=True))
    assert sizes == [1, 4, 8], "the first event is signed at once, then every 4th"


def test_an_append_after_the_signing_interval_signs_a_fresh_head(db, monkeypatch):
    import time_machine
    from django.utils import timezone

    monkeypatch.setenv("SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES", "60")
    monkeypatch.setenv("SANXIANG_LEDGER_SIGN_EVERY", "0")
    ledger_append(actor="system", action="a", object_type="t", object_id=1)
    assert TreeHead.objects.count() == 1, "a log with no head yet is signed at once"
    ledger_append(actor="system", action="a", object_type="t", object_id=2)
    assert TreeHead.objects.count() == 1, "a head younger than the interval is enough"
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        ledger_append(actor="system", action="a", object_type="t", object_id=3)
    assert list(TreeHead.objects.order_by("id").values_list("size", flat=True)) == [1, 3]


def test_a_signing_failure_does_not_lose_the_event(db, monkeypatch):
    import sanxiang.ledger.services as services

    def broken(**kwargs):
        raise OSError("key folder not writable")

    monkeypatch.setattr(services, "tree_head_sign", broken)
    entry = ledger_append(actor="system", action="a", object_type="t", object_id=1)
    assert LedgerEntry.objects.filter(sequence=entry.sequence).exists()
    assert not TreeHead.objects.exists()


def test_admin_lists_logs_entries_and_heads_with_their_log(appended, admin_client):
    appended(3)
    tree_head_sign()
    for name in ("ledgerlog", "ledgerentry", "treehead"):
        page = admin_client.get(reverse(f"admin:ledger_{name}_changelist"))
        assert page.status_code == 200, name
        assert "agency:7" in page.content.decode(), name
