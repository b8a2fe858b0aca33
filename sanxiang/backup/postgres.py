"""Debian's PostgreSQL tools, run as the ``postgres`` user when we are root (PostgreSQL refuses
to run its server as root; CI runs as root). No Django here."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sanxiang.backup.files import BackupProblem
from sanxiang.core.processes import (
    as_server_user,
    find_pg_program,
    free_port,
    give_to_server_user,
)

__all__ = ["as_server_user", "free_port", "give_to_server_user"]

#: What docs/operations/backup.md asks of the server: copy under a temporary name, then rename,
#: so that a segment in the archive is always whole (a plain ``cp`` cut off by a crash leaves a
#: short file that recovery refuses), and never overwrite one.
#: The folder is quoted for the shell (:func:`archive_command`), the whole for postgresql.conf
#: (:func:`conf_quote`).
ARCHIVE_COMMAND = "test ! -f {segment} && cp %p {partial} && mv {partial} {segment}"


def archive_command(archive: Path) -> str:
    """``ARCHIVE_COMMAND`` copying into ``archive``, its paths quoted for the shell (and a
    ``%`` in them doubled: PostgreSQL reads ``%f``, ``%p`` and ``%%`` in the command)."""
    folder = pg_percent(str(archive))
    return ARCHIVE_COMMAND.format(
        segment=shlex.quote(f"{folder}/%f"), partial=shlex.quote(f"{folder}/%f.partial")
    )


def pg_percent(path: str) -> str:
    """``path`` inside an archive or restore command: its ``%`` doubled."""
    return path.replace("%", "%%")


def conf_quote(value: str) -> str:
    """``value`` as a postgresql.conf string: in single quotes, ``'`` and ``\\`` escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_bin(name: str) -> str:
    """The newest installed PostgreSQL's ``name`` (pg_basebackup must not be older than the
    server it copies)."""
    found = find_pg_program(name)
    if not found:
        raise BackupProblem(f"找不到 PostgreSQL 工具 {name}：请安装 Debian 的 postgresql 软件包")
    return found


def pg_ctl(data: Path, *args: str, log: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [*as_server_user(), pg_bin("pg_ctl"), "-D", str(data)]
    if log is not None:
        command += ["-l", str(log)]
    return subprocess.run(  # noqa: S603 - PostgreSQL's own tools, found by path
        [*command, *args], capture_output=True, text=True, check=False, timeout=3600
    )


class Cluster:
    """A throwaway PostgreSQL server on loopback whose WAL segments are archived into
    ``archive`` (the backup drill's primary: tests, bench and the docs' example).

    ``archive_timeout`` bounds how long a written transaction may wait in the current WAL
    segment before it is archived: the recovery point objective.
    """

    def __init__(self, archive: Path, *, archive_timeout: int = 60) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="sanxiang-pg-primary-"))
        self.data = self.workdir / "data"
        self.socket = self.workdir / "sock"
        self.log = self.workdir / "server.log"
        self.archive = archive
        self.archive_timeout = archive_timeout
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/sanxiang"

    def start(self) -> None:
        self.socket.mkdir()
        self.archive.mkdir(mode=0o700, parents=True, exist_ok=True)
        give_to_server_user(self.workdir)
        give_to_server_user(self.archive)
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*as_server_user(), pg_bin("initdb"), "-D", str(self.data), "-E", "UTF8",
             "--locale=C.UTF-8", "-A", "trust", "-U", "postgres"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        # What docs/operations/backup.md asks of a production server, on a private port.
        command = archive_command(self.archive)
        with (self.data / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                "wal_level = replica\n"
                "archive_mode = on\n"
                f"archive_command = {conf_quote(command)}\n"
                f"archive_timeout = {self.archive_timeout}\n"
                "fsync = off\n"  # a throwaway server: durability is not what the drill tests
            )
        started = pg_ctl(
            self.data, "-w", "-o",
            f"-k {shlex.quote(str(self.socket))} -h 127.0.0.1 -p {self.port}", "start",
            log=self.log,
        )  # fmt: skip
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr}")
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*as_server_user(), pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "sanxiang"],
            check=True,
        )  # fmt: skip

    def sql(self, statement: str) -> str:
        """Run one statement with psql; its output, unaligned, without headers."""
        return subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
             "sanxiang", "-At", "-c", statement],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    def archive_now(self) -> None:
        """Close the current WAL segment and wait until the archiver has copied it (what
        ``archive_timeout`` does on its own)."""
        self.wait_archived(self.sql("SELECT pg_walfile_name(pg_switch_wal())"))

    def wait_archived(self, segment: str) -> None:
        """Wait until the archiver reports ``segment`` archived (its ``archive_command``
        returned success: the file is whole, not merely begun)."""
        deadline = time.monotonic() + 120
        while self.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < segment:
            if time.monotonic() > deadline:
                raise RuntimeError(f"WAL segment {segment} was not archived")
            time.sleep(0.05)

    def stop(self) -> None:
        pg_ctl(self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.workdir, ignore_errors=True)
