"""A new installation used in the wrong order: commands before ``migrate`` answer with one line
saying what to run, never a traceback.

These run the real ``sanxiang`` command in fresh SANXIANG_VAR directories on SQLite (the
suite's DATABASE_URL, if any, is already migrated, so it cannot stand for a fresh database).
"""

from __future__ import annotations

import os
import shutil
import subprocess
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


@pytest.fixture(scope="module")
def _migrated_once(tmp_path_factory) -> Path:
    var: Path = tmp_path_factory.mktemp("migrated")
    done = _installation(var).sanxiang("migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return var


@pytest.fixture
def migrated(_migrated_once, tmp_path) -> Installation:
    """A copy of an installation after ``migrate`` only (no collectstatic, no demo data)."""
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    for source in _migrated_once.iterdir():
        if source.is_file() and (source.name == "secret_key" or source.name.startswith("db.")):
            shutil.copy2(source, var / source.name)
    return _installation(var)


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


def test_a_database_behind_this_version_says_to_run_migrate(migrated):
    assert migrated.sanxiang("migrate", "sessions", "zero", "-v0").returncode == 0
    line = _one_clear_line(migrated.sanxiang("workdays", "between", "2026-01-05", "2026-01-09"))
    assert "1 个迁移尚未应用" in line and "sanxiang migrate" in line
    assert "1 unapplied migrations" in line
    assert migrated.sanxiang("migrate", "--noinput", "-v0").returncode == 0
    assert migrated.sanxiang("workdays", "between", "2026-01-05", "2026-01-09").returncode == 0
