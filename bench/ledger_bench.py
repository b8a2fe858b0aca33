"""Ledger speed: appends in real transactions, proofs and verify at scale.

Baselines measured in the same run, on the same entries:
- appends: pymerkle 7.0.0 ``SqliteTree.append_entry`` (one SQLite transaction per leaf);
- proofs:  pymerkle ``prove_inclusion`` on a 1M-leaf ``SqliteTree`` (its cache warmed alike);
- verify:  re-hashing the same leaves with bare hashlib (the floor for any full check).

The big log is written by a bench-only bulk loader that produces exactly the rows
``ledger_append`` writes; ``verify`` passing at the end shows that it did.

Run: ``.venv/bin/pip install -e ".[bench]"`` once, then
``.venv/bin/python bench/ledger_bench.py [--entries 1000000] [--appends 2000]``; under
``scripts/with-postgres.py --`` it measures PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from pymerkle import SqliteTree

from sanxiang.ledger import merkle, selectors
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry, LedgerNode
from sanxiang.ledger.services import leaf_time, ledger_append, tree_head_sign
from sanxiang.ledger.verify import verify_ledger


def leaf_for(sequence: int, moment: datetime) -> bytes:
    return canonical_json(
        {
            "v": 1,
            "sequence": sequence,
            "previous_size": sequence,
            "time": leaf_time(moment),
            "actor": "user:1",
            "agency": 1,
            "action": "bench.recorded",
            "object_type": "bench",
            "object_id": str(sequence),
            "content_sha256": None,
        }
    )


def bulk_load(start: int, count: int) -> None:
    """Write ``count`` entries and their subtree hashes as ledger_append would, in batches."""
    stack: list[tuple[int, bytes]] = []
    if start:
        hashes = selectors.subtree_hashes(merkle.perfect_subtrees(0, start))
        stack = [
            (level, hashes[(level, index)]) for level, index in merkle.perfect_subtrees(0, start)
        ]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    entries: list[LedgerEntry] = []
    nodes: list[LedgerNode] = []
    for sequence in range(start, start + count):
        moment = base + timedelta(milliseconds=sequence)
        leaf = leaf_for(sequence, moment)
        entries.append(
            LedgerEntry(
                sequence=sequence,
                recorded_at=moment,
                actor="user:1",
                agency_id=1,
                action="bench.recorded",
                object_type="bench",
                object_id=str(sequence),
                content_sha256="",
                leaf=leaf.decode(),
            )
        )
        level, index, value = 0, sequence, merkle.leaf_hash(leaf)
        nodes.append(LedgerNode(level=0, index=sequence, hash=value))
        while index & 1:
            _, left = stack.pop()
            value = merkle.node_hash(left, value)
            level, index = level + 1, index >> 1
            nodes.append(LedgerNode(level=level, index=index, hash=value))
        stack.append((level, value))
        if len(entries) == 20_000:
            with transaction.atomic():
                LedgerEntry.objects.bulk_create(entries, batch_size=5000)
                LedgerNode.objects.bulk_create(nodes, batch_size=5000)
            entries, nodes = [], []
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        LedgerNode.objects.bulk_create(nodes, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--proofs", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    work = Path(os.environ["SANXIANG_VAR"])
    print(f"database: {connection.vendor}; entries: {args.entries:,}")

    # 1. appends, one transaction each, through the real service
    began = time.perf_counter()
    for i in range(args.appends):
        ledger_append(
            actor="user:1", action="bench.append", object_type="bench", object_id=i, agency_id=1
        )
    ours = args.appends / (time.perf_counter() - began)
    leaves = [e.leaf.encode() for e in LedgerEntry.objects.order_by("sequence")[: args.appends]]
    tree = SqliteTree(str(work / "pymerkle-append.db"))
    began = time.perf_counter()
    for leaf in leaves:
        tree.append_entry(leaf)
    theirs = len(leaves) / (time.perf_counter() - began)
    tree.close()
    print(f"append, 1 transaction each: ours {ours:,.0f}/s, pymerkle SqliteTree {theirs:,.0f}/s")
    print(f"  ratio ours/pymerkle: {ours / theirs:.2f}")

    # 2. a log of --entries, then random inclusion proofs
    began = time.perf_counter()
    bulk_load(args.appends, args.entries - args.appends)
    print(f"bulk load to {args.entries:,}: {time.perf_counter() - began:.1f} s")
    size = selectors.tree_size()
    rng = random.Random(1)
    indexes = [rng.randrange(size) for _ in range(args.proofs)]
    began = time.perf_counter()
    for index in indexes:
        selectors.inclusion_proof(index=index, size=size)
    ours_proof = (time.perf_counter() - began) / args.proofs
    big = SqliteTree(str(work / "pymerkle-big.db"))
    for chunk_start in range(0, size, 100_000):
        chunk = LedgerEntry.objects.filter(
            sequence__gte=chunk_start, sequence__lt=chunk_start + 100_000
        )
        big.append_entries(
            [leaf.encode() for leaf in chunk.order_by("sequence").values_list("leaf", flat=True)]
        )
    assert big.get_root(size) == selectors.root_at(size), (
        "pymerkle and Sanxiang disagree on the root"
    )
    began = time.perf_counter()
    for index in indexes:
        big.prove_inclusion(index + 1, size)  # pymerkle counts leaves from 1
    theirs_proof = (time.perf_counter() - began) / args.proofs
    big.close()
    ours_ms, theirs_ms = ours_proof * 1000, theirs_proof * 1000
    print(f"inclusion proof at {size:,}: ours {ours_ms:.2f} ms, pymerkle {theirs_ms:.2f} ms")
    print(f"  ratio pymerkle/ours: {theirs_proof / ours_proof:.2f}")

    # 3. verify everything
    tree_head_sign()
    began = time.perf_counter()
    report = verify_ledger()
    verify_seconds = time.perf_counter() - began
    assert report.ok, report.problem
    began = time.perf_counter()
    for text in (
        LedgerEntry.objects.order_by("sequence").values_list("leaf", flat=True).iterator(5000)
    ):
        hashlib.sha256(b"\x00" + text.encode()).digest()
    floor = time.perf_counter() - began
    print(f"verify {report.size:,} entries: {verify_seconds:.1f} s")
    print(f"  reading and hashing every leaf alone: {floor:.1f} s")
    print(f"  ratio verify/floor: {verify_seconds / floor:.2f}")


if __name__ == "__main__":
    main()
