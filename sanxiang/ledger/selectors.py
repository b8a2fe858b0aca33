"""Reads of the log: roots, proofs and tree heads, each from O(log n) stored subtree hashes."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Max, OuterRef, QuerySet, Subquery

from sanxiang.errors import DomainError
from sanxiang.ledger import merkle
from sanxiang.ledger.models import INSTALLATION_LOG as INSTALLATION_LOG  # for the portal
from sanxiang.ledger.models import (
    LedgerEntry,
    LedgerLog,
    LedgerNode,
    SigningKey,
    TreeHead,
    log_key_for,
)


class ProofRequestError(DomainError):
    """A proof was asked for sizes or indexes the log does not have."""


def log_for(*, agency_id: int | None) -> LedgerLog | None:
    """The log of an agency (``None``: the installation's), or None when it has no entry yet."""
    return LedgerLog.objects.filter(key=log_key_for(agency_id)).first()


def log_by_key(key: str) -> LedgerLog | None:
    return LedgerLog.objects.filter(key=key).first()


def logs_public() -> list[LedgerLog]:
    return list(LedgerLog.objects.order_by("key"))


def tree_size(*, log: LedgerLog | None) -> int:
    """How many entries ``log`` holds (a log not created yet holds none)."""
    if log is None:
        return 0
    last = LedgerEntry.objects.filter(log=log).aggregate(last=Max("index"))["last"]
    return 0 if last is None else int(last) + 1


def entries_total() -> int:
    """How many entries all logs hold together."""
    return LedgerEntry.objects.count()


def _nodes_at(log_id: int, wanted: set[merkle.Subtree]) -> list[tuple[int, int, bytes]]:
    """(level, index, hash) of the stored nodes of ``log_id`` at the ``wanted`` positions.

    Plain SQL: the positions as a ``VALUES`` list joined to the nodes, so that each position is
    one lookup in the (log, level, index) unique index. Every append asks for its O(log n)
    frontier, and the query it replaced — ``Q(level=…, index=…) | …`` on the log, or the same
    as ``(level, index) IN (VALUES …)`` — is planned by SQLite as a search on the ``log_id``
    prefix alone once it has more than a few terms: a scan of the whole log per append, so an
    import slowed as its log grew (bench/ledger_frontier_bench.py measures both).
    """
    # The database the log's other reads come from (the replica, for the portal).
    database = connections[router.db_for_read(LedgerNode)]
    quote = database.ops.quote_name
    # The model's own column names (LedgerNode declares no db_column).
    level, index, value, log = (quote(name) for name in ("level", "index", "hash", "log_id"))
    positions = sorted(wanted)
    rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(positions))
    # Only quoted column names and placeholders are formatted in; every value is a parameter.
    sql = (
        f"WITH wanted (l, i) AS (VALUES {rows}) "  # noqa: S608
        f"SELECT n.{level}, n.{index}, n.{value} FROM wanted "
        f"JOIN {quote(LedgerNode._meta.db_table)} n "
        f"ON n.{log} = %s AND n.{level} = wanted.l AND n.{index} = wanted.i"
    )
    params: list[int] = []
    for position in positions:
        params.extend(position)
    params.append(log_id)
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), int(b), bytes(c)) for a, b, c in cursor.fetchall()]


def subtree_hashes(
    log: LedgerLog | None, nodes: Iterable[merkle.Subtree]
) -> dict[merkle.Subtree, bytes]:
    """Stored hashes of the given perfect subtrees of ``log``, in one query."""
    wanted = set(nodes)
    if not wanted:
        return {}
    if log is None:
        raise LookupError(f"ledger nodes missing: {sorted(wanted)[:5]}")
    found = {(level, index): bytes(value) for level, index, value in _nodes_at(log.pk, wanted)}
    missing = wanted - found.keys()
    if missing:
        raise LookupError(f"ledger nodes of {log} missing: {sorted(missing)[:5]}")
    return found


def range_hashes(log: LedgerLog | None, ranges: list[merkle.Range]) -> list[bytes]:
    """``MTH`` of each range, from the stored perfect subtrees that compose it."""
    parts = [merkle.perfect_subtrees(start, end) for start, end in ranges]
    stored = subtree_hashes(log, (node for part in parts for node in part))
    return [merkle.fold([stored[node] for node in part]) for part in parts]


def _check_size(size: int, *, current: int) -> None:
    if not 0 <= size <= current:
        raise ProofRequestError(
            f"树大小 {size} 超出范围：当前日志共有 {current} 条记录。",
            log_message=f"size {size} outside 0..{current}",
        )


def root_at(size: int, *, log: LedgerLog | None) -> bytes:
    """The root of ``log``'s tree after its first ``size`` entries."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return range_hashes(log, [(0, size)])[0]


def leaf_hash_at(index: int, *, log: LedgerLog | None) -> bytes:
    return subtree_hashes(log, [(0, index)])[(0, index)]


def inclusion_proof(*, index: int, size: int, log: LedgerLog | None) -> list[bytes]:
    """RFC 9162 audit path of entry ``index`` in the tree of ``log``'s first ``size`` entries."""
    _check_size(size, current=tree_size(log=log))
    if not 0 <= index < size:
        raise ProofRequestError(
            f"序号 {index} 不在大小为 {size} 的树中（序号从 0 开始，须小于树大小）。",
            log_message=f"index {index} outside tree of size {size}",
        )
    return range_hashes(log, merkle.inclusion_ranges(index, size))


def consistency_proof(*, first: int, second: int, log: LedgerLog | None) -> list[bytes]:
    """RFC 9162 proof that ``log``'s tree of ``first`` entries is a prefix of that of
    ``second``."""
    _check_size(second, current=tree_size(log=log))
    if not 0 < first <= second:
        raise ProofRequestError(
            f"无法证明从大小 {first} 到大小 {second} 的一致性：须满足 0 < 较早大小 ≤ 较晚大小。",
            log_message=f"consistency {first} -> {second} not defined",
        )
    return range_hashes(log, merkle.consistency_ranges(first, second))


def tree_heads_public(*, log: LedgerLog | None, limit: int = 20) -> list[TreeHead]:
    """The latest signed tree heads of ``log``, newest first, with their keys."""
    if log is None:
        return []
    return list(
        TreeHead.objects.filter(log=log)
        .select_related("key", "log")
        .order_by("-size", "-id")[:limit]
    )


def newest_heads_public() -> list[TreeHead]:
    """The newest signed head of every log (the installation's checkpoint), by log key."""
    newest = TreeHead.objects.filter(log=OuterRef("log")).order_by("-size", "-id").values("id")
    return list(
        TreeHead.objects.filter(id=Subquery(newest[:1]))
        .select_related("key", "log")
        .order_by("log__key")
    )


def signing_keys_public() -> QuerySet[SigningKey]:
    return SigningKey.objects.order_by("created_at")


def entries_for_object(*, object_type: str, object_id: str) -> QuerySet[LedgerEntry]:
    """The timeline of one object: every event recorded about it, oldest first."""
    return LedgerEntry.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "sequence"
    )
