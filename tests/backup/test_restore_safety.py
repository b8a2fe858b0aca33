"""What ``sanxiang restore`` refuses before it writes or deletes anything: a manifest that
points outside the backup set or the evidence folder, a target that holds the backup itself;
and the shell commands it hands PostgreSQL, quoted."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sanxiang.backup.files import FORMAT, MANIFEST, BackupProblem
from sanxiang.backup.postgres import archive_command, conf_quote
from sanxiang.backup.restore import main as restore_main
from sanxiang.backup.restore import restore_command
from sanxiang.backup.verify import _write_local

SHA = hashlib.sha256(b"photo").hexdigest()
KEY = f"sha256/{SHA[:2]}/{SHA[2:4]}/{SHA}"


def _set(area: Path, *, key: str = KEY, file: str = f"evidence/{KEY}") -> Path:
    """A small SQLite backup set written by hand: a database, a secret key, one object."""
    backup_set = area / "20261206T000000000000Z"
    contents = {"database/db.sqlite3": b"SQLite", "var/secret_key": b"s3cret", file: b"photo"}
    entries: list[dict[str, Any]] = []
    for relative, data in contents.items():
        path = backup_set / relative
        if not path.resolve().is_relative_to(backup_set.resolve()):
            path = backup_set / "evidence" / "object"  # the manifest lies about where it is
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entries.append({"path": relative, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    manifest = {
        "format": FORMAT, "started_at": "2026-12-06T00:00:00Z",
        "finished_at": "2026-12-06T00:00:01Z", "tree_heads": [], "database": {"engine": "sqlite"},
        "evidence": {"kind": "local", "objects": [
            {"key": key, "size": 5, "sha256": SHA, "file": file}]},
        "files": entries, "size": sum(entry["size"] for entry in entries),
    }  # fmt: skip
    (backup_set / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return backup_set


def _everything(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.mark.parametrize(
    ("key", "file", "message"),
    [
        ("../../escaped", f"evidence/{KEY}", "证据对象名不是本系统的形式"),
        ("ABSOLUTE/escaped-by-key", f"evidence/{KEY}", "证据对象名不是本系统的形式"),
        (KEY, "../../escaped-source", "文件路径不安全"),
    ],
)
def test_a_manifest_pointing_outside_is_refused_before_anything_is_written(
    tmp_path, capsys, key, file, message
):
    area = tmp_path / "area"
    _set(area, key=key.replace("ABSOLUTE", str(tmp_path)), file=file)
    before = _everything(tmp_path)
    code = restore_main([str(area), "--into", str(tmp_path / "into")])
    assert code == 1
    assert message in capsys.readouterr().err
    assert _everything(tmp_path) == before  # nothing written, not even the target folder


def test_a_symlink_in_the_backup_set_is_not_followed(tmp_path, capsys):
    area = tmp_path / "area"
    backup_set = _set(area)
    outside = tmp_path / "shadow"
    outside.write_bytes(b"s3cret")  # same bytes: the hashes alone would not notice
    (backup_set / "var" / "secret_key").unlink()
    (backup_set / "var" / "secret_key").symlink_to(outside)
    assert restore_main([str(area), "--into", str(tmp_path / "into")]) == 1
    assert "符号链接" in capsys.readouterr().err
    assert not (tmp_path / "into").exists()


def test_the_evidence_folder_is_never_written_outside(tmp_path):
    root = tmp_path / "evidence"
    root.mkdir()
    source = tmp_path / "object"
    source.write_bytes(b"photo")
    for key in ("../outside", f"sha256/../../outside/{SHA}", str(tmp_path / "outside-evidence")):
        with pytest.raises(BackupProblem, match="证据目录"):
            _write_local(root, key, source)
    assert _everything(tmp_path) == {root, source}
    _write_local(root, KEY, source)
    assert (root / KEY).read_bytes() == b"photo"


@pytest.mark.parametrize("where", ["area", "set", "parent", "inside-set"])
def test_replace_refuses_a_target_holding_the_backup(tmp_path, capsys, where):
    area = tmp_path / "area"
    backup_set = _set(area)
    (area / "wal").mkdir()
    into = {
        "area": area,
        "set": backup_set,
        "parent": tmp_path,
        "inside-set": backup_set / "var",
    }[where]
    code = restore_main([str(backup_set), "--into", str(into), "--replace"])
    assert code == 1
    assert "与备份" in capsys.readouterr().err
    assert (backup_set / MANIFEST).is_file()
    assert (backup_set / "var" / "secret_key").read_bytes() == b"s3cret"


def _as_postgresql_runs(command: str, segment: str, source: str) -> None:
    """Substitute %f, %p and %% as PostgreSQL does, then run the command in a shell."""
    text = re.sub("%[fp%]", lambda m: {"%f": segment, "%p": source, "%%": "%"}[m.group()], command)
    subprocess.run(["/bin/sh", "-c", text], check=True)


def test_archive_and_restore_commands_survive_a_space_a_quote_and_a_percent(tmp_path, monkeypatch):
    archive = tmp_path / "wal it's 100% here"
    archive.mkdir()
    segment = "000000010000000000000001"
    (tmp_path / "pg_wal").mkdir()
    (tmp_path / "pg_wal" / segment).write_bytes(b"wal")
    monkeypatch.chdir(tmp_path)  # PostgreSQL runs the command in its data folder: %p is relative
    _as_postgresql_runs(archive_command(archive), segment, f"pg_wal/{segment}")
    assert (archive / segment).read_bytes() == b"wal"
    assert not (archive / f"{segment}.partial").exists()
    _as_postgresql_runs(restore_command(archive), segment, "pg_wal/RECOVERYXLOG")
    assert (tmp_path / "pg_wal" / "RECOVERYXLOG").read_bytes() == b"wal"
    assert conf_quote("cp 'it''s' \\x") == "'cp ''it''''s'' \\\\x'"
