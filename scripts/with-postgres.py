#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server: ``with-postgres.py -- pytest ...``.

The server lives in a fresh temporary directory, listens on 127.0.0.1 at a free port, and is
stopped and deleted afterwards. PostgreSQL refuses to run as root, so under root (as in CI) the
server runs as the ``postgres`` user via ``runuser``. The command gets ``DATABASE_URL``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        sys.exit(
            f"with-postgres: {name} not found; install the postgresql package (make system-deps)"
        )
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: with-postgres.py -- COMMAND [ARGS...]")
    command = argv[argv.index("--") + 1 :]
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="sanxiang-pg-"))
    data, sock, log = workdir / "data", workdir / "sock", workdir / "server.log"
    sock.mkdir()
    if as_root:
        shutil.chown(workdir, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    started = False
    try:
        subprocess.run(
            [
                *prefix,
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-A",
                "trust",
                "-U",
                "postgres",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                *prefix,
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-k {sock} -h 127.0.0.1 -p {port} -F",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(
            [
                *prefix,
                _pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "sanxiang",
            ],
            check=True,
        )
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/sanxiang"}
        print(f"with-postgres: PostgreSQL on 127.0.0.1:{port} in {workdir}", flush=True)
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        if started:
            subprocess.run(
                [*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
