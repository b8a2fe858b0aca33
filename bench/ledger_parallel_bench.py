"""Ledger appends per second from one process, from two processes on the same agency's log, and
from two processes on two agencies' logs, measured in the same run on the same database.

Each worker is a separate Python process (as two app nodes are) calling the real
``ledger_append``, one transaction per event, in a loop for ``--seconds``; all workers of a leg
start together, once each has set Django up and connected. The legs run in turn, ``--rounds`` times, so that a change in the
machine's load falls on every leg alike. While a leg runs, the parent samples
``pg_stat_activity`` every 20 ms and counts how often a worker was waiting for a lock (on the
same log, the second process waits for the first's row lock; on two logs, neither should).

At the end every log is checked: positions dense, ``verify_ledger`` OK.

Run on PostgreSQL (the point is row locks between server processes; SQLite has one writer):

    .venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/ledger_parallel_bench.py

Options: ``--seconds 10 --rounds 2``. Never asserts times. On a 2-core machine two processes
share the cores with the PostgreSQL backends serving them: two logs cannot give twice one
process's rate there; what the figures show is whether the second process adds anything, and
whether it waits.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-parallel-bench-"))
# Signing is not what is measured (it is per log too; `ledger sign` at the end signs all).
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

LEGS = {
    "one process, one agency": ("A",),
    "two processes, same agency": ("A", "A"),
    "two processes, two agencies": ("A", "B"),
}


def worker(agency: int, seconds: float) -> None:
    """Set up, say ``ready``, and on ``go`` append to ``agency``'s log for ``seconds``; print
    how many."""
    import django

    django.setup()
    from sanxiang.ledger.services import ledger_append

    ledger_append(actor="system", action="bench.warm", object_type="bench", object_id=0,
                  agency_id=agency)  # fmt: skip
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.perf_counter()
    count = 0
    while time.perf_counter() - began < seconds:
        ledger_append(actor="system", action="bench.parallel", object_type="bench",
                      object_id=count, agency_id=agency)  # fmt: skip
        count += 1
    print(json.dumps({"appends": count, "seconds": time.perf_counter() - began}), flush=True)


def run_leg(agencies: list[int], seconds: float) -> tuple[float, float]:
    """(appends per second over all workers, share of samples with a worker waiting on a lock)"""
    from django.db import connection

    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(agency), str(seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for agency in agencies
    ]
    for process in workers:  # every worker has set Django up and connected
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in workers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    began = time.perf_counter()
    samples = waiting = 0
    while time.perf_counter() - began < seconds:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting += int(cursor.fetchone()[0]) > 0
        samples += 1
        time.sleep(0.02)
    total = elapsed = 0.0
    for process in workers:
        out, _ = process.communicate(timeout=seconds + 120)
        if process.returncode:
            raise SystemExit(f"a worker failed ({process.returncode})")
        result = json.loads(out.strip().splitlines()[-1])
        total += result["appends"]
        elapsed = max(elapsed, result["seconds"])
    return total / elapsed, waiting / max(samples, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(int(args.worker[0]), float(args.worker[1]))
        return
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Max, Min

    if connection.vendor != "postgresql":
        raise SystemExit("run under scripts/with-postgres.py: this measures PostgreSQL row locks")
    call_command("migrate", verbosity=0)
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.ledger.verify import verify_ledger
    from sanxiang.org.models import Agency

    ids = {}
    for letter, code in (("A", "11990100MB9999981X"), ("B", "11990100MB9999982X")):
        agency, _ = Agency.objects.get_or_create(
            credit_code=code,
            defaults={"name": f"测试市基准执法局{letter}", "level": "municipal",
                      "region": "测试市", "address": "测试市人民路 1 号", "phone": "0999-1",
                      "authority_basis": "测试"},
        )  # fmt: skip
        ids[letter] = agency.pk
    connection.close()  # the workers open their own
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"{args.seconds:g} s per leg, {args.rounds} rounds")  # fmt: skip
    rates: dict[str, list[float]] = {name: [] for name in LEGS}
    waits: dict[str, list[float]] = {name: [] for name in LEGS}
    for round_number in range(args.rounds):
        for name, letters in LEGS.items():
            rate, wait = run_leg([ids[letter] for letter in letters], args.seconds)
            rates[name].append(rate)
            waits[name].append(wait)
            print(f"round {round_number + 1}  {name:28}  {rate:7.1f} appends/s  "
                  f"a worker waiting on a lock in {wait:4.0%} of samples", flush=True)  # fmt: skip
    print()
    base = sum(rates["one process, one agency"]) / args.rounds
    for name in LEGS:
        rate = sum(rates[name]) / args.rounds
        wait = sum(waits[name]) / args.rounds
        print(f"{name:28}  {rate:7.1f} appends/s  ratio to one process {rate / base:4.2f}  "
              f"lock waits {wait:4.0%}")  # fmt: skip
    logs = LedgerEntry.objects.values("log_id").annotate(
        n=Count("sequence"), distinct=Count("index", distinct=True), low=Min("index"),
        high=Max("index"),
    )  # fmt: skip
    dense = all(x["n"] == x["distinct"] == x["high"] + 1 and x["low"] == 0 for x in logs)
    report = verify_ledger()
    print(f"every log's positions dense: {dense}; verify: {'OK' if report.ok else 'FAILED'}")


if __name__ == "__main__":
    main()
