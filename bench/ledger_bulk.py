"""A bench-only bulk loader for the ledger, shared by ``ledger_bench.py`` and ``verify_bench.py``.

It writes entries and subtree hashes with ``bulk_create``, in exactly the rows ``ledger_append``
writes (leaf, columns, ``(log, index)``, ``sequence``, every perfect subtree hash in append
order), so that ``verify`` passing afterwards shows the layout is the one it expects. Import it
after ``django.setup()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from sanxiang.ledger import merkle, selectors
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry, LedgerLog, LedgerNode
from sanxiang.ledger.services import LEAF_VERSION, SEQUENCE_NAME, leaf_time

BATCH = 20_000
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def bench_entry(log: LedgerLog, index: int, sequence: int) -> LedgerEntry:
    """The entry ``ledger_append`` would write for a ``bench.recorded`` event at ``index``."""
    moment = BASE + timedelta(milliseconds=sequence)
    fields = {
        "actor": "user:1",
        "agency_id": log.agency_id,
        "action": "bench.recorded",
        "object_type": "bench",
        "object_id": str(sequence),
    }
    leaf = canonical_json(
        {
            "v": LEAF_VERSION,
            "log": log.key,
            "index": index,
            "sequence": sequence,
            "time": leaf_time(moment),
            "actor": fields["actor"],
            "agency": log.agency_id,
            "action": fields["action"],
            "object_type": fields["object_type"],
            "object_id": fields["object_id"],
            "content_sha256": None,
        }
    )
    return LedgerEntry(
        sequence=sequence,
        log=log,
        index=index,
        recorded_at=moment,
        content_sha256="",
        leaf=leaf.decode(),
        **fields,
    )


def bulk_load(log: LedgerLog, count: int) -> None:
    """Append ``count`` entries to ``log`` after those it holds, with their subtree hashes."""
    start = log.entries.count()
    subtrees = merkle.perfect_subtrees(0, start)
    hashes = selectors.subtree_hashes(log, subtrees) if start else {}
    stack = [(level, hashes[(level, index)]) for level, index in subtrees]
    last = LedgerEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    sequence = 0 if last is None else int(last) + 1
    entries: list[LedgerEntry] = []
    nodes: list[LedgerNode] = []
    for index in range(start, start + count):
        entry = bench_entry(log, index, sequence)
        entries.append(entry)
        level, position, value = 0, index, merkle.leaf_hash(entry.leaf.encode())
        nodes.append(LedgerNode(log=log, level=0, index=index, hash=value))
        while position & 1:
            _, left = stack.pop()
            value = merkle.node_hash(left, value)
            level, position = level + 1, position >> 1
            nodes.append(LedgerNode(log=log, level=level, index=position, hash=value))
        stack.append((level, value))
        sequence += 1
        if len(entries) == BATCH or index == start + count - 1:
            with transaction.atomic():
                LedgerEntry.objects.bulk_create(entries, batch_size=5000)
                LedgerNode.objects.bulk_create(nodes, batch_size=5000)
            entries, nodes = [], []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, false)", [SEQUENCE_NAME, sequence])
