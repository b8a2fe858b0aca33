"""The Merkle frontier read of every ledger append: one plain SQL query joining the positions
(a ``VALUES`` list) to the nodes (``ledger.selectors._nodes_at``, what ``subtree_hashes`` runs)
against the ORM query it replaced (``Q(level=…, index=…) | …`` filtered on the log), measured
in the same run on the same log and the same positions. On SQLite the baseline's plan searches
the log_id prefix only (a scan of the log), so its cost grows with the log.

Appends ``--entries`` events to one agency's log (real ``ledger_append``), then asks both for
the frontier of every size from 1 to ``--entries`` (the positions ``merkle.perfect_subtrees(0,
size)`` names: what the next append needs), ``--rounds`` times, and prints µs per read and the
ratio. The answers of both are compared for every size.

Run: ``.venv/bin/python bench/ledger_frontier_bench.py [--entries 4000] [--rounds 3]``; under
``scripts/with-postgres.py --`` it measures PostgreSQL. Never asserts times.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import reduce
from operator import or_
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-frontier-bench-"))
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    call_command("migrate", verbosity=0)
    from sanxiang.ledger import merkle
    from sanxiang.ledger.models import LedgerLog, LedgerNode
    from sanxiang.ledger.selectors import _nodes_at
    from sanxiang.ledger.services import ledger_append
    from sanxiang.org.models import Agency

    agency = Agency.objects.create(
        name="测试市基准执法局", credit_code="11990100MB9999991X", level="municipal",
        region="测试市", address="测试市人民路 1 号", phone="0999-1", authority_basis="测试",
    )  # fmt: skip
    began = time.perf_counter()
    for i in range(args.entries):
        ledger_append(
            actor="bench", action="bench.recorded", object_type="bench", object_id=i,
            agency_id=agency.pk,
        )  # fmt: skip
    appended = time.perf_counter() - began
    log = LedgerLog.objects.get(agency_id=agency.pk)
    sizes = range(1, args.entries + 1)
    wanted = {size: set(merkle.perfect_subtrees(0, size)) for size in sizes}

    def orm(size: int) -> dict[tuple[int, int], bytes]:
        query = reduce(or_, (Q(level=lv, index=ix) for lv, ix in wanted[size]))
        return {
            (lv, ix): bytes(h)
            for lv, ix, h in LedgerNode.objects.filter(query, log=log).values_list(
                "level", "index", "hash"
            )
        }

    def plain(size: int) -> dict[tuple[int, int], bytes]:
        return {(lv, ix): h for lv, ix, h in _nodes_at(log.pk, wanted[size])}

    for size in sizes:
        assert orm(size) == plain(size), size
    timings: dict[str, float] = {}
    for name, read in (("ORM OR-chain (baseline)", orm), ("VALUES join", plain)):
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            for size in sizes:
                read(size)
            best = min(best, time.perf_counter() - start)
        timings[name] = best / len(sizes) * 1e6
    print(
        f"{connection.vendor}: {args.entries} appends in {appended:.1f} s "
        f"({args.entries / appended:,.0f}/s); frontier read, best of {args.rounds}:"
    )
    for name, micros in timings.items():
        print(f"  {name:<24} {micros:8.0f} µs per read")
    base, ours = timings["ORM OR-chain (baseline)"], timings["VALUES join"]
    print(
        f"  the VALUES join takes {ours / base:.2f}× the baseline's time ({base / ours:.1f}× faster)"
    )


if __name__ == "__main__":
    main()
