"""Plain-file helpers shared by backup and restore: streamed copies with their SHA-256 and the
manifest. No Django here: ``sanxiang restore`` runs before any settings exist."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
FORMAT = "sanxiang-backup/1"
#: The WAL archive of a backup area: ``archive_command`` copies segments here.
WAL_DIR = "wal"
#: The only keys the evidence store writes (``sanxiang.evidence.storage.blob_name``).
EVIDENCE_KEY = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})")


@dataclass(frozen=True)
class Copied:
    size: int
    sha256: str


def copy_stream(source: IO[bytes], target: Path) -> Copied:
    """Write ``source`` to ``target`` (mode 0600) a chunk at a time, hashing as it goes."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return Copied(size=size, sha256=digest.hexdigest())


def hash_file(path: Path) -> Copied:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Copied(size=size, sha256=digest.hexdigest())


def walk_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, in a stable order."""
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            yield Path(folder) / name


def load_manifest(backup_set: Path) -> dict[str, Any]:
    path = backup_set / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupProblem(f"无法读取备份清单 {path}：{error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupProblem(f"{path} 不是本系统的备份清单（格式 {manifest.get('format')!r}）")
    try:
        _manifest_check(backup_set, manifest)
    except (KeyError, TypeError, AttributeError) as error:
        raise BackupProblem(f"备份清单 {path} 不完整：缺少或错写了 {error}") from None
    return manifest


def set_path(backup_set: Path, relative: str) -> Path:
    """``relative`` (a path the manifest names) inside ``backup_set``: a plain relative path
    whose every part, once there, is a real folder or file, not a symlink."""
    parts = Path(relative).parts if isinstance(relative, str) else ()
    if (
        not parts or Path(relative).is_absolute() or "\\" in relative
        or any(part in ("..", ".") for part in parts)
    ):  # fmt: skip
        raise BackupProblem(f"备份清单中的文件路径不安全：{relative!r}（须在备份目录之内）")
    root = backup_set.resolve()
    path = root.joinpath(*parts)
    if path.exists() and path.resolve() != path:
        raise BackupProblem(f"备份中的文件经由符号链接指向别处：{relative}")
    return path


def _manifest_check(backup_set: Path, manifest: dict[str, Any]) -> None:
    """Refuse a manifest that names a file outside the set or an evidence key the store would
    never write (``../../etc/cron.d/x``): a restore runs as root and writes where it says."""
    listed = set()
    for entry in manifest["files"]:
        set_path(backup_set, entry["path"])
        listed.add(entry["path"])
    evidence = manifest["evidence"]
    for item in [*evidence["objects"], *evidence.get("delete_markers", [])]:
        key = item["key"]
        if not isinstance(key, str) or not EVIDENCE_KEY.fullmatch(key):
            raise BackupProblem(
                f"备份清单中的证据对象名不是本系统的形式（sha256/…）：{key!r}，拒绝恢复"
            )
    for item in evidence["objects"]:
        if item["file"] not in listed:
            raise BackupProblem(f"备份清单中的证据文件不在文件清单内：{item['file']!r}")


def check_files(backup_set: Path, manifest: dict[str, Any]) -> int:
    """Re-hash every file the manifest lists; raise at the first one missing, cut or altered.
    Returns the number of bytes checked."""
    total = 0
    for entry in manifest["files"]:
        path = set_path(backup_set, entry["path"])
        if not path.is_file():
            raise BackupProblem(f"备份文件缺失：{entry['path']}")
        found = hash_file(path)
        if found.size != entry["size"] or found.sha256 != entry["sha256"]:
            raise BackupProblem(
                f"备份文件已被改动：{entry['path']} 的 SHA-256 为 {found.sha256}"
                f"（{found.size} 字节），清单记录为 {entry['sha256']}（{entry['size']} 字节）"
            )
        total += found.size
    return total


class BackupProblem(Exception):
    """Why a backup or restore cannot go on, in Chinese, for the operator."""
