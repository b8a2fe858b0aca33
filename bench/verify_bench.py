"""``sanxiang ledger verify`` over a large log, against the floor measured in the same run.

The floor is what any full check must do at least: read every leaf from the database and hash
it (``SHA-256(0x00 ‖ leaf)``), nothing else. The ratio verify/floor is what to read; absolute
times depend on the machine and its load.

The log is written by the bench-only bulk loader ``ledger_bulk.py`` (shared with
``ledger_bench.py``): entries and subtree hashes in exactly the rows ``ledger_append`` writes;
one real ``ledger_append`` comes first and ``verify`` passing at the end shows that the layout is the one it expects. A signed
tree head at the final size is checked too.

Run: ``.venv/bin/python bench/verify_bench.py [--entries 100000]`` (``--entries 1000000`` for
the full measure); under ``scripts/with-postgres.py --`` it measures PostgreSQL.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import tempfile
import time

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from ledger_bulk import bulk_load

from sanxiang.ledger.models import LedgerEntry, LedgerLog
from sanxiang.ledger.services import ledger_append, tree_head_sign
from sanxiang.ledger.verify import verify_ledger

AGENCY = 1


def floor() -> float:
    began = time.perf_counter()
    leaves = LedgerEntry.objects.order_by("log", "index").values_list("leaf", flat=True)
    for text in leaves.iterator(5000):
        hashlib.sha256(b"\x00" + text.encode()).digest()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print verify's cProfile top 25")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ledger_append(actor="user:1", action="bench.recorded", object_type="bench", object_id="0",
                  agency_id=AGENCY)  # fmt: skip
    log = LedgerLog.objects.get(agency_id=AGENCY)
    began = time.perf_counter()
    bulk_load(log, args.entries - 1)
    print(f"database: {connection.vendor}; entries: {args.entries:,}")
    print(f"bulk load: {time.perf_counter() - began:.1f} s")
    tree_head_sign()
    floor()  # warm the database's cache alike for both
    floors = [floor()]
    began = time.perf_counter()
    if args.profile:
        profiler = cProfile.Profile()
        report = profiler.runcall(verify_ledger)
    else:
        report = verify_ledger()
    verify_seconds = time.perf_counter() - began
    floors.append(floor())
    assert report.ok, report.problems[:5]
    assert report.size == args.entries and report.heads_checked >= 1, report
    best = min(floors)
    print(f"verify {report.size:,} entries: {verify_seconds:.1f} s "
          f"({verify_seconds * 1_000_000 / report.size:.0f} s per million)")  # fmt: skip
    print(f"  reading and hashing every leaf alone: {best:.1f} s")
    print(f"  ratio verify/floor: {verify_seconds / best:.2f}")
    if args.profile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
