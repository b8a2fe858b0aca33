"""The cluster's SeaweedFS (``sanxiang.cluster.seaweed``) on its own, without PostgreSQL: its
filer cannot be used to get around the bucket's Object Lock, ``up`` cleans up after an S3 error,
and the sockets it leaves in the temporary directory are removed.

Real clock: the S3 gateway refuses a signature more than 15 minutes off its own clock.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanxiang.cluster import site as site_module
from sanxiang.cluster.seaweed import PORTS, SeaweedFS
from sanxiang.core.processes import free_port, process_alive

pytestmark = pytest.mark.real_clock  # S3 signatures (the module's docstring)

BUCKET = "evidence"


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    store = SeaweedFS(tmp_path_factory.mktemp("cluster") / "seaweedfs").start()
    try:
        store.make_bucket(BUCKET, retention_days=1)
        store.client().put_object(Bucket=BUCKET, Key="sha256/ab/cd", Body=b"evidence")
        yield store
    finally:
        store.stop(wait=0)


def _filer(store: SeaweedFS, method: str, path: str, data: bytes | None = None) -> int:
    url = f"http://127.0.0.1:{store.ports['filer']}{path}"
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/buckets/evidence/sha256/ab/cd"),
        ("DELETE", "/buckets/evidence/sha256/ab/cd.versions?recursive=true"),
        ("DELETE", "/buckets/evidence?recursive=true"),
        ("GET", "/buckets/evidence/sha256/ab/cd"),
        ("GET", "/buckets/evidence/sha256/ab/"),
        ("PUT", "/buckets/evidence/sha256/ab/cd"),
    ],
)
def test_the_filer_port_refuses_requests_without_the_gateways_token(seaweed, method, path):
    # The lock is the gateway's; the filer behind it answers only requests signed with the keys
    # of security.toml (mode 0600), which only the gateway holds.
    assert _filer(seaweed, method, path, b"x" if method == "PUT" else None) == 401
    assert (seaweed.root / "security.toml").stat().st_mode & 0o777 == 0o600
    # The object is still there, whole, through S3.
    body = seaweed.client().get_object(Bucket=BUCKET, Key="sha256/ab/cd")["Body"].read()
    assert body == b"evidence"


def _stale_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))  # closed, the file stays: what a killed weed leaves


def test_up_stops_seaweedfs_and_says_why_when_the_bucket_cannot_be_made(
    tmp_path, monkeypatch, capsys
):
    # A name botocore lets through and the gateway refuses: an S3 error, not ours.
    monkeypatch.setattr(site_module, "BUCKET", "ab")
    # A path too long for a Unix socket: the filer's and gateway's go to /tmp, named by port.
    root = tmp_path / ("d" * 90) / "cluster"
    assert site_module.main(["up", str(root)]) == 1
    error = capsys.readouterr().err
    assert "集群启动失败" in error and "Traceback" not in error, error
    store = SeaweedFS.load(root / "seaweedfs")
    assert store.pid is not None and not process_alive(store.pid)
    left = [path for path in store._sockets() if path.exists()]
    assert left == [], left


def test_stale_sockets_of_its_own_ports_are_removed_and_no_others(tmp_path):
    store = SeaweedFS(tmp_path / ("d" * 100), {name: free_port() for name in PORTS})
    ours = [
        Path(f"/tmp/seaweedfs-filer-{store.ports['filer']}.sock"),  # noqa: S108
        Path(f"/tmp/seaweedfs-volume-grpc-{store.ports['volume.grpc']}.sock"),  # noqa: S108
    ]
    other = Path(f"/tmp/seaweedfs-filer-{free_port()}.sock")  # noqa: S108
    for path in (*ours, other):
        path.unlink(missing_ok=True)
        _stale_socket(path)
    try:
        store.start()  # weed could not listen on a path that exists
        assert store.ready()
        store.stop(wait=0)
        assert [path for path in ours if path.exists()] == []
        assert other.exists()
    finally:
        store.stop(wait=0)
        for path in (*ours, other):
            path.unlink(missing_ok=True)
