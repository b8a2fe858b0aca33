"""Reads of the log: roots, proofs and tree heads, each from O(log n) stored subtree hashes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Max, Q, QuerySet

from sanxiang.errors import DomainError
from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry, LedgerNode, SigningKey, TreeHead


class ProofRequestError(DomainError):
    """A proof was asked for sizes or indexes the log does not have."""


def tree_size() -> int:
    """How many entries the log holds."""
    last = LedgerEntry.objects.aggregate(last=Max("sequence"))["last"]
    return 0 if last is None else int(last) + 1


def subtree_hashes(nodes: Iterable[merkle.Subtree]) -> dict[merkle.Subtree, bytes]:
    """Stored hashes of the given perfect subtrees, in one query."""
    wanted = set(nodes)
    if not wanted:
        return {}
    query = reduce(or_, (Q(level=level, index=index) for level, index in wanted))
    found = {
        (level, index): bytes(value)
        for level, index, value in LedgerNode.objects.filter(query).values_list(
            "level", "index", "hash"
        )
    }
    missing = wanted - found.keys()
    if missing:
        raise LookupError(f"ledger nodes missing: {sorted(missing)[:5]}")
    return found


def range_hashes(ranges: list[merkle.Range]) -> list[bytes]:
    """``MTH`` of each range, from the stored perfect subtrees that compose it."""
    parts = [merkle.perfect_subtrees(start, end) for start, end in ranges]
    stored = subtree_hashes(node for part in parts for node in part)
    return [merkle.fold([stored[node] for node in part]) for part in parts]


def _check_size(size: int, *, current: int) -> None:
    if not 0 <= size <= current:
        raise ProofRequestError(
            f"树大小 {size} 超出范围：当前日志共有 {current} 条记录。",
            log_message=f"size {size} outside 0..{current}",
        )


def root_at(size: int) -> bytes:
    """The tree root after the first ``size`` entries."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return range_hashes([(0, size)])[0]


def leaf_hash_at(index: int) -> bytes:
    return subtree_hashes([(0, index)])[(0, index)]


def inclusion_proof(*, index: int, size: int) -> list[bytes]:
    """RFC 9162 audit path of entry ``index`` in the tree of ``size`` entries."""
    _check_size(size, current=tree_size())
    if not 0 <= index < size:
        raise ProofRequestError(
            f"序号 {index} 不在大小为 {size} 的树中（序号从 0 开始，须小于树大小）。",
            log_message=f"index {index} outside tree of size {size}",
        )
    return range_hashes(merkle.inclusion_ranges(index, size))


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """RFC 9162 proof that the tree of ``first`` entries is a prefix of that of ``second``."""
    _check_size(second, current=tree_size())
    if not 0 < first <= second:
        raise ProofRequestError(
            f"无法证明从大小 {first} 到大小 {second} 的一致性：须满足 0 < 较早大小 ≤ 较晚大小。",
            log_message=f"consistency {first} -> {second} not defined",
        )
    return range_hashes(merkle.consistency_ranges(first, second))


def tree_heads_public(*, limit: int = 20) -> list[TreeHead]:
    """The latest signed tree heads, newest first, with their keys."""
    return list(TreeHead.objects.select_related("key").order_by("-size", "-id")[:limit])


def signing_keys_public() -> QuerySet[SigningKey]:
    return SigningKey.objects.order_by("created_at")


def entries_for_object(*, object_type: str, object_id: str) -> QuerySet[LedgerEntry]:
    """The timeline of one object: every event recorded about it, oldest first."""
    return LedgerEntry.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "sequence"
    )
