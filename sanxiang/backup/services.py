"""``sanxiang backup``: one backup set of the whole installation (docs/operations/backup.md).

A set is written under ``<area>/.partial-<name>/`` and renamed to ``<area>/<name>/`` once its
manifest is written, so a set that exists is whole; restore ignores the rest.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection

from sanxiang.backup.files import (
    FORMAT,
    MANIFEST,
    WAL_DIR,
    BackupProblem,
    Copied,
    copy_stream,
    hash_file,
    set_path,
    walk_files,
)
from sanxiang.backup.postgres import pg_bin
from sanxiang.core.scratch import EVIDENCE_PARTIAL_DIR
from sanxiang.evidence.storage import evidence_storage
from sanxiang.ledger.models import LedgerLog, TreeHead
from sanxiang.ledger.services import tree_heads_sign

logger = logging.getLogger(__name__)

#: What of ``SANXIANG_VAR`` a restore needs besides the database and the evidence: the ledger's
#: signing keys, the secret key (sessions, signed links) and the generated documents.
VAR_ITEMS = ("keys", "secret_key", "files")


@dataclass
class BackupSet:
    path: Path
    manifest: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, relative: str, copied: Copied) -> None:
        self.files.append({"path": relative, "size": copied.size, "sha256": copied.sha256})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def backup_make(*, area: Path, say: Callable[[str], None] = lambda _: None) -> Path:
    """Write one backup set into ``area``; its path."""
    area.mkdir(mode=0o700, parents=True, exist_ok=True)
    started = datetime.now(UTC)
    name = started.strftime("%Y%m%dT%H%M%S%fZ")
    partial = area / f".partial-{name}"
    partial.mkdir(mode=0o700)
    backup = BackupSet(partial, {"format": FORMAT, "started_at": _now()})
    try:
        backup.manifest["tree_heads"] = _heads(say)
        if connection.vendor == "postgresql":
            backup.manifest["database"] = _postgresql(backup, area, say)
        else:
            backup.manifest["database"] = _sqlite(backup, say)
        backup.manifest["evidence"] = _evidence(backup, area, say)
        _var_files(backup)
        backup.manifest["finished_at"] = _now()
        backup.manifest["files"] = backup.files
        backup.manifest["size"] = sum(entry["size"] for entry in backup.files)
        fd = os.open(partial / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(backup.manifest, out, ensure_ascii=False, indent=1)
        final = area / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    logger.info("backup set %s written: %d files", final, len(backup.files))
    return final


def _heads(say: Callable[[str], None]) -> list[dict[str, Any]]:
    """Sign every log that grew, then the newest head of every log: the restore must reach
    at least these."""
    try:
        tree_heads_sign()
    except Exception as error:  # the key folder unwritable, say: back up what is signed
        logger.exception("signing tree heads before the backup failed")
        say(f"警告：备份前签署树头失败（{error}），清单记录现有最新树头。")
    heads = []
    for log in LedgerLog.objects.order_by("key"):
        head = TreeHead.objects.filter(log=log).select_related("key").order_by("-size", "-id")
        newest = head.first()
        if newest is None:
            continue
        heads.append({
            "log": log.key, "size": newest.size, "root": newest.root,
            "signed_at": newest.signed_at.isoformat(), "key_id": newest.key.key_id,
            "payload": newest.payload, "signature": newest.signature,
        })  # fmt: skip
    say(f"账本：{len(heads)} 个日志的最新签名树头已记入清单。")
    return heads


def _postgresql(backup: BackupSet, area: Path, say: Callable[[str], None]) -> dict[str, Any]:
    database = settings.DATABASES["default"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW archive_mode")
        archive_mode = cursor.fetchone()[0]
        cursor.execute("SHOW archive_command")
        archive_command = cursor.fetchone()[0]
        cursor.execute("SHOW server_version_num")
        version = int(cursor.fetchone()[0])
        cursor.execute("SHOW port")
        port = int(cursor.fetchone()[0])
    wal = (area / WAL_DIR).resolve()
    archived = archive_mode in ("on", "always") and str(wal) in archive_command
    if not archived:
        say(
            f"警告：数据库未把 WAL 归档到 {wal}（archive_mode={archive_mode}），"
            "只能恢复到本次备份结束时；配置方法见 docs/operations/backup.md。"
        )
    env = {
        **os.environ,
        "PGHOST": str(database.get("HOST") or "127.0.0.1"),
        "PGPORT": str(database.get("PORT") or 5432),
        "PGUSER": str(database.get("USER") or ""),
        "PGDATABASE": str(database["NAME"]),
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    target = backup.path / "database"
    say("数据库：pg_basebackup（tar 格式，附 backup_manifest）……")
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own tool
        [pg_bin("pg_basebackup"), "-D", str(target), "-F", "t", "-X", "stream",
         "-c", "fast", "--manifest-checksums=SHA256", "-l", f"sanxiang {backup.path.name}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupProblem(f"pg_basebackup 失败：{result.stderr.strip()}")
    for path in walk_files(target):
        backup.add(path.relative_to(backup.path).as_posix(), hash_file(path))
    return {
        "engine": "postgresql",
        "name": database["NAME"],
        "user": database.get("USER") or "",
        "port": port,
        "server_version_num": version,
        "wal_archive": WAL_DIR if archived else None,
    }


def _sqlite(backup: BackupSet, say: Callable[[str], None]) -> dict[str, Any]:
    """SQLite's online backup API: a consistent copy while the installation keeps serving."""
    source = Path(settings.DATABASES["default"]["NAME"])
    target = backup.path / "database" / "db.sqlite3"
    target.parent.mkdir(mode=0o700)
    target.touch(mode=0o600)
    say("数据库：SQLite 在线备份……")
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst, pages=4096)  # a step at a time, so writers are not held off for long
    finally:
        dst.close()
        src.close()
    backup.add("database/db.sqlite3", hash_file(target))
    return {"engine": "sqlite"}


