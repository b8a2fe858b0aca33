"""Throughput and p95 through HAProxy with two app nodes and with one, in the same run.

Uses a cluster started by ``sanxiang cluster up DIR`` (``make cluster``), or starts one in a
temporary folder (``--cases`` demo cases per agency) and stops it at the end. Then, for each leg,
client threads fetch for ``--seconds`` through HAProxy: the portal's home and decisions pages
(anonymous) and a case page of the office (logged in as ``zhangwei``). Legs: both nodes, one node
(node2 put in maintenance through HAProxy's runtime API, so HAProxy sends it nothing), both again
(the two "both" legs show how much the machine's load moved in between).

Run: ``.venv/bin/python bench/cluster_bench.py [--dir var/cluster] [--threads 4] [--seconds 15]``.
On the 2-core development machine both nodes share the same two cores (and PostgreSQL, HAProxy
and the worker too): a second node can only help while one node's workers wait; see
docs/operations/cluster.md, "The whole cluster on one machine".
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sanxiang.cluster.site import Site
from tests.ops.test_cluster_site import Browser


def _leg(site: Site, paths: list[str], threads: int, seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {path: [] for path in paths}
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def client() -> None:
        browser = Browser(site.url)
        browser.log_in("zhangwei")
        while time.monotonic() < stop:
            for path in paths:
                started = time.perf_counter()
                status, _, _ = browser.request("GET", path)
                took = time.perf_counter() - started
                if status != 200:
                    errors.append(f"{path} {status}")
                timings[path].append(took)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        print(f"  errors: {len(errors)} (first: {errors[0]})")
    return timings


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, help="a running cluster (make cluster)")
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    options = parser.parse_args()
    started_here = options.dir is None
    if started_here:
        root = Path(tempfile.mkdtemp(prefix="sanxiang-cluster-bench-")) / "cluster"
        site = Site(root).up(cases=options.cases)
    else:
        site = Site.load(options.dir.resolve())
    try:
        browser = Browser(site.url)
        browser.log_in("zhangwei")
        found = re.search(r'href="/office/cases/(\d+)/"', browser.get("/office/cases/"))
        if not found:
            raise SystemExit("zhangwei has no case: start the cluster with --cases 1 or more")
        paths = ["/gongshi/", "/gongshi/decisions/", f"/office/cases/{found.group(1)}/"]
        results = {}
        for leg, maint in (("two nodes", False), ("one node", True), ("two nodes again", False)):
            site.haproxy_command(f"set server sanxiang/node2 state {'maint' if maint else 'ready'}")
            time.sleep(2)
            print(f"{leg}: {options.threads} threads, {options.seconds:.0f} s")
            timings = _leg(site, paths, options.threads, options.seconds)
            every = [t for values in timings.values() for t in values]
            results[leg] = (len(every) / options.seconds, _p(every, 95))
            for path, values in timings.items():
                print(
                    f"  {path:28} n={len(values):4}  p50={_p(values, 50):6.0f} ms"
                    f"  p95={_p(values, 95):6.0f} ms"
                )
            print(f"  all: {results[leg][0]:.1f} requests/s, p95 {results[leg][1]:.0f} ms")
        two, one = results["two nodes"], results["one node"]
        print(
            f"two nodes ÷ one node: throughput {two[0] / one[0]:.2f}, p95 {two[1] / one[1]:.2f}"
            f" (second two-node leg: {results['two nodes again'][0] / one[0]:.2f},"
            f" {results['two nodes again'][1] / one[1]:.2f})"
        )
    finally:
        site.haproxy_command("set server sanxiang/node2 state ready")
        if started_here:
            site.down()


if __name__ == "__main__":
    main()
