"""Ledger speed: concurrent appends to per-agency logs, appends in real transactions, proofs
and verify at scale.

Baselines measured in the same run, on the same entries:
- concurrent appends (PostgreSQL only: SQLite has one writer): two writer processes, each with
  its own connection, appending to two agencies' logs at once, against one agency's writer
  alone and against the same two writers sharing one log (both on one agency: what every
  append did when there was one global log);
- appends: pymerkle 7.0.0 ``SqliteTree.append_entry`` (one SQLite transaction per leaf);
- proofs:  pymerkle ``prove_inclusion`` on a 1M-leaf ``SqliteTree`` (its cache warmed alike);
- verify:  re-hashing the same leaves with bare hashlib (the floor for any full check).

The big log is written by the bench-only bulk loader ``ledger_bulk.py`` (shared with
``verify_bench.py``) that produces exactly the rows ``ledger_append`` writes; ``verify`` passing at the end shows that it did.

Run: ``.venv/bin/pip install -e ".[bench]"`` once, then
``.venv/bin/python bench/ledger_bench.py [--entries 1000000] [--appends 2000]
[--concurrent 1000]``; under ``scripts/with-postgres.py --`` it measures PostgreSQL instead of
SQLite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from ledger_bulk import bulk_load
from pymerkle import SqliteTree

from sanxiang.ledger import selectors
from sanxiang.ledger.models import LedgerEntry, LedgerLog
from sanxiang.ledger.services import ledger_append, tree_head_sign
from sanxiang.ledger.verify import verify_ledger

BENCH_AGENCY = 1


def writer(agency: int, count: int, start_at: float) -> None:
    """One writer process: ``count`` appends to ``agency``'s log, one transaction each, from
    ``start_at`` (a time.time() shared by all writers); prints when it began and ended."""
    connection.ensure_connection()
    time.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    for i in range(count):
        ledger_append(
            actor="user:1",
            action="bench.concurrent",
            object_type="bench",
            object_id=f"{agency}-{i}",
            agency_id=agency,
        )
    print(json.dumps({"agency": agency, "count": count, "began": began, "ended": time.time()}))


def run_writers(agencies: list[int], count: int) -> float:
    """Appends per second of all ``agencies`` writers together, each its own process."""
    start_at = time.time() + 3.0  # after every process has started and connected
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", str(agency), "--count", str(count),
             "--start-at", repr(start_at)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        for agency in agencies
    ]  # fmt: skip
    runs = []
    for process in processes:
        out, _ = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise SystemExit(f"writer failed with status {process.returncode}")
        runs.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = float(max(r["ended"] for r in runs) - min(r["began"] for r in runs))
    return float(sum(r["count"] for r in runs)) / elapsed


def concurrent_appends(count: int) -> None:
    if connection.vendor != "postgresql":
        print("concurrent appends: skipped (SQLite has one writer; run under with-postgres.py)")
        return
    connection.close()  # the writers open their own
    for agency in (11, 12):  # warm up: create both logs and their first nodes
        run_writers([agency], 20)
    alone = run_writers([11], count)
    two_logs = run_writers([11, 12], count)
    shared = run_writers([11, 11], count)
    print(f"concurrent appends, {count:,} per writer, one transaction each (PostgreSQL):")
    print(f"  one agency alone (1 writer):          {alone:,.0f}/s")
    print(f"  two agencies at once (2 writers):     {two_logs:,.0f}/s")
    print(f"  two writers sharing one log (global): {shared:,.0f}/s")
    print(f"  ratio two agencies / one agency alone: {two_logs / alone:.2f}")
    print(f"  ratio two agencies / one shared log:   {two_logs / shared:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=1000, help="appends per writer")
    parser.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer is not None:
        writer(args.writer, args.count, args.start_at)
        return
    call_command("migrate", verbosity=0)
    work = Path(os.environ["SANXIANG_VAR"])
    print(f"database: {connection.vendor}; entries: {args.entries:,}")

    # 0. two agencies appending at once, against one alone and against one shared log
    if args.concurrent:
        concurrent_appends(args.concurrent)

    # 1. appends, one transaction each, through the real service
    began = time.perf_counter()
    for i in range(args.appends):
        ledger_append(
            actor="user:1",
            action="bench.append",
            object_type="bench",
            object_id=i,
            agency_id=BENCH_AGENCY,
        )
    ours = args.appends / (time.perf_counter() - began)
    log = LedgerLog.objects.get(agency_id=BENCH_AGENCY)
    leaves = [e.leaf.encode() for e in log.entries.order_by("index")[: args.appends]]
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
    bulk_load(log, args.entries - args.appends)
    print(f"bulk load to {args.entries:,}: {time.perf_counter() - began:.1f} s")
    size = selectors.tree_size(log=log)
    rng = random.Random(1)
    indexes = [rng.randrange(size) for _ in range(args.proofs)]
    began = time.perf_counter()
    for index in indexes:
        selectors.inclusion_proof(index=index, size=size, log=log)
    ours_proof = (time.perf_counter() - began) / args.proofs
    big = SqliteTree(str(work / "pymerkle-big.db"))
    for chunk_start in range(0, size, 100_000):
        chunk = log.entries.filter(index__gte=chunk_start, index__lt=chunk_start + 100_000)
        big.append_entries(
            [leaf.encode() for leaf in chunk.order_by("index").values_list("leaf", flat=True)]
        )
    assert big.get_root(size) == selectors.root_at(size, log=log), (
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
        LedgerEntry.objects.order_by("log", "index").values_list("leaf", flat=True).iterator(5000)
    ):
        hashlib.sha256(b"\x00" + text.encode()).digest()
    floor = time.perf_counter() - began
    print(f"verify {report.size:,} entries: {verify_seconds:.1f} s")
    print(f"  reading and hashing every leaf alone: {floor:.1f} s")
    print(f"  ratio verify/floor: {verify_seconds / floor:.2f}")


if __name__ == "__main__":
    main()
