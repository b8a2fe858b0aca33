"""Two app nodes append to agency logs at once (issue 18), on PostgreSQL.

Two ``sanxiang serve`` processes on one database; officers of two agencies open their evidence
records (调阅, each look an ``evidence.viewed`` event in the record's agency log) through both
nodes at once: (a) both nodes on the same agency, (b) each node on its own agency. Then every
log has dense positions, ``ledger sign`` and ``ledger verify`` agree, and no look answered
200 is missing from the log. Last, a transaction left open on agency A's log (a helper process
that has appended and not committed) holds up a look at agency A while a look at agency B
goes through.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REPO, SANXIANG, Instance, _free_port

PASSWORD = "sanxiang-demo"
# Client threads per node and looks per thread, in each of phases (a) and (b).
THREADS, LOOKS = 2, 4


@dataclass
class Node:
    port: int

    def request(
        self, method: str, path: str, *, body: str = "", cookies: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body.encode() or None, headers=headers)
            response = conn.getresponse()
            return response.status, response, response.read().decode("utf-8", "replace")
        finally:
            conn.close()


def _set_cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def log_in(node: Node, username: str) -> dict[str, str]:
    """The office log-in form, as a browser posts it; returns the session's cookies."""
    status, response, page = node.request("GET", "/office/login/")
    assert status == 200, page[:300]
    cookies = _set_cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
    )
    status, response, page = node.request("POST", "/office/login/", body=form, cookies=cookies)
    assert status == 302, page[:300]
    return {**cookies, **_set_cookies(response)}


def logs(dsn: str) -> dict[str, dict[str, int]]:
    """Each log: entries, distinct positions, lowest and highest position, evidence looks."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT l.key, count(*), count(DISTINCT e.index), min(e.index), max(e.index), "
            "count(*) FILTER (WHERE e.action = 'evidence.viewed') "
            "FROM ledger_ledgerentry e JOIN ledger_ledgerlog l ON l.id = e.log_id GROUP BY l.key"
        ).fetchall()
    names = ("entries", "positions", "low", "high", "viewed")
    return {key: dict(zip(names, values, strict=True)) for key, *values in rows}


def blocked_by(dsn: str, pid: int) -> list[int]:
    """The PostgreSQL backends waiting for a lock that backend ``pid`` holds."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid]
        ).fetchall()
    return [row[0] for row in rows]


