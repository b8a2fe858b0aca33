#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server: ``with-postgres.py -- pytest ...``.

``--keep DIR`` (before ``--``): the server's files are made in DIR and kept afterwards; run
again with the same DIR, the server starts on them with its database as it was — a bench's
generated rows measured again without generating them (``desk_bench.py --reuse``).

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


def _init(prefix: list[str], data: Path) -> None:
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


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: with-postgres.py [--keep DIR] -- COMMAND [ARGS...]")
    command = argv[argv.index("--") + 1 :]
    options = argv[1 : argv.index("--")]
    # --keep DIR: the server's files live in DIR and stay after the command; a DIR made by an
    # earlier run is started again with its database as it was (a bench's generated rows).
    keep = Path(options[options.index("--keep") + 1]).resolve() if "--keep" in options else None
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = keep or Path(tempfile.mkdtemp(prefix="sanxiang-pg-"))
    data, sock, log = workdir / "data", workdir / "sock", workdir / "server.log"
    reused = keep is not None and (data / "PG_VERSION").exists()
    workdir.mkdir(parents=True, exist_ok=True)
    sock.mkdir(exist_ok=True)
    if as_root:
        shutil.chown(workdir, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    started = False
    try:
        if reused:
            print(f"with-postgres: reusing the database kept in {workdir}", flush=True)
        else:
            _init(prefix, data)
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
        if not reused:
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
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
