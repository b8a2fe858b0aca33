"""Case-file archive (归档): a self-contained, BagIt-style package that verifies offline.

Layout::

    bagit.txt  bag-info.txt
    data/records/<item id>-<original name>   the recorded files, byte for byte
    data/metadata.json                        every version of every record's metadata
    ledger/leaves.jsonl                       the ledger leaves about these records
    ledger/proofs.json                        an RFC 9162 inclusion proof for each leaf
    ledger/tree-head.json                     the signed tree head they prove into, with its key
    manifest-sha256.txt  manifest-sm3.txt     digests of every data file
    tagmanifest-sha256.txt                    digests of every other file

``archive_verify`` needs nothing but the package: it checks the manifests, the signature, every
proof, and that each record file is the one its ``evidence.created`` leaf names.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.evidence.models import AccessAction, AccessRecord, EvidenceItem
from sanxiang.evidence.storage import CHUNK, Digests, open_blob
from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.selectors import inclusion_proof
from sanxiang.ledger.services import SYSTEM, ledger_append, tree_head_sign
from sanxiang.ledger.signing import verify_signature

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _digest_file(path: Path) -> Digests:
    digests = Digests()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digests.update(chunk)
    return digests


def archive_export(*, case_number: str, out_dir: Path) -> Path:
    """Write the archive of ``case_number`` under ``out_dir``; each export is a recorded event."""
    items = list(
        EvidenceItem.objects.filter(case_number=case_number)
        .select_related("blob", "collector", "target")
        .order_by("record_id", "version")
    )
    if not items:
        raise DomainError(
            f"案件 {case_number} 没有登记任何记录。", log_message=f"no evidence for {case_number}"
        )
    bag = out_dir / _UNSAFE.sub("_", case_number)
    if bag.exists():
        raise DomainError(f"目录 {bag} 已存在，请换一个输出目录。", log_message=f"{bag} exists")
    with transaction.atomic():
        for item in items:
            if hasattr(item, "superseded_by"):
                continue
            entry = ledger_append(
                actor=SYSTEM,
                action="evidence.exported",
                object_type="evidence.evidenceitem",
                object_id=item.pk,
                agency_id=item.agency_id,
                content_sha256=item.blob_id,
            )
            AccessRecord.objects.create(
                item=item,
                actor=SYSTEM,
                action=AccessAction.EXPORT,
                reason="归档导出",
                ledger_sequence=entry.sequence,
            )
        head = tree_head_sign()
    (bag / "data" / "records").mkdir(parents=True)
    (bag / "ledger").mkdir()
    metadata = []
    manifest: dict[str, Digests] = {}
    for item in items:
        # Versions of one record share its bytes (corrections change metadata only).
        relative = f"data/records/{item.record_id}-{_UNSAFE.sub('_', item.original_filename)}"
        if relative not in manifest:
            with open_blob(item.blob.storage_name) as source, (bag / relative).open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            manifest[relative] = _digest_file(bag / relative)
        metadata.append(
            {
                "id": item.pk,
                "record_id": item.record_id,
                "version": item.version,
                "supersedes": item.supersedes_id,
                "correction_reason": item.correction_reason,
                "case_number": item.case_number,
                "kind": item.kind,
                "collected_at": item.collected_at.isoformat(),
                "location": item.location,
                "collector": item.collector.name,
                "proves": item.proves,
                "device": item.device,
                "target": item.target.name if item.target else None,
                "file": relative,
                "sha256": item.blob.sha256,
                "sm3": item.blob.sm3,
                "size": item.blob.size,
            }
        )
    (bag / "data" / "metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    manifest["data/metadata.json"] = _digest_file(bag / "data" / "metadata.json")

    entries = LedgerEntry.objects.filter(
        object_type="evidence.evidenceitem",
        object_id__in=[str(item.pk) for item in items],
        sequence__lt=head.size,
    ).order_by("sequence")
    with (bag / "ledger" / "leaves.jsonl").open("w", encoding="utf-8") as leaves:
        proofs = {}
        for entry in entries:
            leaves.write(
                json.dumps({"index": entry.sequence, "leaf": entry.leaf}, ensure_ascii=False) + "\n"
            )
            proofs[str(entry.sequence)] = [
                base64.b64encode(node).decode()
                for node in inclusion_proof(index=entry.sequence, size=head.size)
            ]
    (bag / "ledger" / "proofs.json").write_text(
        json.dumps({"tree_size": head.size, "proofs": proofs}), encoding="utf-8"
    )
    (bag / "ledger" / "tree-head.json").write_text(
        json.dumps(
            {
                "tree_size": head.size,
                "root_hex": head.root,
                "payload": head.payload,
                "signature": head.signature,
                "algorithm": head.key.algorithm,
                "public_key_pem": head.key.public_key_pem,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    (bag / "bagit.txt").write_text(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    octets = sum(d.size for d in manifest.values())
    (bag / "bag-info.txt").write_text(
        f"External-Identifier: {case_number}\nBagging-Date: {timezone.localdate().isoformat()}\n"
        f"Payload-Oxum: {octets}.{len(manifest)}\nSource-Organization: Sanxiang\n",
        encoding="utf-8",
    )
    for algorithm in ("sha256", "sm3"):
        lines = [f"{getattr(d, algorithm)}  {path}" for path, d in sorted(manifest.items())]
        (bag / f"manifest-{algorithm}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tags = [
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sm3.txt",
        "ledger/leaves.jsonl", "ledger/proofs.json", "ledger/tree-head.json",
    ]  # fmt: skip
    lines = [f"{_digest_file(bag / tag).sha256}  {tag}" for tag in tags]
    (bag / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bag


class ArchiveInvalid(Exception):
    """The first problem found in an archive package (English)."""


def _manifest(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


def archive_verify(bag: Path) -> str:
    """Check a package offline; returns a summary, raises ``ArchiveInvalid`` on a problem."""
    if not (bag / "bagit.txt").is_file():
        raise ArchiveInvalid(f"{bag} is not an archive package (no bagit.txt)")
    for name, digest in _manifest(bag / "tagmanifest-sha256.txt").items():
        if not (bag / name).is_file() or _digest_file(bag / name).sha256 != digest:
            raise ArchiveInvalid(f"tag file {name} is missing or altered")
    sha256 = _manifest(bag / "manifest-sha256.txt")
    sm3 = _manifest(bag / "manifest-sm3.txt")
    present = {str(p.relative_to(bag)) for p in (bag / "data").rglob("*") if p.is_file()}
    if present != set(sha256) or present != set(sm3):
        raise ArchiveInvalid(f"data files and manifests disagree: {sorted(present ^ set(sha256))}")
    for name in sorted(present):
        digests = _digest_file(bag / name)
        if digests.sha256 != sha256[name] or digests.sm3 != sm3[name]:
            raise ArchiveInvalid(f"{name} does not match its SHA-256/SM3 manifest entry")
    head = json.loads((bag / "ledger" / "tree-head.json").read_text(encoding="utf-8"))
    payload = head["payload"].encode()
    if not verify_signature(head["algorithm"], head["public_key_pem"], payload, head["signature"]):
        raise ArchiveInvalid("the tree head's signature is invalid")
    signed = json.loads(payload)
    root = bytes.fromhex(signed["root"])
    size = signed["size"]
    proofs = json.loads((bag / "ledger" / "proofs.json").read_text(encoding="utf-8"))
    created: dict[str, str] = {}
    count = 0
    for line in (bag / "ledger" / "leaves.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        leaf = record["leaf"].encode("utf-8")
        proof = [base64.b64decode(node) for node in proofs["proofs"][str(record["index"])]]
        if not merkle.verify_inclusion(leaf, record["index"], size, proof, root):
            raise ArchiveInvalid(f"ledger leaf {record['index']} is not in the signed tree")
        body = json.loads(leaf)
        if body["action"] == "evidence.created":
            created[body["object_id"]] = body["content_sha256"]
        count += 1
    metadata = json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))
    for item in metadata:
        if item["version"] == 1 and created.get(str(item["id"])) != sha256[item["file"]]:
            raise ArchiveInvalid(
                f"{item['file']} is not the file the ledger recorded for record {item['id']}"
            )
    return f"OK {len(present)} files, {count} ledger leaves, tree size {size}"
