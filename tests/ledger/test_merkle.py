"""RFC 9162 Merkle maths against the transparency-dev reference vectors, and properties."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.ledger import merkle


# The transparency-dev vectors live in the project's shared/ folder, beside the repository (as
# CI lays it out) or beside the repository this one was cloned from; SANXIANG_MERKLE_VECTORS
# points elsewhere if needed.
def _vectors() -> Path:
    override = os.environ.get("SANXIANG_MERKLE_VECTORS")
    if override:
        return Path(override)
    repository = Path(__file__).resolve().parents[2]
    roots = [repository.parent]
    origin = subprocess.run(
        ["git", "-C", str(repository), "config", "--get", "remote.origin.url"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    if origin and Path(origin).is_dir():
        roots.append(Path(origin).resolve().parent)
    candidates = [root / "shared" / "vectors" / "merkle" / "testdata" for root in roots]
    return next((c for c in candidates if c.is_dir()), candidates[0])


VECTORS = _vectors()

# transparency-dev/merkle testonly/constants.go: leaf inputs and RFC 6962 roots for sizes 1..8.
LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def vector_files(kind: str) -> list[Path]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no {kind} vectors under {VECTORS}"
    return files


def test_hasher_vectors_from_rfc6962_test_go():
    assert (
        merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.leaf_hash(b"").hex() == ROOTS[0]
    assert merkle.leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert merkle.node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_tree(size):
    assert merkle.root(LEAVES[:size]).hex() == ROOTS[size - 1]


@pytest.mark.parametrize(
    "path", vector_files("inclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_inclusion_vectors(path):
    case = json.loads(path.read_text())
    ok = merkle.verify_inclusion_hash(
        b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        [b64(node) for node in case["proof"] or []],
        b64(case["root"]),
    )
    assert ok is not case["wantErr"]


@pytest.mark.parametrize(
    "path", vector_files("consistency"), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_consistency_vectors(path):
    case = json.loads(path.read_text())
    ok = merkle.verify_consistency(
        case["size1"],
        case["size2"],
        b64(case["root1"]),
        b64(case["root2"]),
        [b64(node) for node in case["proof"] or []],
    )
    assert ok is not case["wantErr"]


def test_happy_path_vectors_are_what_we_generate():
    """Our proofs for the reference tree equal the published ones, byte for byte."""
    for path in (VECTORS / "inclusion").glob("*/happy-path.json"):
        case = json.loads(path.read_text())
        ours = merkle.inclusion_proof(LEAVES[: case["treeSize"]], case["leafIdx"])
        assert ours == [b64(node) for node in case["proof"] or []], path
    for path in (VECTORS / "consistency").glob("*/happy-path.json"):
        case = json.loads(path.read_text())
        ours = merkle.consistency_proof(LEAVES[: case["size2"]], case["size1"])
        assert ours == [b64(node) for node in case["proof"] or []], path


entries = st.lists(st.binary(max_size=40), min_size=1, max_size=40)


@given(data=st.data(), items=entries)
def test_every_inclusion_proof_verifies(data, items):
    index = data.draw(st.integers(0, len(items) - 1))
    proof = merkle.inclusion_proof(items, index)
    assert merkle.verify_inclusion(items[index], index, len(items), proof, merkle.root(items))


@given(data=st.data(), items=entries)
def test_every_consistency_proof_verifies(data, items):
    old = data.draw(st.integers(1, len(items)))
    proof = merkle.consistency_proof(items, old)
    assert merkle.verify_consistency(
        old, len(items), merkle.root(items[:old]), merkle.root(items), proof
    )


@given(data=st.data(), items=entries)
def test_any_flipped_bit_in_an_inclusion_proof_fails(data, items):
    index = data.draw(st.integers(0, len(items) - 1))
    proof = merkle.inclusion_proof(items, index)
    if not proof:
        return
    which = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, merkle.HASH_SIZE * 8 - 1))
    broken = bytearray(proof[which])
    broken[bit // 8] ^= 1 << (bit % 8)
    proof[which] = bytes(broken)
    assert not merkle.verify_inclusion(items[index], index, len(items), proof, merkle.root(items))


@given(data=st.data(), items=entries)
def test_an_altered_entry_fails_inclusion(data, items):
    index = data.draw(st.integers(0, len(items) - 1))
    proof = merkle.inclusion_proof(items, index)
    altered = items[index] + b"\x00"
    assert not merkle.verify_inclusion(altered, index, len(items), proof, merkle.root(items))


@given(data=st.data(), items=st.lists(st.binary(max_size=20), min_size=2, max_size=40))
def test_a_rewritten_history_fails_consistency(data, items):
    old = data.draw(st.integers(1, len(items) - 1))
    where = data.draw(st.integers(0, old - 1))
    forged = list(items)
    forged[where] = forged[where] + b"!"
    proof = merkle.consistency_proof(forged, old)
    assert not merkle.verify_consistency(
        old, len(items), merkle.root(items[:old]), merkle.root(forged), proof
    )


@given(size=st.integers(1, 200))
def test_perfect_subtrees_fold_to_the_root(size):
    """The stored-subtree decomposition gives MTH, with one subtree per set bit of the size."""
    items = [i.to_bytes(2, "big") for i in range(size)]

    def perfect(level: int, index: int) -> bytes:
        return merkle.root(items[index << level : (index + 1) << level])

    nodes = merkle.perfect_subtrees(0, size)
    assert merkle.fold([perfect(*node) for node in nodes]) == merkle.root(items)
    assert len(nodes) == bin(size).count("1")


def test_misaligned_ranges_are_refused():
    with pytest.raises(ValueError, match="not aligned"):
        merkle.perfect_subtrees(1, 3)
