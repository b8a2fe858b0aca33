"""The installation directory, secrets and deployment checks."""

from __future__ import annotations

import re
import stat

from sanxiang import instance


def test_secret_key_is_generated_once_privately_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("SANXIANG_VAR", str(tmp_path / "var"))
    monkeypatch.delenv("SANXIANG_SECRET_KEY", raising=False)
    first = instance.secret_key()
    path = tmp_path / "var" / "secret_key"
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert instance.secret_key() == first


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SANXIANG_VAR", str(tmp_path))
    monkeypatch.setenv("SANXIANG_SECRET_KEY", "k" * 60)
    assert instance.secret_key() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_everything_the_installation_wrote_is_under_its_var_directory(instance):
    names = {p.name for p in instance.var.iterdir()}
    assert "secret_key" in names and "static" in names and "log" in names
    if "DATABASE_URL" not in instance.env:
        assert "db.sqlite3" in names


HTTPS_ONLY = {"security.W004", "security.W008", "security.W012", "security.W016"}


def test_check_deploy_is_clean_apart_from_https_on_loopback(instance):
    """With ``--database``, the checks ``migrate`` runs (and ``make run`` prints) are in too:
    the models' indexes against what the database can build."""
    result = instance.sanxiang("check", "--deploy", "--database", "default", check=False)
    found = set(re.findall(r"\((security\.\w+|\w+\.[EW]\d+)\)", result.stdout + result.stderr))
    assert found <= HTTPS_ONLY, found - HTTPS_ONLY


def test_the_suite_runs_on_the_database_it_was_given(db):
    """`make test` runs twice; the second run must really be on PostgreSQL."""
    import os

    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_the_server_keeps_its_control_socket_inside_the_installation(server, instance):
    """Two installations on one machine must not share gunicorn's control socket."""
    import time

    socket_path = instance.var / "run" / "gunicorn.ctl"
    deadline = time.monotonic() + 15  # the arbiter opens it just after the workers start
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert socket_path.is_socket()
