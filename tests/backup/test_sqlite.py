"""Backup and restore of the embedded default: SQLite (online backup API) and a local evidence
folder, on a copy of the suite's demo installation."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backup.test_drill import CASES

SANXIANG = [sys.executable, "-m", "sanxiang.cli"]

pytestmark = pytest.mark.skipif(
    "DATABASE_URL" in os.environ, reason="the PostgreSQL leg runs the drill (test_drill.py)"
)

EVIDENCE = (
    "import io\n"
    "from django.utils import timezone\n"
    "from sanxiang.evidence.services import Upload, evidence_register\n"
    "from sanxiang.evidence.storage import digest_stream\n"
    "case = new('擅自占用城市道路经营')\n"
    "handle = io.BytesIO(b'\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF\\x00' + bytes(range(256)) * 40)\n"
    "evidence_register(actor=officer, upload=Upload(handle=handle, filename='现场照片.jpg',"
    " digests=digest_stream(handle)), metadata={'case_number': evidence_reference(case),"
    " 'kind': 'photo', 'collected_at': timezone.now(), 'location': '人民路 100 号',"
    " 'collector': officer, 'proves': '占道经营的事实', 'device': '执法记录仪 DSJ-001'})\n"
)


def _copy(instance, target: Path) -> dict[str, str]:
    """The demo installation copied (its database through SQLite's backup API)."""
    target.mkdir(mode=0o700)
    for name in ("keys", "secret_key", "evidence", "files"):
        source = instance.var / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    src = sqlite3.connect(instance.var / "db.sqlite3")
    dst = sqlite3.connect(target / "db.sqlite3")
    src.backup(dst)
    dst.close()
    src.close()
    return {**instance.env, "SANXIANG_VAR": str(target)}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SANXIANG, *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


def test_a_sqlite_installation_is_backed_up_and_restored_with_its_evidence(instance, tmp_path):
    env = _copy(instance, tmp_path / "var")
    assert _run(env, "shell", "--no-imports", "-c", CASES + EVIDENCE).returncode == 0
    area = tmp_path / "backup"
    first = _run(env, "backup", str(area))
    assert first.returncode == 0, first.stderr
    assert "数据库：SQLite 在线备份" in first.stdout
    # A second backup links the evidence that has not changed instead of copying it again.
    second = _run(env, "backup", str(area))
    assert "已链接" in second.stdout
    sets = sorted(p for p in area.iterdir())
    blob = next(p for p in (sets[-1] / "evidence").rglob("*") if p.is_file())
    assert blob.stat().st_nlink == 2

    fresh = tmp_path / "fresh"
    plain = {k: v for k, v in env.items() if k != "SANXIANG_VAR"}
    restored = _run(plain, "restore", str(area), "--into", str(fresh))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "账本校验（ledger verify）通过" in restored.stdout
    assert "恢复校验通过" in restored.stdout
    stored = fresh / "evidence" / blob.relative_to(sets[-1] / "evidence")
    assert stored.read_bytes() == blob.read_bytes()
    refused = _run(plain, "restore", str(area), "--into", str(fresh))
    assert refused.returncode == 1
    assert "不是空目录" in refused.stderr
    no_point_in_time = _run(
        plain, "restore", str(area), "--into", str(tmp_path / "x"), "--until",
        "2026-06-10T10:00:00+08:00",
    )  # fmt: skip
    assert "SQLite 的备份只能恢复到备份时刻" in no_point_in_time.stderr

    # A backup file changed afterwards stops the restore before anything is written.
    data = blob.read_bytes()
    blob.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # its last byte, whatever it was
    tampered = _run(plain, "restore", str(area), "--into", str(tmp_path / "third"))
    assert tampered.returncode == 1
    assert f"备份文件已被改动：evidence/{stored.relative_to(fresh / 'evidence')}" in (
        tampered.stderr
    )
    assert not (tmp_path / "third").exists()
