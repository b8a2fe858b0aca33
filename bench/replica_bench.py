"""The streaming replica under a write load, and the portal read from it against the primary.

Starts a cluster on loopback (sanxiang.cluster.postgres: primary, streaming replica, PgBouncer in
transaction pooling mode), migrates and loads the demo through PgBouncer, then:

1. **Replica lag under writes**: the case bench's generator (bench/cases_bench.py, N cases with
   their handlers and parties written in batches of 5,000) runs against the primary through
   PgBouncer, then a year of demo cases through the services (``sanxiang demo --cases K``),
   while this process samples every 50 ms the primary's ``pg_stat_replication`` — ``replay_lag``
   (PostgreSQL's own measure: from the primary's flush to the standby's replay; none when idle)
   and the bytes not yet replayed — and the lag the portal's check reads on the replica
   (sanxiang/core/replica.py). Prints p50/p95/max of each.
2. **Portal from the replica vs from the primary**, same run, same data: two ``sanxiang serve``
   (gunicorn, 2 workers), one with ``DATABASE_REPLICA_URL``, one without, each loaded in turn
   by threads fetching portal and JSON API pages; p50/p95 per page and the ratio of the
   replica's p95 to the primary's. The replica's read counters show that it served.

Run: ``.venv/bin/python bench/replica_bench.py [--cases 50000] [--demo-cases 20]``.
Results and what they mean: docs/operations/cluster.md, "Measured".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sanxiang.cluster.postgres import PgCluster, free_port
from sanxiang.core.replica import LAG_QUERY

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
PAGES = ("/gongshi/", "/gongshi/officers/", "/gongshi/decisions/", "/api/v1/agencies")
LAG = """
SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag), 0),
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)
FROM pg_stat_replication
"""
READS = "SELECT COALESCE(sum(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def sample_lag(
    primary_url: str, replica_url: str, stop: threading.Event, out: list[tuple[float, float, float]]
) -> None:
    with (
        psycopg.connect(primary_url, autocommit=True) as primary,
        psycopg.connect(replica_url, autocommit=True) as replica,
    ):
        while not stop.is_set():
            row = primary.execute(LAG).fetchone()
            seen = replica.execute(LAG_QUERY).fetchone()
            if row is not None and seen is not None:
                out.append((float(row[0]), float(row[1] or 0), float(seen[0])))
            time.sleep(0.05)


def write_load(
    env: dict[str, str], cases: int, demo_cases: int
) -> list[tuple[float, float, float]]:
    samples: list[tuple[float, float, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(
        target=sample_lag, args=(env["PRIMARY_URL"], env["REPLICA_URL"], stop, samples)
    )
    sampler.start()
    began = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-c", f"import cases_bench; cases_bench.generate({cases})"],
            cwd=REPO / "bench", env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        generated = time.perf_counter() - began
        subprocess.run(
            [SANXIANG, "demo", "--cases", str(demo_cases)],
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        stop.set()
        sampler.join()
    print(
        f"write load: {cases:,} cases (bulk) in {generated:.0f} s, then a year of demo cases "
        f"({demo_cases} per agency, through the services) in "
        f"{time.perf_counter() - began - generated:.0f} s; {len(samples)} lag samples"
    )
    return samples


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [SANXIANG, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/gongshi/", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("sanxiang serve did not come up")


def load(base: str, threads: int, seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            page = PAGES[i % len(PAGES)]
            started = time.perf_counter()
            with urllib.request.urlopen(base + page, timeout=30) as response:
                response.read()
            timings[page].append((time.perf_counter() - started) * 1000)
            i += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--demo-cases", type=int, default=20)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    cluster = PgCluster(Path(tempfile.mkdtemp(prefix="sanxiang-replica-bench-")))
    var = tempfile.mkdtemp(prefix="sanxiang-replica-bench-var-")
    try:
        cluster.up()
        env = {
            **os.environ,
            "SANXIANG_VAR": var,
            "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
            "DATABASE_URL": cluster.bouncer_url(),
            "SANXIANG_DB_TRANSACTION_POOLING": "1",
            "PRIMARY_URL": cluster.nodes["primary"].url(),
            "REPLICA_URL": cluster.nodes["replica"].url(),
            "SANXIANG_LEDGER_SIGN_EVERY": "0",
            "SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES": "0",
        }
        began = time.perf_counter()
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([SANXIANG, *command], env=env, check=True)
        subprocess.run([SANXIANG, "demo"], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        print(f"cluster up, migrated and demo loaded through PgBouncer in "
              f"{time.perf_counter() - began:.0f} s")  # fmt: skip

        samples = write_load(env, args.cases, args.demo_cases)
        lags = [s for s, _, _ in samples]
        lag_bytes = [b for _, b, _ in samples]
        seen = [r for _, _, r in samples]
        print(
            f"replica replay_lag  p50 {percentile(lags, 0.5) * 1000:8.1f} ms  "
            f"p95 {percentile(lags, 0.95) * 1000:8.1f} ms  max {max(lags, default=0) * 1000:8.1f} ms"
        )
        print(
            f"WAL not yet replayed p50 {percentile(lag_bytes, 0.5) / 1024:8.0f} KiB  "
            f"p95 {percentile(lag_bytes, 0.95) / 1024:8.0f} KiB  "
            f"max {max(lag_bytes, default=0) / 1024:8.0f} KiB"
        )
        print(
            f"lag as the portal sees it p50 {percentile(seen, 0.5) * 1000:8.1f} ms  "
            f"p95 {percentile(seen, 0.95) * 1000:8.1f} ms  max {max(seen, default=0) * 1000:8.1f} ms; "
            f"beyond the default 5 s bound in {sum(1 for r in seen if r > 5) / max(1, len(seen)):.1%} "
            "of samples"
        )
        cluster.wait_caught_up("replica", timeout=120)

        results: dict[str, dict[str, list[float]]] = {}
        replica_env = {**env, "DATABASE_REPLICA_URL": cluster.nodes["replica"].url()}
        for label, server_env in (("primary", env), ("replica", replica_env)):
            process, base = serve(server_env)
            try:
                load(base, args.threads, 3)  # warm up
                reads_before = int(cluster.sql("replica", READS))
                results[label] = load(base, args.threads, args.seconds)
                time.sleep(1)
                moved = int(cluster.sql("replica", READS)) - reads_before
                served = sum(len(v) for v in results[label].values())
                print(f"{label}: {served} requests; replica's table reads moved by {moved}")
            finally:
                process.terminate()
                process.wait(timeout=30)
        print(
            f"{'page':<22} {'primary p50/p95 ms':>22} {'replica p50/p95 ms':>22} {'p95 ratio':>10}"
        )
        for page in PAGES:
            p, r = results["primary"][page], results["replica"][page]
            print(
                f"{page:<22} {percentile(p, 0.5):10.1f} /{percentile(p, 0.95):8.1f}  "
                f"{percentile(r, 0.5):10.1f} /{percentile(r, 0.95):8.1f}  "
                f"{percentile(r, 0.95) / percentile(p, 0.95):10.2f}"
            )
        every_p = [t for v in results["primary"].values() for t in v]
        every_r = [t for v in results["replica"].values() for t in v]
        print(
            f"{'all pages':<22} {statistics.median(every_p):10.1f} /{percentile(every_p, 0.95):8.1f}  "
            f"{statistics.median(every_r):10.1f} /{percentile(every_r, 0.95):8.1f}  "
            f"{percentile(every_r, 0.95) / percentile(every_p, 0.95):10.2f}"
        )
    finally:
        cluster.down()
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