def helper(instance: Instance, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """tests.ledger.concurrent_two_nodes in a process of its own, on the installation."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.concurrent_two_nodes", *args],
        env=instance.env,
        cwd=REPO,
        stdin=stdin,
        stdout=subprocess.PIPE,
        text=True,
    )


@dataclass
class Served:
    instance: Instance
    nodes: list[Node]
    officers: list[dict[str, object]]
    dsn: str


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    """Two ``sanxiang serve`` nodes on the installation's database, and two agencies' officers
    with two fresh evidence records each, logged in (one session each, valid on both nodes)."""
    if not os.environ.get("DATABASE_URL"):  # before the installation is made for nothing
        pytest.skip(
            "two app nodes share a PostgreSQL server; on SQLite the whole database has one "
            "writer, so appends to different agencies wait on each other by design"
        )
    instance: Instance = request.getfixturevalue("instance")
    env = {**instance.env}
    for name in ("DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    # Each node a folder of its own (keys, secret, static files copied), the evidence shared:
    # a second `sanxiang serve` on the installation's own folder would take over the suite's
    # server's run/ (its control socket is removed when that server stops).
    env.setdefault("SANXIANG_EVIDENCE_DIR", str(Path(instance.var) / "evidence"))
    homes = request.getfixturevalue("tmp_path_factory").mktemp("two-nodes")
    processes, nodes = [], []
    try:
        for number in (1, 2):
            port = _free_port()
            home = homes / f"node{number}"
            shutil.copytree(
                instance.var, home, ignore=shutil.ignore_patterns("run", "log", "tmp", "*.sqlite3*")
            )
            out = (home / "serve.out").open("w")
            process = subprocess.Popen(
                [str(SANXIANG), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
                env={**env, "SANXIANG_VAR": str(home)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            processes.append((process, out))
            nodes.append(Node(port=port))
        pick = helper(instance, "pick")  # while the nodes start
        deadline = time.monotonic() + 120
        for node, (process, out) in zip(nodes, processes, strict=True):
            while True:
                try:
                    if node.request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"sanxiang serve did not come up: see {out.name}")
                time.sleep(0.3)
        picked, _ = pick.communicate(timeout=120)
        assert pick.returncode == 0
        officers = json.loads(picked.strip().splitlines()[-1])
        assert len(officers) == 2 and officers[0]["agency"] != officers[1]["agency"]
        for officer in officers:
            officer["cookies"] = log_in(nodes[0], str(officer["username"]))
            officer["log"] = f"agency:{officer['agency']}"
        yield Served(instance, nodes, officers, dsn=instance.env["DATABASE_URL"])
    finally:
        for process, _ in processes:
            process.terminate()
        for process, out in processes:
            process.wait(timeout=30)
            out.close()


def _look(node: Node, officer: dict[str, object], item: int) -> int:
    cookies = officer["cookies"]
    assert isinstance(cookies, dict)
    return node.request("GET", f"/office/evidence/{item}/", cookies=cookies)[0]


def _hammer(plan: list[tuple[Node, dict[str, object]]]) -> list[tuple[str, int]]:
    """Each (node, officer) pair: THREADS client threads, LOOKS looks each, all at once."""

    def work(job: tuple[Node, dict[str, object], int]) -> list[tuple[str, int]]:
        node, officer, worker = job
        items = officer["items"]
        assert isinstance(items, list)
        return [
            (str(officer["log"]), _look(node, officer, items[(worker + i) % len(items)]))
            for i in range(LOOKS)
        ]

    jobs = [(node, officer, n) for node, officer in plan for n in range(THREADS)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [answer for answers in pool.map(work, jobs) for answer in answers]


def _assert_dense(logs: dict[str, dict[str, int]]) -> None:
    for key, log in logs.items():
        assert log["low"] == 0 and log["high"] == log["entries"] - 1, (key, log)
        assert log["positions"] == log["entries"], (key, log)


def _grown(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]], key: str, what: str
) -> int:
    return after.get(key, {}).get(what, 0) - before.get(key, {}).get(what, 0)


def test_two_nodes_appending_at_once_keep_every_agency_log_consistent(served):
    instance, nodes, (one, two), dsn = served.instance, served.nodes, served.officers, served.dsn
    a, b = str(one["log"]), str(two["log"])
    # Started now so that it has set Django up by the time it is needed.
    holder = helper(instance, "hold", str(one["agency"]), stdin=subprocess.PIPE)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        for plan in (
            [(nodes[0], one), (nodes[1], one)],  # (a) both nodes, one agency's log
            [(nodes[0], one), (nodes[1], two)],  # (b) each node its own agency's log
        ):
            before = logs(dsn)
            answers = _hammer(plan)
            after = logs(dsn)
            assert {status for _, status in answers} == {200}, answers
            _assert_dense(after)
            for key in (a, b):  # every look answered is in its agency's log, nothing else
                acknowledged = sum(1 for log, _ in answers if log == key)
                assert _grown(before, after, key, "viewed") == acknowledged, (key, after)
                assert _grown(before, after, key, "entries") == acknowledged, (key, after)

        # (c) A transaction holds agency A's log (appended, not committed): a look at agency A
        # waits for it, and while it waits a look at agency B goes through.
        before = logs(dsn)
        holder.stdin.write("go\n")
        holder.stdin.flush()
        pid = json.loads(holder.stdout.readline())["pid"]
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(_look, nodes[0], one, one["items"][0])
            deadline = time.monotonic() + 60
            while not blocked_by(dsn, pid):
                assert not waiting.done(), waiting.result()
                assert time.monotonic() < deadline, "the look at agency A never waited"
                time.sleep(0.1)
            assert _look(nodes[1], two, two["items"][0]) == 200
            during = logs(dsn)
            assert _grown(before, during, b, "entries") == 1
            assert _grown(before, during, a, "entries") == 0  # nothing committed there yet
            assert blocked_by(dsn, pid) and not waiting.done()
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert waiting.result(timeout=90) == 200
        assert holder.wait(timeout=60) == 0
        after = logs(dsn)
        _assert_dense(after)
        assert _grown(before, after, a, "entries") == 2  # the held event, then the look
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()

    # Every log recomputed from its leaves; each log that grew signed, at the size and root
    # verify finds.
    signed = instance.sanxiang("ledger", "sign").stdout
    verify = instance.sanxiang("ledger", "verify")
    assert verify.stdout.startswith("OK "), verify.stdout + verify.stderr
    roots = {
        key: (int(size), root)
        for key, size, root in re.findall(r"^log (\S+) size=(\d+) root=(\w+)$", verify.stdout, re.M)
    }
    heads = re.findall(r"^signed log=(\S+) size=(\d+) root=(\w+)", signed, re.M)
    assert {key for key, _, _ in heads} >= {a, b}, signed
    for key, size, root in heads:
        assert roots[key] == (int(size), root), (key, signed, verify.stdout)
    for key, log in after.items():
        assert roots[key][0] == log["entries"], (key, roots, after)
    assert re.search(r"checked [1-9]\d* signed tree heads", verify.stdout), verify.stdout
