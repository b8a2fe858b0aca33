"""CPU per request under load, by process: the server's workers, PostgreSQL, the load client.

Issue #13's case page under 8 clients on a 2-core machine is CPU-bound: its latency is about
(clients ÷ cores) × the CPU one request costs, summed over every process that works for it.
``desk_bench.py`` prints the latencies; this prints where that CPU is spent, read from
``/proc`` before and after each page's load: the gunicorn master and workers of ``sanxiang
serve`` (started here, ``--workers 2``, 4 threads each), the backends of the PostgreSQL server
the bench database is on (the postmaster's children, found from ``pg_backend_pid()``), and
this process (the client: stdlib threads and ``http.client``, one connection each, opened again
whenever the server closes it). ``spread`` is the slowest client's mean time over the fastest
one's: near 1 when the requests were shared evenly between the workers, and several times that
when some clients' connections were tied to a busier worker.
The portal's home page is measured first in the same run as the baseline: each page's total
is printed against it. Linux only; never asserts times.

It measures the rows and the sample of an earlier ``desk_bench.py`` run (its ``desk-plan.json``
under ``SANXIANG_VAR``), so run that first with ``with-postgres.py --keep DIR``; then::

    SANXIANG_VAR=... .venv/bin/python scripts/with-postgres.py --keep DIR -- \\
        .venv/bin/python bench/desk_cpu.py [--pages case,desk,list] [--seconds 15]

The server inherits this process's environment: run it twice, with and without a setting
(``SANXIANG_DB_PREPARED_STATEMENTS=0``), to compare the two.

Last runs, 2026-12-06/07, 100,000 cases, PostgreSQL 15, 8 clients, 15 s per page, load
average under 1 before them: see docs/operations/performance.md, "Tenth round" and "Eleventh
round" (where ``spread`` showed the keep-alive connections tied to one worker).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

from desk_bench import Session, percentile
from serving import serving

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: its parent and the CPU seconds (user + system) it has used."""
    seen: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seen[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return seen


def _cpu_by_group(
    before: dict[int, tuple[int, float]], after: dict[int, tuple[int, float]], server: int,
    postmaster: int,
) -> dict[str, float]:  # fmt: skip
    groups = {"server": 0.0, "database": 0.0, "client": 0.0}
    for pid, (parent, cpu) in after.items():
        used = cpu - before.get(pid, (parent, 0.0))[1]
        if pid == server or parent == server:
            groups["server"] += used
        elif postmaster > 0 and (pid == postmaster or parent == postmaster):
            groups["database"] += used
        elif pid == os.getpid():
            groups["client"] += used
    return groups


def _postmaster() -> int:
    """The PostgreSQL server's main process, when it runs on this machine; else -1."""
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    connection.close()
    try:
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="case", help="of case, desk, list (comma-separated)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=15, help="of load per page")
    args = parser.parse_args()
    plan_file = Path(os.environ["SANXIANG_VAR"]) / "desk-plan.json"
    if not plan_file.exists():
        sys.exit(f"{plan_file} not found: run bench/desk_bench.py on this SANXIANG_VAR first")
    ids: list[int] = [pk for pks in json.loads(plan_file.read_text()).values() for pk in pks]
    paths: dict[str, Callable[[random.Random], str]] = {
        "portal": lambda rng: "/gongshi/",
        "case": lambda rng: f"/office/cases/{rng.choice(ids)}/",
        "desk": lambda rng: "/office/",
        "list": lambda rng: "/office/cases/",
    }
    pages = ["portal", *[p for p in args.pages.split(",") if p in paths and p != "portal"]]
    postmaster = _postmaster()
    port = 19000 + os.getpid() % 1000
    rows: list[tuple[str, int, float, float, float, dict[str, float]]] = []
    with serving(port) as server:
        sessions = [Session("127.0.0.1", port) for _ in range(args.threads)]
        for session in sessions:
            session.log_in()
            for name in pages:  # warm every worker on every page before anything is timed
                for _ in range(3):
                    session.request("GET", paths[name](random.Random(1)))
        for name in pages:
            timings: list[float] = []
            by_client: dict[int, list[float]] = {n: [] for n in range(args.threads)}
            lock = threading.Lock()
            stop = time.monotonic() + args.seconds

            def work(n: int, path_of: Callable[[random.Random], str] = paths[name],
                     timings: list[float] = timings, lock: threading.Lock = lock,
                     stop: float = stop, by_client: dict[int, list[float]] = by_client,
                     ) -> None:  # fmt: skip
                rng = random.Random(n)
                while time.monotonic() < stop:
                    path = path_of(rng)
                    began = time.perf_counter()
                    status, _ = sessions[n].request("GET", path)
                    took = (time.perf_counter() - began) * 1000
                    if status == 200:
                        with lock:
                            timings.append(took)
                            by_client[n].append(took)

            before, began = _processes(), time.monotonic()
            pool = [threading.Thread(target=work, args=(n,)) for n in range(args.threads)]
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            wall, after = time.monotonic() - began, _processes()
            groups = _cpu_by_group(before, after, server.pid, postmaster)
            n = max(len(timings), 1)
            per = {k: v * 1000 / n for k, v in groups.items()}
            per["busy"] = sum(groups.values()) / wall / (os.cpu_count() or 1) * 100
            # A client that got no page at all was served worst of all: an infinite spread.
            means = [statistics.mean(took) if took else float("inf") for took in by_client.values()]
            per["spread"] = max(means) / min(means) if min(means) < float("inf") else float("inf")
            rows.append((name, len(timings), percentile(timings, 0.5),
                         percentile(timings, 0.95), statistics.mean(timings or [0.0]), per))  # fmt: skip
    portal_total = sum(v for k, v in rows[0][5].items() if k not in ("busy", "spread"))
    print(f"{args.threads} clients x {args.seconds:.0f} s per page, {os.cpu_count()} cores;"
          " CPU in ms per request (server workers / database / client)")  # fmt: skip
    print(f"{'page':<8}{'n':>6}{'p50':>8}{'p95':>8}{'mean':>8}{'server':>8}{'db':>7}"
          f"{'client':>8}{'total':>8}{'÷portal':>9}{'busy':>7}{'spread':>8}")  # fmt: skip
    for name, count, p50, p95, mean, per in rows:
        total = per["server"] + per["database"] + per["client"]
        print(f"{name:<8}{count:>6}{p50:8.1f}{p95:8.1f}{mean:8.1f}{per['server']:8.1f}"
              f"{per['database']:7.1f}{per['client']:8.1f}{total:8.1f}"
              f"{total / portal_total:9.2f}{per['busy']:6.0f}%{per['spread']:7.2f}x")  # fmt: skip
    if postmaster < 0:
        print("(no PostgreSQL server on this machine: the database's work is in the server's)")


if __name__ == "__main__":
    main()
