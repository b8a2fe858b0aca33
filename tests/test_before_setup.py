"""A new installation used in the wrong order: commands before ``migrate``, ``serve`` before
``collectstatic``. Each answers with one line saying what to run, never a traceback or a 500.

These run the real ``sanxiang`` command in fresh SANXIANG_VAR directories on SQLite (the
suite's DATABASE_URL, if any, is already migrated, so it cannot stand for a fresh database).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SANXIANG


@dataclass
class Installation:
    var: Path
    env: dict[str, str]

    def sanxiang(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SANXIANG), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )


def _installation(var: Path) -> Installation:
    env = {**os.environ, "SANXIANG_VAR": str(var)}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    return Installation(var=var, env=env)


@pytest.fixture
def fresh(tmp_path) -> Installation:
    """An installation nobody has run ``migrate`` in yet."""
    return _installation(tmp_path / "var")


@pytest.fixture
def migrated(migrated_sqlite, tmp_path) -> Installation:
    """A copy of an installation after ``migrate`` only (no collectstatic, no demo data)."""
    return _installation(migrated_sqlite(tmp_path / "var"))


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_command_before_migrate_says_to_run_migrate_instead_of_a_traceback(fresh):
    for command in (
        ["export", "publications", "--format", "csv"],
        ["demo"],
        ["workdays", "between", "2026-01-05", "2026-01-09"],
        ["serve", "--port", "1"],
    ):
        line = _one_clear_line(fresh.sanxiang(*command))
        assert "数据库尚未初始化" in line and "sanxiang migrate" in line, command
        assert "database not initialised" in line, command


def test_migrate_check_and_help_still_work_before_migrate(fresh):
    for command in (["check"], ["showmigrations"], ["export", "--help"], ["help"]):
        result = fresh.sanxiang(*command)
        assert result.returncode == 0, (command, result.stderr)
    assert fresh.sanxiang("migrate", "--noinput", "-v0").returncode == 0
    assert fresh.sanxiang("workdays", "between", "2026-01-05", "2026-01-09").returncode == 0


def test_redact_works_on_a_machine_that_has_no_database(fresh, tmp_path):
    """``sanxiang redact`` needs no table (a clerk redacts a 决定书 before any case exists)."""
    text = tmp_path / "决定书.txt"
    text.write_text("当事人：王小明，身份证号码：110101199003071234。", encoding="utf-8")
    result = fresh.sanxiang("redact", str(text), "--party", "王小明")
    assert result.returncode == 0, result.stderr
    assert "王小明" not in result.stdout and "110101199003071234" not in result.stdout


def test_a_database_behind_this_version_says_to_run_migrate(migrated):
    assert migrated.sanxiang("migrate", "sessions", "zero", "-v0").returncode == 0
    line = _one_clear_line(migrated.sanxiang("workdays", "between", "2026-01-05", "2026-01-09"))
    assert "1 个迁移尚未应用" in line and "sanxiang migrate" in line
    assert "1 unapplied migrations" in line
    assert migrated.sanxiang("migrate", "--noinput", "-v0").returncode == 0
    assert migrated.sanxiang("workdays", "between", "2026-01-05", "2026-01-09").returncode == 0


def test_serve_without_collecting_refuses_with_a_clear_message(migrated):
    line = _one_clear_line(migrated.sanxiang("serve", "--no-collectstatic", "--port", "1"))
    assert "静态文件尚未收集" in line and "sanxiang collectstatic --noinput" in line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(migrated) -> Iterator[str]:
    """``sanxiang serve`` on the migrated-only installation; yields its base URL."""
    port = _free_port()
    log = migrated.var / "serve.out"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(SANXIANG), "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=migrated.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/gongshi/ledger/checkpoint", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # the server is up; what it answers is for the test to judge
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sanxiang serve did not come up:\n" + log.read_text())
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_after_migrate_only_collects_static_files_and_answers_200(served, migrated):
    with urllib.request.urlopen(f"{served}/gongshi/", timeout=30) as response:
        assert response.status == 200
        page = response.read().decode()
    stylesheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', page)
    assert stylesheets, page[:500]
    for href in stylesheets:
        with urllib.request.urlopen(f"{served}{href}", timeout=30) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/css")
    manifest = json.loads((migrated.var / "static" / "staticfiles.json").read_text())
    assert manifest["paths"]
    assert "collecting static files" in (migrated.var / "serve.out").read_text()


def test_serve_collects_again_when_the_collection_is_older_than_the_code(settings, tmp_path):
    """After an upgrade the manifest lacks new files or predates changed ones: collect again."""
    from django.core.management import call_command

    from sanxiang.core.management.commands.serve import static_files_problem

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert static_files_problem() == "not collected yet"
    call_command("collectstatic", interactive=False, verbosity=0)
    assert static_files_problem() is None
    manifest = tmp_path / "static" / "staticfiles.json"
    collected = json.loads(manifest.read_text())
    dropped = sorted(collected["paths"])[0]
    del collected["paths"][dropped]
    manifest.write_text(json.dumps(collected))
    assert static_files_problem() == f"{dropped} is new since the last collection"
    call_command("collectstatic", interactive=False, verbosity=0)
    assert static_files_problem() is None
    os.utime(manifest, (0, 0))
    problem = static_files_problem()
    assert problem is not None and problem.endswith("changed since the last collection")
