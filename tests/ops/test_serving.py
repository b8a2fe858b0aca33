"""Probes, request ids and metrics through ``sanxiang serve`` (gunicorn, two workers) on a
migrated SQLite installation of its own: real HTTP, real processes, the real log file."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SANXIANG, _free_port, pinned_clock_env


@dataclass
class Node:
    port: int
    var: Path

    def get(
        self, path: str, *, headers: dict[str, str] | None = None, source: str = "127.0.0.1"
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def node(tmp_path_factory, migrated_sqlite) -> Iterator[Node]:
    var = migrated_sqlite(tmp_path_factory.mktemp("obs"))
    env = {**os.environ, "SANXIANG_VAR": str(var), **pinned_clock_env()}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    env["SANXIANG_LOG_FORMAT"] = "json"
    port = _free_port()
    out = (var / "serve.out").open("w")
    process = subprocess.Popen(
        [str(SANXIANG), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    served = Node(port=port, var=var)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if served.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "sanxiang serve did not come up:\n" + (var / "serve.out").read_text()
                )
            time.sleep(0.3)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=30)
        out.close()


def _count(text: str, route: str) -> float:
    prefix = "sanxiang_http_request_duration_seconds_count{"
    for line in text.splitlines():
        if line.startswith(prefix) and f'route="{route}"' in line and 'status="2xx"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_request_id_is_echoed_and_on_the_json_log_line(node):
    query = urllib.parse.urlencode({"q": "王小明", "id": "110101199003071234"})
    status, headers, _ = node.get(
        f"/gongshi/officers/?{query}",
        headers={"X-Request-ID": "lb-check-0001"},
    )
    assert status == 200 and headers["X-Request-ID"] == "lb-check-0001"
    log = node.var / "log" / "sanxiang.log"
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
        mine = [line for line in lines if line["request_id"] == "lb-check-0001"]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert mine, lines[-5:]
    line = mine[-1]
    assert line["method"] == "GET" and line["path"] == "/gongshi/officers/"
    assert line["status"] == 200 and line["route"] == "portal:officers"
    assert line["duration_ms"] > 0 and line["user_id"] is None
    assert {"time", "level", "logger", "message"} <= set(line)
    text = log.read_text(encoding="utf-8")
    # gunicorn's own lines on standard error are JSON too
    out = (node.var / "serve.out").read_text().splitlines()
    said = [json.loads(x) for x in out if x.startswith("{")]
    assert any(x["logger"] == "gunicorn.error" and "Booting worker" in x["message"] for x in said)
    assert "110101199003071234" not in text and "王小明" not in text  # no query strings
    assert urllib.parse.quote("王小明") not in text


def test_metrics_add_up_the_requests_of_every_worker(node):
    before = _count(node.get("/metrics")[2].decode(), "portal:procedures")

    def fetch(_: int) -> int:
        status: int = node.get("/gongshi/procedures/")[0]
        return status

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(fetch, range(30))) == {200}
    samples = {p.name for p in (node.var / "run" / "prometheus").glob("*/histogram_*.db")}
    assert samples  # each worker that served keeps its own file (one may have served all 30)
    for _ in range(6):  # whichever worker answers the scrape adds up every file: all 30
        assert _count(node.get("/metrics")[2].decode(), "portal:procedures") == before + 30


def test_metrics_refused_to_an_address_not_allowed(node):
    status, _, body = node.get("/metrics", source="127.0.0.2")
    assert status == 403 and "无权读取运行指标".encode() in body
    assert node.get("/healthz", source="127.0.0.2")[0] == 200


def test_readyz_turns_503_while_the_database_is_unreachable(node):
    status, _, body = node.get("/readyz")
    assert status == 200 and json.loads(body)["ready"] is True
    database = node.var / "db.sqlite3"
    aside = node.var / "db.sqlite3.aside"
    database.rename(aside)
    database.mkdir()  # SQLite cannot open a folder: the database is gone for this node
    try:
        status, _, body = node.get("/readyz")
        answer = json.loads(body)
        assert status == 503 and answer["checks"]["database"] == "failed", answer
        assert "unable to open database file" in answer["details"]["database"]
        assert node.get("/healthz")[0] == 200  # alive, only not ready
    finally:
        shutil.rmtree(database)
        aside.rename(database)
    assert node.get("/readyz")[0] == 200


def test_a_worker_sets_what_it_loaded_aside_from_the_garbage_collector():
    """``sanxiang serve``'s workers, once loaded, freeze their objects (``gc.freeze``), so a
    collection of the oldest generation no longer walks the ~200,000 of them with the GIL held
    while the worker's other threads wait (performance.md, "Tenth round")."""
    import gc

    from sanxiang.core.management.commands.serve import _post_worker_init

    before = gc.get_freeze_count()
    try:
        _post_worker_init(worker=None)
        assert gc.get_freeze_count() > max(before, 50_000)
    finally:
        gc.unfreeze()


def test_a_worker_whose_threads_are_all_held_leaves_new_visitors_to_the_other(node):
    """Three clients that send half a request (a phone on a bad line) hold three of the two
    workers' four threads. Every other visitor is still answered at once, by the worker with a
    free thread: a worker takes a connection only when it has a thread for it. Before, the
    busy worker took connections it could not serve, and they waited behind the held threads
    until those clients gave up. Each answer closes its connection, so no client stays tied
    to one worker either."""
    import socket

    held = []
    try:
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", node.port), timeout=30)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line yet
            held.append(sock)
        time.sleep(1)  # each taken by a worker, its thread reading the rest of the headers
        for _ in range(12):
            conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=10)
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                assert response.status == 200
                assert response.getheader("Connection") == "close"
                response.read()
            finally:
                conn.close()
        for sock in held:  # still waiting for the rest of their headers: nothing answered
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in held:
            sock.close()


def _answer(sock) -> bytes:
    """One whole HTTP answer read from ``sock``: to its end, which the server marks by closing
    its side of the connection (one request per connection)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_a_client_that_keeps_its_connection_open_does_not_hold_up_the_next_one(node):
    """Eight clients in turn read their answer and leave the connection open (a phone that
    does not hang up). gunicorn's own worker waited up to 2 s for each to close before it took
    the next request, so the eight took 6–8 s; each is answered at once now."""
    import socket

    held = []
    began = time.monotonic()
    try:
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", node.port), timeout=30)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 200")
            held.append(sock)
        took = time.monotonic() - began
        assert took < 3, f"eight answers took {took:.1f} s"
    finally:
        for sock in held:
            sock.close()


def test_an_answer_to_a_body_left_unread_still_reaches_the_client(node):
    """A refused request whose body the application never read (here a POST without a CSRF
    token): its answer arrives whole, not cut off by the connection's reset."""
    import socket

    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", node.port), timeout=30)
        try:
            body = b"x" * 48_000
            sock.sendall(
                b"POST /office/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/octet-stream\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body
            )
            answer = _answer(sock)
        finally:
            sock.close()
        assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
        assert answer.rstrip().endswith(b"</html>")  # the styled 403 page, to its end
