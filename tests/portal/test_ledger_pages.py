"""The public ledger endpoints: what an outside auditor fetches and checks."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.urls import reverse

from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append, tree_head_sign


def b64(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.fixture
def log(db):
    for i in range(11):
        ledger_append(actor="system", action="test.recorded", object_type="test", object_id=i)
    tree_head_sign()
    return [e.leaf.encode() for e in LedgerEntry.objects.order_by("sequence")]


def test_ledger_page_shows_the_signed_head_and_public_key(client, log):
    page = client.get(reverse("portal:ledger")).content.decode()
    assert merkle.root(log).hex() in page
    assert "BEGIN PUBLIC KEY" in page and "ed25519" in page


def test_checkpoint_signature_verifies_with_the_published_key(client, log):
    head = client.get(reverse("portal:ledger-checkpoint")).json()
    key = load_pem_public_key(head["public_key_pem"].encode())
    assert isinstance(key, Ed25519PublicKey)
    key.verify(b64(head["signature"]), head["payload"].encode())  # raises if invalid
    assert head["tree_size"] == 11 and b64(head["root_hash"]) == merkle.root(log)


def test_inclusion_proof_verifies_against_the_signed_root(client, log):
    head = client.get(reverse("portal:ledger-checkpoint")).json()
    proof = client.get(reverse("portal:ledger-proof"), {"index": 6, "size": 11}).json()
    assert b64(proof["leaf_hash"]) == merkle.leaf_hash(log[6])
    assert merkle.verify_inclusion(
        log[6], 6, 11, [b64(node) for node in proof["inclusion_path"]], b64(head["root_hash"])
    )


def test_consistency_proof_verifies(client, log):
    proof = client.get(reverse("portal:ledger-consistency"), {"first": 5, "second": 11}).json()
    assert merkle.verify_consistency(
        5,
        11,
        merkle.root(log[:5]),
        merkle.root(log),
        [b64(node) for node in proof["consistency_path"]],
    )


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("portal:ledger-proof", {"index": "x", "size": 3}, "“index”应为非负整数"),
        ("portal:ledger-proof", {"index": 0, "size": 99}, "超出范围"),
        ("portal:ledger-proof", {"index": -1, "size": 3}, "非负整数"),
        ("portal:ledger-consistency", {"first": 9, "second": 3}, "一致性"),
    ],
)
def test_bad_proof_requests_get_a_400_in_chinese(client, log, name, params, message):
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_checkpoint_before_any_signature_is_404(client, db):
    response = client.get(reverse("portal:ledger-checkpoint"))
    assert response.status_code == 404


def test_the_documented_hashlib_script_verifies_a_live_proof_and_rejects_a_forged_one(server):
    """docs/operations/ledger.md prints scripts/verify_inclusion.py; run it on a real proof."""
    import json
    import subprocess
    import sys
    import urllib.request

    from tests.conftest import REPO

    script = REPO / "scripts" / "verify_inclusion.py"
    assert script.read_text(encoding="utf-8") in (
        REPO / "docs" / "operations" / "ledger.md"
    ).read_text(encoding="utf-8"), "the documented script and the tested script must be the same"
    with urllib.request.urlopen(f"{server}/gongshi/ledger/checkpoint", timeout=10) as response:
        size = json.load(response)["tree_size"]
    with urllib.request.urlopen(
        f"{server}/gongshi/ledger/proof?index=3&size={size}", timeout=10
    ) as response:
        proof = json.load(response)
    good = subprocess.run(
        [sys.executable, str(script)], input=json.dumps(proof), capture_output=True, text=True
    )
    assert good.returncode == 0 and good.stdout.startswith("OK")
    proof["inclusion_path"][0] = base64.b64encode(bytes(32)).decode()
    bad = subprocess.run(
        [sys.executable, str(script)], input=json.dumps(proof), capture_output=True, text=True
    )
    assert bad.returncode == 1 and bad.stdout.startswith("FAIL")