def _previous_objects(area: Path) -> dict[tuple[str, str], tuple[Path, str]]:
    """The evidence objects of the newest earlier set, by (key, version): an object that has
    not changed since is linked, not copied again."""
    sets = sorted(path for path in area.iterdir() if (path / MANIFEST).is_file())
    if not sets:
        return {}
    try:
        manifest = json.loads((sets[-1] / MANIFEST).read_text(encoding="utf-8"))
    except ValueError:
        return {}
    hashes = {entry["path"]: entry for entry in manifest.get("files", [])}
    found = {}
    for item in manifest.get("evidence", {}).get("objects", []):
        if item.get("file") in hashes:
            try:  # never link in a file from outside the earlier set
                old = set_path(sets[-1], item["file"])
            except BackupProblem:
                continue
            identity = (item["key"], item.get("version_id") or str(item["size"]))
            found[identity] = (old, item["sha256"])
    return found


def _link_or_copy(
    previous: dict[tuple[str, str], tuple[Path, str]], identity: tuple[str, str], target: Path,
    opener: Callable[[], Any],
) -> tuple[Copied, bool]:  # fmt: skip
    old, sha256 = previous.get(identity, (None, ""))
    if old is not None and old.is_file():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.link(old, target)
        linked = hash_file(target)
        if linked.sha256 == sha256:
            return linked, True
        target.unlink()  # the earlier set's copy is damaged: fetch the object again
    with opener() as handle:
        return copy_stream(handle, target), False


def _evidence(backup: BackupSet, area: Path, say: Callable[[str], None]) -> dict[str, Any]:
    storage = evidence_storage()
    previous = _previous_objects(area)
    objects: list[dict[str, Any]] = []
    linked = 0
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        for path in walk_files(root):
            key = path.relative_to(root).as_posix()
            if key.startswith(f"{EVIDENCE_PARTIAL_DIR}/"):
                continue
            relative = f"evidence/{key}"
            size = str(path.stat().st_size)
            copied, was_linked = _link_or_copy(
                previous, (key, size), backup.path / relative, partial(path.open, "rb")
            )
            linked += was_linked
            backup.add(relative, copied)
            objects.append({"key": key, "size": copied.size, "sha256": copied.sha256,
                            "file": relative})  # fmt: skip
        kind: dict[str, Any] = {"kind": "local"}
    else:
        client = storage.connection.meta.client  # type: ignore[attr-defined]
        bucket = storage.bucket_name  # type: ignore[attr-defined]
        markers: list[dict[str, Any]] = []
        number = 0
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            markers += [
                {"key": marker["Key"], "version_id": marker["VersionId"],
                 "last_modified": marker["LastModified"].isoformat()}
                for marker in page.get("DeleteMarkers", [])
            ]  # fmt: skip
            for version in page.get("Versions", []):
                number += 1
                relative = f"evidence/{number:08d}"
                key, version_id = version["Key"], version["VersionId"]

                def opener(key: str = key, version_id: str = version_id) -> Any:
                    return client.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"]

                copied, was_linked = _link_or_copy(
                    previous, (key, version_id), backup.path / relative, opener
                )
                linked += was_linked
                backup.add(relative, copied)
                objects.append({
                    "key": key, "version_id": version_id, "latest": version["IsLatest"],
                    "last_modified": version["LastModified"].isoformat(),
                    "size": copied.size, "sha256": copied.sha256, "file": relative,
                    "retention": _retention(client, bucket, key, version_id),
                })  # fmt: skip
        kind = {"kind": "s3", "bucket": bucket, "delete_markers": markers}
    size = sum(item["size"] for item in objects)
    say(
        f"证据：{len(objects)} 个对象版本，{size} 字节"
        + (f"（其中 {linked} 个与上一次备份相同，已链接）" if linked else "")
        + "。"
    )
    return {**kind, "objects": objects}


def _retention(client: Any, bucket: str, key: str, version_id: str) -> dict[str, str] | None:
    from botocore.exceptions import ClientError

    try:
        found = client.get_object_retention(Bucket=bucket, Key=key, VersionId=version_id)
    except ClientError:
        return None  # no retention on this version (or the bucket has no Object Lock)
    retention = found.get("Retention") or {}
    if not retention.get("Mode"):
        return None
    return {"mode": retention["Mode"], "until": retention["RetainUntilDate"].isoformat()}


def _var_files(backup: BackupSet) -> None:
    var = Path(settings.VAR_DIR)
    for item in VAR_ITEMS:
        source = var / item
        paths = (
            [source] if source.is_file() else list(walk_files(source)) if source.is_dir() else []
        )
        for path in paths:
            relative = f"var/{path.relative_to(var).as_posix()}"
            with path.open("rb") as handle:
                backup.add(relative, copy_stream(handle, backup.path / relative))
