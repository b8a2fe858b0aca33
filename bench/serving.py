"""The production server for a bench run, and the load generator run as a separate process.

Shared by the benches that measure pages under load: ``sanxiang serve`` (gunicorn) on a
loopback port, waited for until it answers; the bench script itself re-run with ``--client`` in
a child process, whose last line of output is the JSON of its timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def serving(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``sanxiang serve`` (2 workers) on ``port``, answering, until the block ends."""
    sanxiang = str(Path(sys.executable).with_name("sanxiang"))
    subprocess.run([sanxiang, "collectstatic", "--noinput", "-v0"], check=True)
    server = subprocess.Popen([sanxiang, "serve", "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/gongshi/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def serve_and_load(
    script: str, plan_file: Path, *, threads: int, seconds: float
) -> dict[str, list[float]]:
    """Start the server, run ``script --client BASE PLAN`` against it, stop the server."""
    port = 18000 + os.getpid() % 1000
    with serving(port):
        out = subprocess.run(
            [sys.executable, script, "--client", f"http://127.0.0.1:{port}", str(plan_file),
             "--threads", str(threads), "--seconds", str(seconds)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    results: dict[str, list[float]] = json.loads(out.strip().splitlines()[-1])
    return results
