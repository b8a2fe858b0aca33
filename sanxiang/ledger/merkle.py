"""Merkle tree maths of RFC 9162 §2.1 (Certificate Transparency v2), over SHA-256.

Pure functions, no storage and no Django. A tree over entries ``D[0:n]`` has

- leaf hash ``SHA-256(0x00 ‖ entry)`` and node hash ``SHA-256(0x01 ‖ left ‖ right)``;
- ``MTH({})`` = ``SHA-256("")``; ``MTH(D[0:n])`` splits at the largest power of two below ``n``.

Proofs are computed in two steps: which *ranges* of the tree a proof consists of
(:func:`inclusion_ranges`, :func:`consistency_ranges`), then the hash of each range. The
in-memory functions here hash ranges from the entries; the database-backed log hashes them from
stored perfect subtrees (:func:`perfect_subtrees`), so a proof costs O(log n) reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]  # [start, end)
Subtree = tuple[
    int, int
]  # (level, index): the perfect subtree D[index*2^level : (index+1)*2^level]


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of a leaf, ``SHA-256(0x00 ‖ entry)``."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of an interior node, ``SHA-256(0x01 ‖ left ‖ right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (``size`` ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[Subtree]:
    """The perfect subtrees whose hashes make up ``MTH(D[start:end])``, left to right.

    ``start`` must be aligned as in every range the RFC's recursion produces (a multiple of
    the largest power of two not above ``end - start``). Folding their hashes from the right
    with :func:`node_hash` gives the range's hash.
    """
    result: list[Subtree] = []
    while start < end:
        size = end - start
        width = size if size & (size - 1) == 0 else split_point(size)
        level = width.bit_length() - 1
        if start % width:
            raise ValueError(f"range [{start}, {end}) is not aligned to a tree boundary")
        result.append((level, start >> level))
        start += width
    return result


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect subtrees' hashes (left to right)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form ``PATH(index, D[0:size])`` (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    path.reverse()
    return path


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The ranges whose hashes form ``PROOF(old_size, D[0:new_size])`` (RFC 9162 §2.1.4.1)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    proof: list[Range] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        proof.append((start, end))
    proof.reverse()
    return proof


def _range_hasher(entries: Sequence[bytes]) -> Callable[[Range], bytes]:
    leaves = [leaf_hash(entry) for entry in entries]

    def mth(span: Range) -> bytes:
        start, end = span
        if end - start == 1:
            return leaves[start]
        k = split_point(end - start)
        return node_hash(mth((start, start + k)), mth((start + k, end)))

    return mth


def root(entries: Sequence[bytes]) -> bytes:
    """``MTH(D[0:n])``; the empty tree's root is ``SHA-256("")``."""
    if not entries:
        return EMPTY_ROOT
    return _range_hasher(entries)((0, len(entries)))


def inclusion_proof(entries: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of ``entries[index]`` in the tree of all ``entries``."""
    mth = _range_hasher(entries)
    return [mth(span) for span in inclusion_ranges(index, len(entries))]


def consistency_proof(entries: Sequence[bytes], old_size: int) -> list[bytes]:
    """Proof that the tree of ``entries[:old_size]`` is a prefix of the tree of ``entries``."""
    mth = _range_hasher(entries)
    return [mth(span) for span in consistency_ranges(old_size, len(entries))]


def _lsb(value: int) -> bool:
    return bool(value & 1)


def verify_inclusion_hash(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, from the leaf *hash* (as the transparency-dev vectors give it)."""
    if index >= size or index < 0 or len(leaf) != HASH_SIZE or len(expected_root) != HASH_SIZE:
        return False
    if any(len(node) != HASH_SIZE for node in proof):
        return False
    fn, sn, result = index, size - 1, leaf
    for node in proof:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            result = node_hash(node, result)
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == expected_root


def verify_inclusion(
    entry: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """Whether ``proof`` shows ``entry`` at ``index`` in the tree of ``size`` with ``root``."""
    return verify_inclusion_hash(leaf_hash(entry), index, size, proof, expected_root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree of ``old_size`` is a prefix of that of ``new_size``.

    A proof from size 0 is refused as meaningless (as transparency-dev does); between equal
    sizes the proof must be empty and the roots equal.
    """
    if old_size <= 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof or len(old_root) != HASH_SIZE or len(new_root) != HASH_SIZE:
        return False
    if any(len(node) != HASH_SIZE for node in proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while _lsb(fn):
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
