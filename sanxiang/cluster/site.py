"""The whole installation on loopback: PostgreSQL (primary, replica, PgBouncer), SeaweedFS (the
evidence bucket, Object Lock on), two app nodes, a queue worker and HAProxy in front, from
Debian's and PyPI's packages.

For trying the cluster on one machine, the tests and the benches::

    sanxiang cluster up DIR [--cases N] [--workers N] [--retention-days N]  # prints the address
    sanxiang cluster status DIR
    sanxiang cluster down DIR [--keep]      # stops everything; deletes DIR unless --keep

Everything lives in ``DIR`` (docs/operations/cluster.md, "The whole cluster on one machine"):

- ``pg/``: the PostgreSQL harness (``sanxiang.cluster.postgres``), run as ``postgres`` under root
  (a link to a folder in ``/tmp`` when that user cannot reach ``DIR``);
- ``secret_key``: the secret key every node shares (copied into each node's ``var``);
- ``keys/``: the ledger's signing keys, made once, copied to every node;
- ``seaweedfs/``: SeaweedFS (``sanxiang.cluster.seaweed``), the S3 store every node and the
  worker keep evidence in: bucket ``evidence`` with Object Lock, COMPLIANCE retention by default;
  its credentials in ``seaweedfs/credentials.json``, the JWT keys that close its filer's and
  volume server's HTTP ports to all but its gateway in ``seaweedfs/security.toml``;
- ``shared/jobs``: finished 后台任务 files (exports, reports), which every node and the worker
  share (what a shared mount is in production): they are not evidence, are pruned, and have no
  place in a locked bucket;
- ``shared/resumable``: the scratch files of resumable uploads, which with an S3 store are kept
  in ``$SANXIANG_VAR/tmp/resumable`` (docs/operations/evidence.md): each process's is a link to
  this folder, so that one upload's chunks may land on either node;
- ``node1/``, ``node2/``, ``worker/``: each process's ``SANXIANG_VAR`` (logs, static files,
  metrics samples) and its output (``serve.out``, ``worker.out``);
- ``haproxy.cfg`` and ``haproxy.log``; ``site.json``: ports and process ids, so that
  ``status`` and ``down`` find everything again.

No Django here: the command runs before there is a database to set Django up with; every
``sanxiang`` step runs as a process of its own with the environment the cluster gives it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sanxiang.cluster.postgres import PgCluster
from sanxiang.cluster.seaweed import SeaweedFS
from sanxiang.core.processes import as_server_user, free_port, process_alive

NODES = ("node1", "node2")
#: Log-ins printed after ``up`` (the demo's; every password is DEMO_PASSWORD).
DEMO_USERS = (
    ("zhangwei", "执法人员"),
    ("lina", "执法人员"),
    ("liuzhiqiang", "负责人"),
    ("zhouting", "法制审核人员"),
    ("admin", "系统管理员"),
)
DEMO_PASSWORD = "sanxiang-demo"  # noqa: S105 - the demo's, printed on purpose

#: Variables of the caller's environment a cluster process must not inherit.
_NOT_INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "PROMETHEUS_MULTIPROC_DIR",
    "SANXIANG_VAR",
    "SANXIANG_CLUSTER",
    "SANXIANG_QUEUE",
    "SANXIANG_BACKGROUND",
    "SANXIANG_EVIDENCE_DIR",
    "SANXIANG_JOBS_DIR",
    "SANXIANG_NODE_NAME",
    "SANXIANG_EVIDENCE_S3_BUCKET",
    "SANXIANG_EVIDENCE_S3_ENDPOINT",
    "SANXIANG_EVIDENCE_S3_REGION",
    "SANXIANG_EVIDENCE_S3_ACCESS_KEY",
    "SANXIANG_EVIDENCE_S3_SECRET_KEY",
)
#: The evidence bucket, and its default retention unless ``up`` is told otherwise.
BUCKET = "evidence"
RETENTION_DAYS = 1


def _sanxiang() -> str:
    """The ``sanxiang`` command of this Python environment."""
    here = Path(sys.executable).with_name("sanxiang")
    return str(here) if here.exists() else (shutil.which("sanxiang") or "sanxiang")


def _haproxy() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if not found:
        raise RuntimeError("haproxy not found: install the haproxy package (make system-deps)")
    return found


@dataclass
class Seed:
    """An installation to start from instead of a fresh one (the tests): its PostgreSQL server's
    loopback port (copied with ``pg_basebackup``) and its ``SANXIANG_VAR`` (signing keys and
    evidence copied)."""

    port: int
    var: Path


@dataclass
class Site:
    """The cluster in ``root``: :meth:`up` makes and starts it, :meth:`load` finds it again."""

    root: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)

    # --- state on disk --------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path) -> Site:
        state = json.loads((root / "site.json").read_text(encoding="utf-8"))
        return cls(root=root, ports=state["ports"], pids=state["pids"])

    def _save(self) -> None:
        state = {"ports": self.ports, "pids": self.pids}
        (self.root / "site.json").write_text(json.dumps(state, indent=2), encoding="utf-8")

    @property
    def pg(self) -> PgCluster:
        return PgCluster.load((self.root / "pg").resolve())

    def _pg_dir(self) -> Path:
        """``DIR/pg``, or, when PostgreSQL's user cannot reach ``DIR`` (running as root in a
        private folder such as ``var/``, mode 0700), a folder in the temporary directory that
        ``DIR/pg`` links to."""
        here = self.root / "pg"
        prefix = as_server_user()
        if prefix:
            reach = subprocess.run(  # noqa: S603 - runuser and test, our arguments
                [*prefix, "test", "-x", str(self.root)], check=False, timeout=30
            )
            if reach.returncode != 0:
                there = Path(tempfile.mkdtemp(prefix="sanxiang-cluster-pg-"))
                there.chmod(0o755)
                here.symlink_to(there, target_is_directory=True)
                return there
        return here

    @property
    def seaweed(self) -> SeaweedFS:
        return SeaweedFS.load(self.root / "seaweedfs")

    @property
    def url(self) -> str:
        """The load balancer's address: the one a user opens."""
        return f"http://127.0.0.1:{self.ports['haproxy']}"

    def node_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def stats_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['stats']}/stats"

    # --- environments -------------------------------------------------------------------------

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env.update(self.extra_env)
        return env

    def app_env(self, name: str, pg: PgCluster) -> dict[str, str]:
        """What app node ``name`` runs with: the database through PgBouncer, portal reads from
        the replica, evidence in the bucket, the shared jobs folder and secret, the cache in the
        database (settings do that with ``SANXIANG_CLUSTER``), the jobs on the queue, HAProxy
        trusted as a proxy."""
        shared = self.root / "shared"
        return {
            **self._base_env(),
            **self.seaweed.env(BUCKET),
            "SANXIANG_VAR": str(self.root / name),
            "SANXIANG_CLUSTER": "1",
            "SANXIANG_NODE_NAME": name,
            "DATABASE_URL": pg.bouncer_url(),
            "SANXIANG_DB_TRANSACTION_POOLING": "1",
            "DATABASE_REPLICA_URL": pg.nodes["replica"].url(),
            "SANXIANG_JOBS_DIR": str(shared / "jobs"),
            "SANXIANG_QUEUE": "procrastinate",
            "SANXIANG_BACKGROUND": "thread",
            "SANXIANG_TRUSTED_PROXIES": "127.0.0.1",
            "SANXIANG_LOG_FORMAT": "json",
            "SANXIANG_PUBLIC_URL": self.url,
        }

    def worker_env(self, pg: PgCluster) -> dict[str, str]:
        """The worker: PostgreSQL directly (it LISTENs for jobs, which transaction pooling does
        not keep; docs/operations/jobs.md), no replica."""
        env = self.app_env("worker", pg)
        env["DATABASE_URL"] = pg.primary.url()
        for name in ("SANXIANG_DB_TRANSACTION_POOLING", "DATABASE_REPLICA_URL"):
            env.pop(name)
        env["SANXIANG_NODE_NAME"] = "worker"
        return env

    def setup_env(self, pg: PgCluster) -> dict[str, str]:
        """One-off steps (migrate, demo, first signing): the primary directly, as one machine
        (``SANXIANG_CLUSTER=0`` lets ``ledger sign`` make the keys), no background work."""
        env = self.worker_env(pg)
        env.update({"SANXIANG_VAR": str(self.root / "setup"), "SANXIANG_CLUSTER": "0"})
        env["SANXIANG_BACKGROUND"] = "off"
        env.pop("SANXIANG_LOG_FORMAT")
        return env

    def _run(self, env: dict[str, str], *args: str, timeout: float = 1800) -> str:
        done = subprocess.run(  # noqa: S603 - our own command, our arguments
            [_sanxiang(), *args], env=env, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"sanxiang {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    # --- up -----------------------------------------------------------------------------------

    def up(
        self,
        *,
        cases: int = 5,
        workers: int = 2,
        seed: Seed | None = None,
        log: bool = True,
        retention_days: int = RETENTION_DAYS,
    ) -> Site:
        """Make and start everything; returns once HAProxy sees both nodes ready."""

        started = time.monotonic()

        def say(text: str) -> None:
            if log:
                elapsed = time.monotonic() - started
                print(f"[{elapsed:5.0f} 秒] {text}", flush=True)  # noqa: T201 - progress

        if self.root.exists() and any(self.root.iterdir()):
            raise RuntimeError(f"{self.root} is not empty: `sanxiang cluster down` it first")
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # PostgreSQL's user must reach pg/
        for folder in ("shared/jobs", "shared/resumable", "keys", "setup", *NODES, "worker"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        for name in (*NODES, "worker"):
            (self.root / name / "tmp").mkdir(mode=0o700)
            (self.root / name / "tmp" / "resumable").symlink_to(
                self.root / "shared" / "resumable", target_is_directory=True
            )
        self.ports = {name: free_port() for name in (*NODES, "haproxy", "stats")}
        self._save()

        say("启动 SeaweedFS（S3 对象存储）……")
        seaweed = SeaweedFS(self.root / "seaweedfs").start()
        seaweed.make_bucket(BUCKET, retention_days=retention_days)
        say("启动 PostgreSQL（主库、备库、PgBouncer）……")
        pg = PgCluster(self._pg_dir())
        if seed is None:
            pg.up()
        else:
            pg.up(standbys=(), bouncer=False, seed_port=seed.port)
            # A copy of a whole server: keep only the installation's database.
            for name in pg.sql("primary", "SELECT datname FROM pg_database", "postgres").split():
                if name not in ("sanxiang", "postgres") and not name.startswith("template"):
                    pg.sql("primary", f'DROP DATABASE "{name}"', "postgres")
            pg.add_standby("replica")
            pg.start_bouncer()
        secret = self.root / "secret_key"
        secret.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        secret.chmod(0o600)
        shutil.copy2(secret, self.root / "setup" / "secret_key")
        setup = self.setup_env(pg)
        say("建立数据库结构与任务队列……")
        self._run(setup, "migrate", "--noinput", "-v0")
        self._run({**setup, "SANXIANG_CLUSTER": "1"}, "createcachetable")
        if seed is None:
            say(f"载入演示数据（每个执法主体 {cases} 件案件）……")
            self._run(setup, "demo", "--cases", str(cases))
            self._run(setup, "ledger", "sign")  # makes the signing keys, signs the demo's logs
            shutil.copytree(self.root / "setup" / "keys", self.root / "keys", dirs_exist_ok=True)
        else:
            shutil.copytree(seed.var / "keys", self.root / "keys", dirs_exist_ok=True)
            if (seed.var / "evidence").is_dir():
                seaweed.upload_folder(seed.var / "evidence", BUCKET)
        for name in (*NODES, "worker"):
            var = self.root / name
            shutil.copytree(self.root / "keys", var / "keys", dirs_exist_ok=True)
            shutil.copy2(secret, var / "secret_key")
        say("收集静态文件……")
        self._collect_static(pg, seed)

        say("启动两个应用节点、任务队列工作进程和 HAProxy……")
        for name in NODES:
            self.start_node(name, workers=workers, pg=pg)
        self.start_worker(pg)
        for name in NODES:
            self.wait_ready(name)
        self._write_haproxy_config()
        self._spawn("haproxy", [_haproxy(), "-f", str(self.root / "haproxy.cfg"), "-db"], None)
        self.wait_balanced()
        say("集群已就绪。")
        return self

    def _collect_static(self, pg: PgCluster, seed: Seed | None) -> None:
        """Static files once (or the seed's, if it has them), copied with their times to each
        node: ``serve`` finds them current and does not collect again."""
        if seed is not None and (seed.var / "static").is_dir():
            shutil.copytree(seed.var / "static", self.root / NODES[0] / "static")
        else:
            self._run(self.app_env(NODES[0], pg), "collectstatic", "--noinput", "-v0")
        for name in NODES[1:]:
            shutil.copytree(
                self.root / NODES[0] / "static", self.root / name / "static", dirs_exist_ok=True
            )

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None) -> None:
        """Start ``argv`` in a session of its own (``down`` and the tests signal the whole
        group, its children included) with its output in ``DIR/<name>.out``; record its pid."""
        with (self.root / f"{name}.out").open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own programs
                argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=self.root,
            )  # fmt: skip
        self.pids[name] = process.pid
        self._save()

    def start_node(self, name: str, *, workers: int = 2, pg: PgCluster | None = None) -> None:
        argv = [
            _sanxiang(), "serve", "--host", "127.0.0.1", "--port", str(self.ports[name]),
            "--workers", str(workers), "--threads", "4",
        ]  # fmt: skip
        self._spawn(name, argv, self.app_env(name, pg or self.pg))

    def start_worker(self, pg: PgCluster | None = None) -> None:
        self._spawn("worker", [_sanxiang(), "worker"], self.worker_env(pg or self.pg))

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal process ``name`` and everything it started (its process group)."""
        pid = self.pids.get(name)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)

    def wait_ready(self, name: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if _status(self.node_url(name) + "/readyz") == 200:
                return
            if not process_alive(self.pids[name]) or time.monotonic() > deadline:
                out = (self.root / f"{name}.out").read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"{name} did not become ready:\n{out[-3000:]}")
            time.sleep(0.3)

    def _write_haproxy_config(self) -> None:
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{self.ports[name]} check" for name in NODES
        )
        (self.root / "haproxy.cfg").write_text(
            HAPROXY_CONFIG.format(
                port=self.ports["haproxy"],
                stats=self.ports["stats"],
                servers=servers,
                socket=self.root / "haproxy.sock",
            ),
            encoding="utf-8",
        )

    def backends(self) -> dict[str, str]:
        """Each app node's state as HAProxy sees it (``UP``, ``DOWN``, ``UP 1/2`` …)."""
        with urllib.request.urlopen(self.stats_url + ";csv", timeout=5) as answer:  # noqa: S310
            rows = answer.read().decode().splitlines()
        header = rows[0].lstrip("# ").split(",")
        states = {}
        for row in rows[1:]:
            values = dict(zip(header, row.split(","), strict=False))
            if values.get("pxname") == "sanxiang" and values.get("svname") in NODES:
                states[values["svname"]] = values["status"]
        return states

    def haproxy_command(self, command: str) -> str:
        """One command on HAProxy's runtime API (``DIR/haproxy.sock``); its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(str(self.root / "haproxy.sock"))
            conn.sendall(command.encode() + b"\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        return answer.decode()

    def wait_balanced(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if set(self.backends().values()) == {"UP"}:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("HAProxy does not see both nodes up (DIR/haproxy.out)")
            time.sleep(0.3)

    # --- status and down --------------------------------------------------------------------

    def status(self) -> dict[str, object]:
        report: dict[str, object] = {"url": self.url, "stats": self.stats_url}
        try:
            balanced: dict[str, str] = self.backends()
        except OSError:
            balanced = {}
        for name, pid in self.pids.items():
            entry: dict[str, object] = {"pid": pid, "running": process_alive(pid)}
            if name in NODES:
                entry["url"] = self.node_url(name)
                entry["readyz"] = _status(self.node_url(name) + "/readyz")
                entry["haproxy"] = balanced.get(name, "?")
            report[name] = entry
        if (self.root / "seaweedfs" / "credentials.json").exists():
            report["seaweedfs"] = {**self.seaweed.status(), "bucket": BUCKET}
        if ((self.root / "pg").resolve() / "cluster.json").exists():
            report["postgresql"] = self.pg.status()
        return report

    def down(self, *, delete: bool = True, wait: float = 20) -> None:
        """Stop HAProxy, the nodes and the worker (SIGTERM, then SIGKILL for what still runs
        after ``wait`` seconds; 0: SIGKILL at once), then SeaweedFS and PostgreSQL; delete the
        directory (the bucket's data with it) unless ``delete`` is false."""
        for name in ("haproxy", *NODES, "worker"):
            self.kill(name, signal.SIGTERM if wait > 0 else signal.SIGKILL)
        seaweed = None
        if (self.root / "seaweedfs" / "credentials.json").exists():
            seaweed = self.seaweed
            seaweed.terminate(kill=wait <= 0)  # its graceful stop is slow: begun meanwhile
        deadline = time.monotonic() + wait
        for name in ("haproxy", *NODES, "worker"):
            pid = self.pids.get(name)
            while pid is not None and process_alive(pid) and time.monotonic() < deadline:
                _reap(pid)
                time.sleep(0.1)
            self.kill(name, signal.SIGKILL)
        pg_dir = (self.root / "pg").resolve()
        if (pg_dir / "cluster.json").exists():
            self.pg.down(delete=False)
        if seaweed is not None:
            seaweed.stop(wait=max(0.0, deadline - time.monotonic()) if wait > 0 else 0)
        if delete:
            if pg_dir != self.root / "pg":
                shutil.rmtree(pg_dir, ignore_errors=True)
            shutil.rmtree(self.root, ignore_errors=True)


HAPROXY_CONFIG = """\
# Made by `sanxiang cluster up` (sanxiang/cluster/site.py).
global
    maxconn 512
    log stdout format raw local0 info
    # The runtime API: `set server sanxiang/node2 state maint` takes a node out (the bench does).
    stats socket {socket} mode 600 level admin

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 120s
    # A connection the dead node refuses is tried again, on the other node (redispatch).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option forwardfor

frontend www
    bind 127.0.0.1:{port}
    # Our id for every request, in characters Sanxiang keeps (observability.md); a client's own
    # X-Request-ID is replaced.
    unique-id-format %{{+X}}o%ci%cp%fi%fp%Ts%rt%pid
    http-request set-header X-Request-ID %[unique-id]
    http-request deny if {{ path /metrics }}
    default_backend sanxiang

backend sanxiang
    balance roundrobin
    # Only a connection failure may resend a POST (nothing reached the node); an empty answer to
    # one may come from a node that committed it before dying, so it is not resent.
    acl idempotent method GET HEAD
    http-request disable-l7-retry if !idempotent
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
{servers}

listen stats
    bind 127.0.0.1:{stats}
    stats enable
    stats uri /stats
    stats refresh 5s
"""


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def _reap(pid: int) -> None:
    """Collect ``pid`` if it is our child (the tests start the cluster in-process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _print_started(site: Site) -> None:
    lines = [
        "",
        f"集群已启动：{site.url}/office/ （公示网站 {site.url}/gongshi/）",
        f"HAProxy 状态页：{site.stats_url}",
        "应用节点：" + "、".join(f"{name} {site.node_url(name)}" for name in NODES),
        f"证据存储：SeaweedFS S3 {site.seaweed.endpoint} 存储桶 {BUCKET}"
        "（对象锁定，合规模式保留；访问密钥见 "
        f"{site.root / 'seaweedfs' / 'credentials.json'}）",
        f"演示账号（密码均为 {DEMO_PASSWORD}）："
        + "、".join(f"{user}（{role}）" for user, role in DEMO_USERS),
        f"查看状态：sanxiang cluster status {site.root}",
        f"停止并删除：sanxiang cluster down {site.root}（保留目录：加 --keep）",
    ]
    print("\n".join(lines))  # noqa: T201 - the command's output


def _days(text: str) -> int:
    """A retention in whole days, 1 or more (S3 takes no other)."""
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"保留天数须为不小于 1 的整数，而不是“{text}”")
    return days


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sanxiang cluster",
        description="在本机回环地址上启动整套集群：PostgreSQL 主备与 PgBouncer、SeaweedFS（证据存于"
        "启用对象锁定的 S3 存储桶）、两个应用节点、任务队列工作进程和 HAProxy"
        "（docs/operations/cluster.md）",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("up", help="建立并启动集群")
    up.add_argument("dir", type=Path)
    up.add_argument("--cases", type=int, default=5, help="每个执法主体的演示案件数（默认 5）")
    up.add_argument("--workers", type=int, default=2, help="每个应用节点的进程数（默认 2）")
    up.add_argument(
        "--retention-days",
        type=_days,
        default=RETENTION_DAYS,
        help=f"证据存储桶的默认合规保留天数（COMPLIANCE，期内不可删除；默认 {RETENTION_DAYS}）",
    )
    status = sub.add_parser("status", help="显示各进程是否在运行")
    status.add_argument("dir", type=Path)
    down = sub.add_parser("down", help="停止全部进程并删除目录")
    down.add_argument("dir", type=Path)
    down.add_argument("--keep", action="store_true", help="保留目录（日志、数据）")
    options = parser.parse_args(argv)
    root = options.dir.resolve()
    if options.action == "up":
        if root.exists() and any(root.iterdir()):
            print(  # noqa: T201
                f"{root} 不是空目录（集群已在运行？先运行 sanxiang cluster down）/ "
                f"{root} is not empty: `sanxiang cluster down` it first",
                file=sys.stderr,
            )
            return 2
        site = Site(root)
        try:
            site.up(
                cases=options.cases,
                workers=options.workers,
                retention_days=options.retention_days,
            )
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            print(f"集群启动失败 / cluster failed to start: {error}", file=sys.stderr)  # noqa: T201
            if (root / "site.json").exists():
                Site.load(root).down(delete=False)
            return 1
        _print_started(site)
        return 0
    if not (root / "site.json").exists():
        print(f"{root} 中没有集群 / no cluster in {root}", file=sys.stderr)  # noqa: T201
        return 2
    site = Site.load(root)
    if options.action == "status":
        print(json.dumps(site.status(), indent=2, ensure_ascii=False))  # noqa: T201
    else:
        site.down(delete=not options.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
