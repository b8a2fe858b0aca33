"""Plain-file helpers shared by backup and restore: streamed copies with their SHA-256 and the
manifest. No Django here: ``sanxiang restore`` runs before any settings exist."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
FORMAT = "sanxiang-backup/1"
#: The WAL archive of a backup area: ``archive_command`` copies segments here.
WAL_DIR = "wal"


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
    return manifest


def check_files(backup_set: Path, manifest: dict[str, Any]) -> int:
    """Re-hash every file the manifest lists; raise at the first one missing, cut or altered.
    Returns the number of bytes checked."""
    total = 0
    for entry in manifest["files"]:
        path = backup_set / entry["path"]
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
