"""A PostgreSQL primary, its streaming standbys and PgBouncer on loopback, from Debian's packages.

For the tests, the benches and an operator trying the cluster on one machine::

    python -m sanxiang.cluster.postgres up /srv/pgcluster      # primary, replica, PgBouncer
    python -m sanxiang.cluster.postgres status /srv/pgcluster
    python -m sanxiang.cluster.postgres stop /srv/pgcluster primary
    python -m sanxiang.cluster.postgres promote /srv/pgcluster replica
    python -m sanxiang.cluster.postgres down /srv/pgcluster    # stop everything, delete it

Everything lives in one directory: each server's data directory, its log, and ``cluster.json``
(the ports), so every command finds the cluster again. Servers listen on 127.0.0.1 only, trust
local connections (a test harness: docs/operations/cluster.md shows the production settings),
and under root run as the ``postgres`` user, as ``scripts/with-postgres.py`` does. A standby is
``pg_basebackup -R`` of the primary (streaming replication, hot standby); PgBouncer pools in
*transaction* mode in front of whichever server is the primary.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sanxiang.core.processes import (
    as_server_user,
    find_pg_program,
    free_port,
    give_to_server_user,
)

__all__ = ["PgCluster", "free_port"]

DATABASE = "sanxiang"
USER = "postgres"

#: Settings every server of the cluster starts with. ``timezone = UTC`` spares Django its
#: ``SET TIME ZONE`` on each new connection (session state, which transaction pooling shares).
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",  # a throwaway cluster on loopback; production keeps the default (on)
    "timezone": "'UTC'",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "hot_standby": "on",
    "hot_standby_feedback": "on",
    "wal_keep_size": "'256MB'",
    "track_counts": "on",
}


def _bin(name: str) -> str:
    found = find_pg_program(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the postgresql package (make system-deps)")
    return found


def _pgbouncer() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if not found:
        raise RuntimeError("pgbouncer not found: install the pgbouncer package (make system-deps)")
    return found


@dataclass
class Node:
    """One PostgreSQL server of the cluster."""

    name: str
    port: int
    role: str  # "primary" or "standby" (a promoted standby becomes "primary")

    def url(self) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{DATABASE}"


@dataclass
class PgCluster:
    """The cluster in ``root``: :meth:`up` makes it, :meth:`load` finds it again."""

    root: Path
    nodes: dict[str, Node] = field(default_factory=dict)
    bouncer_port: int | None = None
    bouncer_target: str | None = None

    # --- state on disk --------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path) -> PgCluster:
        state = json.loads((root / "cluster.json").read_text(encoding="utf-8"))
        return cls(
            root=root,
            nodes={name: Node(**node) for name, node in state["nodes"].items()},
            bouncer_port=state.get("bouncer_port"),
            bouncer_target=state.get("bouncer_target"),
        )

    def _save(self) -> None:
        state = {
            "nodes": {name: asdict(node) for name, node in self.nodes.items()},
            "bouncer_port": self.bouncer_port,
            "bouncer_target": self.bouncer_target,
        }
        (self.root / "cluster.json").write_text(json.dumps(state, indent=2), encoding="utf-8")

    # --- running commands as the server's owner --------------------------------------------

    @property
    def _prefix(self) -> list[str]:
        return as_server_user()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our arguments
            [*self._prefix, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def _own(self, path: Path) -> None:
        give_to_server_user(path, recursive=False)

    def data_dir(self, name: str) -> Path:
        return self.root / name

    def log_file(self, name: str) -> Path:
        return self.root / f"{name}.log"

    # --- the servers ------------------------------------------------------------------------

    @property
    def primary(self) -> Node:
        return next(node for node in self.nodes.values() if node.role == "primary")

    def up(
        self,
        standbys: tuple[str, ...] = ("replica",),
        bouncer: bool = True,
        seed_port: int | None = None,
    ) -> PgCluster:
        """Make and start a primary (with the ``sanxiang`` database), ``standbys`` streaming
        from it, and PgBouncer in front of the primary.

        With ``seed_port``, the primary starts as a copy (base backup) of the server listening
        on that loopback port, as a new primary of its own: the tests copy an installation they
        already have instead of migrating and loading one again.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        self._own(self.root)
        primary = Node("primary", free_port(), "primary")
        if seed_port is None:
            self._run(
                _bin("initdb"), "-D", str(self.data_dir("primary")), "-E", "UTF8",
                "--locale=C.UTF-8", "-A", "trust", "-U", USER,
            )  # fmt: skip
        else:
            self._run(
                _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(seed_port), "-U", USER,
                "-D", str(self.data_dir("primary")), "-X", "stream", "-c", "fast",
            )  # fmt: skip
        conf = self.data_dir("primary") / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as out:
            out.write("\n# sanxiang.cluster.postgres\n")
            for key, value in SERVER_SETTINGS.items():
                out.write(f"{key} = {value}\n")
        self.nodes[primary.name] = primary
        self._save()
        self.start("primary")
        if seed_port is None:
            self._run(
                _bin("createdb"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", USER, DATABASE
            )
        for name in standbys:
            self.add_standby(name)
        if bouncer:
            self.start_bouncer()
        return self

    def add_standby(self, name: str) -> Node:
        """A new standby of the current primary: ``pg_basebackup -R`` (it writes
        ``standby.signal`` and ``primary_conninfo``), then started as a hot standby."""
        source = self.primary
        self._run(
            _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(source.port), "-U", USER,
            "-D", str(self.data_dir(name)), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        node = Node(name, free_port(), "standby")
        self.nodes[name] = node
        self._save()
        self.start(name)
        return node

    def start(self, name: str) -> None:
        node = self.nodes[name]
        self._run(
            _bin("pg_ctl"), "-D", str(self.data_dir(name)), "-l", str(self.log_file(name)), "-w",
            "-o", f"-p {node.port} -k ''", "start",
        )  # fmt: skip

    def stop(self, name: str, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data_dir(name)), "-m", mode, "-w", "stop")

    def running(self, name: str) -> bool:
        status = self._run(_bin("pg_ctl"), "-D", str(self.data_dir(name)), "status", check=False)
        return status.returncode == 0

    def promote(self, name: str) -> Node:
        """Make the standby ``name`` a primary (``pg_ctl promote``, waiting until it accepts
        writes); the old primary, if still in the map, is marked ``stopped-primary``."""
        self._run(_bin("pg_ctl"), "-D", str(self.data_dir(name)), "-w", "promote")
        for node in self.nodes.values():
            if node.role == "primary":
                node.role = "old-primary"
        self.nodes[name].role = "primary"
        self._save()
        return self.nodes[name]

    def sql(self, name: str, query: str, database: str = DATABASE) -> str:
        """Run ``query`` with psql on server ``name``; its rows, unaligned, ``|``-separated."""
        node = self.nodes[name]
        result = self._run(
            _bin("psql"), "-h", "127.0.0.1", "-p", str(node.port), "-U", USER, "-d", database,
            "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", query,
        )  # fmt: skip
        return result.stdout.strip()

    def wait_caught_up(self, name: str, timeout: float = 30) -> None:
        """Wait until standby ``name`` has replayed everything the primary wrote so far."""
        target = self.sql(self.primary.name, "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while True:
            done = self.sql(name, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done == "t":
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"standby {name} did not reach {target}")
            time.sleep(0.05)

    # --- PgBouncer --------------------------------------------------------------------------

    def bouncer_url(self) -> str:
        if self.bouncer_port is None:
            raise RuntimeError("PgBouncer is not running")
        return f"postgres://{USER}@127.0.0.1:{self.bouncer_port}/{DATABASE}"

    def _write_bouncer_config(self, node: Node) -> Path:
        ini = self.root / "pgbouncer.ini"
        users = self.root / "pgbouncer.users"
        users.write_text(f'"{USER}" ""\n', encoding="utf-8")
        ini.write_text(
            "[databases]\n"
            f"{DATABASE} = host=127.0.0.1 port={node.port} dbname={DATABASE}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.bouncer_port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {users}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 200\n"
            "default_pool_size = 20\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
            f"pidfile = {self.root / 'pgbouncer.pid'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n",
            encoding="utf-8",
        )
        for path in (ini, users):
            self._own(path)
        self.bouncer_target = node.name
        self._save()
        return ini

    def _bouncer_pid(self) -> int | None:
        try:
            return int((self.root / "pgbouncer.pid").read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def start_bouncer(self, target: str | None = None) -> None:
        """PgBouncer in transaction pooling mode in front of ``target`` (default: the primary)."""
        if self.bouncer_port is None:
            self.bouncer_port = free_port()
        ini = self._write_bouncer_config(self.nodes[target] if target else self.primary)
        self._run(_pgbouncer(), "-d", str(ini))
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.bouncer_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("PgBouncer did not start") from None
                time.sleep(0.05)

    def stop_bouncer(self) -> None:
        pid = self._bouncer_pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)  # immediate shutdown (PgBouncer 1.18)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)

    def retarget_bouncer(self, target: str) -> None:
        """Point PgBouncer at ``target`` (after a promotion) by rewriting its ``[databases]``
        and reloading it (SIGHUP, as ``systemctl reload pgbouncer`` does): same port, so the
        installation's ``DATABASE_URL`` through PgBouncer does not change. PgBouncer drops its
        server connections to the old target."""
        pid = self._bouncer_pid()
        if pid is None:
            self.start_bouncer(target)
            return
        self._write_bouncer_config(self.nodes[target])
        os.kill(pid, signal.SIGHUP)

    # --- the whole ---------------------------------------------------------------------------

    def down(self, delete: bool = True) -> None:
        """Stop PgBouncer and every server; delete the directory unless ``delete`` is false."""
        self.stop_bouncer()
        for name in self.nodes:
            if self.running(name):
                self.stop(name, mode="immediate")
        if delete:
            shutil.rmtree(self.root, ignore_errors=True)

    def status(self) -> dict[str, object]:
        report: dict[str, object] = {}
        for name, node in self.nodes.items():
            report[name] = {"role": node.role, "url": node.url(), "running": self.running(name)}
        if self.bouncer_port is not None:
            report["pgbouncer"] = {"url": self.bouncer_url(), "target": self.bouncer_target}
        return report


def main(argv: list[str]) -> int:
    usage = (
        "usage: python -m sanxiang.cluster.postgres up|status|down DIR\n"
        "       python -m sanxiang.cluster.postgres start|stop|promote|add-standby DIR NODE\n"
        "       python -m sanxiang.cluster.postgres retarget-bouncer DIR NODE"
    )
    if len(argv) < 2:
        print(usage, file=sys.stderr)  # noqa: T201 - a command's own usage line
        return 2
    command, root = argv[0], Path(argv[1]).resolve()
    if command == "up":
        cluster = PgCluster(root).up()
    else:
        cluster = PgCluster.load(root)
        node = argv[2] if len(argv) > 2 else ""
        actions: dict[str, Callable[[], object]] = {
            "status": lambda: None,
            "down": lambda: cluster.down(),
            "start": lambda: cluster.start(node),
            "stop": lambda: cluster.stop(node),
            "promote": lambda: cluster.promote(node),
            "add-standby": lambda: cluster.add_standby(node),
            "retarget-bouncer": lambda: cluster.retarget_bouncer(node),
        }
        if command not in actions or (command not in ("status", "down") and not node):
            print(usage, file=sys.stderr)  # noqa: T201
            return 2
        actions[command]()
        if command == "down":
            return 0
    print(json.dumps(cluster.status(), indent=2))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
