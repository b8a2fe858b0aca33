"""The restore drill (docs/operations/backup.md), on real engines: a PostgreSQL server that
archives its WAL into the backup area, evidence in a SeaweedFS bucket with Object Lock.

Cases with evidence and signed tree heads are made; ``sanxiang backup`` runs; more is written
(only in the WAL archive); ``sanxiang restore`` builds a fresh data directory and bucket from the
backup and the archive, and proves it: the backup's signed tree heads, ``ledger verify``, every
blob's hash. A backup file changed afterwards is found before anything is restored.

Runs in the PostgreSQL leg of ``make test`` (the suite's DATABASE_URL is set there); it starts
its own servers, since the drill needs a primary with WAL archiving on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sanxiang.backup.postgres import Cluster, free_port, give_to_server_user, pg_bin, pg_ctl
from sanxiang.cluster.seaweed import create_locked_bucket
from tests.evidence.test_s3 import ENDPOINT, KEY, SECRET, client
from tests.evidence.test_s3 import seaweedfs as seaweedfs  # the module's fixture, shared

SANXIANG = [sys.executable, "-m", "sanxiang.cli"]
SOURCE, RESTORED = "drill-source", "drill-restored"

# S3 request signing needs the real clock (see tests/evidence/test_s3.py); the drill asserts
# nothing that depends on the date.
pytestmark = [
    pytest.mark.real_clock,
    pytest.mark.skipif(
        "DATABASE_URL" not in os.environ, reason="the drill runs in the PostgreSQL leg"
    ),
]

CASES = (
    "from datetime import date\n"
    "from sanxiang.cases.models import Case, evidence_reference\n"
    "from sanxiang.cases.services import NewCase, case_open\n"
    "from sanxiang.org.models import Officer\n"
    "officer = Officer.objects.get(user__username='zhangwei')\n"
    "category = officer.certificates.latest('pk').categories.order_by('pk').first()\n"
    "def new(title):\n"
    "    return case_open(actor=officer, new=NewCase(procedure='penalty_general', title=title,"
    " source='巡查发现', category=category, violation_on=date(2026, 3, 2),"
    " clue_received_on=date(2026, 3, 2)))\n"
)
EVIDENCE = (
    "import io, os\n"
    "from django.utils import timezone\n"
    "from sanxiang.evidence.services import Upload, evidence_register\n"
    "from sanxiang.evidence.storage import digest_stream\n"
    "for n in range(3):\n"
    "    case = new(f'擅自占用城市道路经营 {n}')\n"
    "    data = b'\\x00\\x00\\x00\\x18ftypmp42\\x00\\x00\\x00\\x00' + os.urandom(300_000)\n"
    "    handle = io.BytesIO(data)\n"
    "    evidence_register(actor=officer, upload=Upload(handle=handle, filename='现场录像.mp4',"
    " digests=digest_stream(handle)), metadata={'case_number': evidence_reference(case),"
    " 'kind': 'video', 'collected_at': timezone.now(), 'location': '人民路 100 号',"
    " 'collector': officer, 'proves': '占道经营的事实', 'device': '执法记录仪 DSJ-001'})\n"
)


def _bucket(name: str) -> None:
    s3 = client()
    create_locked_bucket(s3, name)


def _env(var: Path, bucket: str, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANXIANG_VAR")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {
        "SANXIANG_VAR": str(var),
        "SANXIANG_EVIDENCE_S3_BUCKET": bucket,
        "SANXIANG_EVIDENCE_S3_ENDPOINT": ENDPOINT,
        "SANXIANG_EVIDENCE_S3_REGION": "us-east-1",
        "SANXIANG_EVIDENCE_S3_ACCESS_KEY": KEY,
        "SANXIANG_EVIDENCE_S3_SECRET_KEY": SECRET,
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SANXIANG, *args], env=env, capture_output=True, text=True, check=False, timeout=600
    )


def _count_cases(url: str) -> int:
    result = subprocess.run(
        [pg_bin("psql"), url, "-At", "-c", "SELECT count(*) FROM cases_case"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.strip())


@pytest.fixture
def drill_dir() -> Iterator[Path]:
    """A folder the server (user ``postgres`` under root) can reach: pytest's are private."""
    path = Path(tempfile.mkdtemp(prefix="sanxiang-drill-"))
    path.chmod(0o711)
    (path / "sock").mkdir()
    give_to_server_user(path / "sock")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(pgdata: Path, sockets: Path) -> None:
    started = pg_ctl(pgdata, "-w", "-o", f"-k {sockets}", "start", log=pgdata / "restore.log")
    assert started.returncode == 0, started.stderr


