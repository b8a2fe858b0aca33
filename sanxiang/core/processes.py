"""Small helpers about local processes and Debian's PostgreSQL programs, shared by the backup
drill (``backup.postgres``), the cluster harness (``cluster.postgres``), ``sanxiang serve`` and
the jobs' dead-process check. No Django here."""

from __future__ import annotations

import glob
import os
import shutil
import socket
from pathlib import Path


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def free_port() -> int:
    """A loopback TCP port free at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_pg_program(name: str) -> str | None:
    """The newest installed PostgreSQL's program ``name`` (``pg_basebackup`` must not be older
    than the server it copies), else one on ``PATH``; None if there is none."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def as_server_user() -> list[str]:
    """The prefix that runs a command as ``postgres`` when we are root (PostgreSQL refuses to run
    its server as root; CI runs as root)."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def give_to_server_user(path: Path, *, recursive: bool = True) -> None:
    """Hand ``path`` (and, unless told otherwise, all below it) to ``postgres`` when we are
    root."""
    if os.geteuid() != 0:
        return
    shutil.chown(path, "postgres", "postgres")
    if not recursive:
        return
    for folder, dirs, names in os.walk(path):
        for name in dirs + names:
            shutil.chown(os.path.join(folder, name), "postgres", "postgres")
