"""What ``sanxiang restore-verify`` does inside a restored installation: put the backup's
evidence objects into this installation's store, then prove the installation against the
backup's manifest."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage

from sanxiang.backup.files import EVIDENCE_KEY, BackupProblem, set_path
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import blob_problem, evidence_storage
from sanxiang.ledger.models import TreeHead
from sanxiang.ledger.verify import verify_ledger


@dataclass
class RestoreReport:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def objects_restore(backup_set: Path, manifest: dict[str, Any]) -> str:
    """Copy the backup's evidence objects into this installation's evidence store; what was
    done, in a sentence. Into S3, every version is put back in the order it was written, with
    its Object Lock retention if that has not run out (the bucket's own default applies
    otherwise), and deletions are replayed; into a folder, the newest version of each key."""
    evidence = manifest["evidence"]
    objects = evidence["objects"]
    for item in [*objects, *evidence.get("delete_markers", [])]:  # load_manifest checked these
        if not EVIDENCE_KEY.fullmatch(item["key"]):
            raise BackupProblem(f"备份清单中的证据对象名不是本系统的形式：{item['key']!r}")
    storage = evidence_storage()
    if isinstance(storage, FileSystemStorage):
        newest = [item for item in objects if item.get("latest", True)]
        root = Path(storage.location)
        for item in newest:
            _write_local(root, item["key"], set_path(backup_set, item["file"]))
        return f"证据：{len(newest)} 个对象已写入 {root}。"
    client = storage.connection.meta.client  # type: ignore[attr-defined]
    bucket = storage.bucket_name  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    events = [(item["last_modified"], 0, item) for item in objects] + [
        (marker["last_modified"], 1, marker) for marker in evidence.get("delete_markers", [])
    ]
    locked = 0
    for _, is_marker, item in sorted(events, key=lambda event: (event[0], event[1])):
        if is_marker:
            client.delete_object(Bucket=bucket, Key=item["key"])
            continue
        extra: dict[str, Any] = {}
        retention = item.get("retention")
        until = datetime.fromisoformat(retention["until"]) if retention else None
        if retention and until and until > now:
            extra = {"ObjectLockMode": retention["mode"], "ObjectLockRetainUntilDate": until}
            locked += 1
        with set_path(backup_set, item["file"]).open("rb") as handle:
            client.upload_fileobj(handle, bucket, item["key"], ExtraArgs=extra)
    return (
        f"证据：{len(objects)} 个对象版本已写入存储桶 {bucket}"
        f"（{locked} 个按原保留期限锁定），删除标记 {len(evidence.get('delete_markers', []))} 个。"
    )


def _write_local(root: Path, key: str, source: Path) -> None:
    root = root.resolve()
    target = (root / key).resolve()
    if not EVIDENCE_KEY.fullmatch(key) or not target.is_relative_to(root) or target == root:
        raise BackupProblem(f"证据对象 {key!r} 会写到证据目录 {root} 之外，拒绝写入")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def installation_verify(
    manifest: dict[str, Any], say: Callable[[str], None] = lambda _: None
) -> RestoreReport:
    """Check this installation against a backup's manifest: the ledger reaches every tree head
    the manifest recorded, with the same signed roots; ``ledger verify`` passes; every evidence
    blob the database knows is stored and hashes to its recorded SHA-256."""
    report = RestoreReport()
    heads = manifest["tree_heads"]
    for head in heads:
        if not TreeHead.objects.filter(
            log__key=head["log"], size=head["size"], root=head["root"],
            payload=head["payload"], signature=head["signature"],
        ).exists():  # fmt: skip
            report.problems.append(
                f"日志 {head['log']} 备份时的签名树头（大小 {head['size']}，根 {head['root']}）"
                "不在恢复后的数据库中"
            )
    if not report.problems:
        report.checked.append(
            f"备份时的 {len(heads)} 个签名树头均在恢复后的数据库中，内容与签名一致"
        )
    say("正在校验账本（ledger verify）与证据文件……")
    ledger = verify_ledger()
    for head in heads:
        size, _root = ledger.logs.get(head["log"], (0, b""))
        if size < head["size"]:
            report.problems.append(
                f"日志 {head['log']} 恢复后只有 {size} 条，少于备份时签名的 {head['size']} 条"
            )
    report.problems += [f"账本校验：{problem}" for problem in ledger.problems[:50]]
    if ledger.ok:
        report.checked.append(
            f"账本校验（ledger verify）通过：{ledger.size} 条记录，{len(ledger.logs)} 个日志，"
            f"{ledger.heads_checked} 个签名树头的根与重算一致（含备份时的 {len(heads)} 个）"
        )
    # Every blob the database knows, and every content-addressed object the backup held (an
    # archive package, say): stored, and hashing to the SHA-256 it is named by.
    names = dict(Blob.objects.values_list("storage_name", "sha256"))
    for item in manifest["evidence"]["objects"]:
        if item.get("latest", True) and item["key"].startswith("sha256/"):
            names.setdefault(item["key"], item["key"].rsplit("/", 1)[-1])
    for name, sha256 in sorted(names.items()):
        problem = blob_problem(name, sha256)
        if problem:
            report.problems.append(f"证据文件：{problem}")
    report.checked.append(f"证据文件：{len(names)} 个，逐一重算 SHA-256，与记录一致")
    return report