def _copy_installation(instance, primary: Cluster, env: dict[str, str]) -> None:
    """The suite's migrated demo installation (on the PostgreSQL leg's server) copied onto the
    archiving primary: its database by pg_dump, its keys, its evidence into the bucket."""
    dump = subprocess.run(
        [pg_bin("pg_dump"), "-Fc", instance.env["DATABASE_URL"]], capture_output=True, check=True
    )
    subprocess.run(
        [pg_bin("pg_restore"), "--exit-on-error", "-d", primary.url], input=dump.stdout,
        check=True,
    )  # fmt: skip
    var = Path(env["SANXIANG_VAR"])
    var.mkdir(mode=0o700)
    shutil.copytree(instance.var / "keys", var / "keys")
    shutil.copy2(instance.var / "secret_key", var / "secret_key")
    s3 = client()
    for path in (instance.var / "evidence").rglob("*"):
        key = path.relative_to(instance.var / "evidence").as_posix()
        if path.is_file() and not key.startswith("."):
            s3.upload_file(str(path), SOURCE, key)


def test_backup_more_writes_restore_into_a_fresh_server_and_bucket_and_verify(
    seaweedfs, drill_dir, instance
):
    tmp_path = drill_dir
    area = tmp_path / "backup"
    primary = Cluster(area / "wal")
    primary.start()
    try:
        source = _env(tmp_path / "var", SOURCE, primary.url)
        _bucket(SOURCE)
        _bucket(RESTORED)
        _copy_installation(instance, primary, source)
        made = _run(source, "shell", "--no-imports", "-c", CASES + EVIDENCE)
        assert made.returncode == 0, made.stderr
        backed_up = _run(source, "backup", str(area))
        assert backed_up.returncode == 0, backed_up.stderr
        objects = len(client().list_object_versions(Bucket=SOURCE)["Versions"])
        assert f"证据：{objects} 个对象版本" in backed_up.stdout
        # Written after the backup: reaches the restore only through the WAL archive.
        time.sleep(1)
        between = datetime.now(UTC)
        time.sleep(1)
        later = _run(source, "shell", "--no-imports", "-c", CASES + "new('备份之后立的案')")
        assert later.returncode == 0, later.stderr
        cases = _count_cases(primary.url)
        primary.archive_now()
    finally:
        primary.stop()

    port = free_port()
    pgdata = tmp_path / "restored-pgdata"
    restored = _run(
        _env(tmp_path / "fresh", RESTORED), "restore", str(area), "--into",
        str(tmp_path / "fresh"), "--pgdata", str(pgdata), "--port", str(port),
    )  # fmt: skip
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "签名树头均在恢复后的数据库中" in restored.stdout
    assert "账本校验（ledger verify）通过" in restored.stdout
    assert "恢复校验通过" in restored.stdout
    # The new bucket holds the evidence, locked for its original retention period.
    s3 = client()
    versions = s3.list_object_versions(Bucket=RESTORED).get("Versions", [])
    assert len(versions) == objects
    retention = s3.get_object_retention(Bucket=RESTORED, Key=versions[0]["Key"])["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    # The case opened after the backup is there: the WAL archive was replayed to its end.
    _start(pgdata, tmp_path / "sock")
    try:
        assert _count_cases(f"postgres://postgres@127.0.0.1:{port}/sanxiang") == cases
    finally:
        pg_ctl(pgdata, "-m", "fast", "-w", "stop")

    # To a point in time: the backup, and the archive only up to ``between``.
    until = tmp_path / "until"
    _bucket("drill-until")
    at = _run(
        _env(until, "drill-until"), "restore", str(area), "--into", str(until), "--pgdata",
        str(tmp_path / "until-pgdata"), "--port", str(port), "--until", between.isoformat(),
    )  # fmt: skip
    assert at.returncode == 0, at.stdout + at.stderr
    _start(tmp_path / "until-pgdata", tmp_path / "sock")
    try:
        assert _count_cases(f"postgres://postgres@127.0.0.1:{port}/sanxiang") == cases - 1
    finally:
        pg_ctl(tmp_path / "until-pgdata", "-m", "fast", "-w", "stop")

    # A backup file changed afterwards: found before anything is restored.
    evidence = sorted((next(p for p in area.iterdir() if p.name != "wal") / "evidence").iterdir())
    with evidence[0].open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"X")
    _bucket("drill-third")
    tampered = _run(
        _env(tmp_path / "third", "drill-third"), "restore", str(area), "--into",
        str(tmp_path / "third"), "--pgdata", str(tmp_path / "third-pgdata"),
    )  # fmt: skip
    assert tampered.returncode == 1
    assert f"备份文件已被改动：evidence/{evidence[0].name}" in tampered.stderr
    assert not (tmp_path / "third").exists()
