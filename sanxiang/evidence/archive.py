"""Case-file archive (归档): a self-contained, BagIt-style package that verifies offline.

Layout::

    bagit.txt  bag-info.txt
    data/records/<record id>-<original name>  the recorded files, byte for byte
    data/metadata.json                        every version of every record's metadata
    ledger/leaves.jsonl                       the ledger leaves about these records
    ledger/proofs.json                        an RFC 9162 inclusion proof for each leaf
    ledger/tree-head.json                     the signed tree head they prove into, with its key
    manifest-sha256.txt  manifest-sm3.txt     digests of every data file
    tagmanifest-sha256.txt                    digests of every other file

``archive_verify`` needs nothing but the package, and trusts nothing in it but the signature:
from the signed tree head it checks every leaf's proof; from the ``created``/``corrected``
leaves every version's metadata (by its digest); from the metadata every file (by its SHA-256);
and the manifests on top. Compare the key id it prints with the one published on the portal.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.evidence.digest import metadata_digest
from sanxiang.evidence.events import metadata_fields
from sanxiang.evidence.models import AccessAction, EvidenceItem
from sanxiang.evidence.services import evidence_open
from sanxiang.evidence.storage import CHUNK, Digests, open_blob
from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.selectors import inclusion_proof, log_for
from sanxiang.ledger.services import tree_head_sign
from sanxiang.ledger.signing import key_id, verify_signature

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
METADATA_EVENTS = ("evidence.created", "evidence.corrected")


def _digest_file(path: Path) -> Digests:
    digests = Digests()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digests.update(chunk)
    return digests


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def archive_export(*, case_number: str, out_dir: Path) -> Path:
    """Write the archive of ``case_number`` under ``out_dir`` (readable by its owner only).

    Each export is a recorded look (导出) at every current record, signed into a fresh tree
    head before the package is written.
    """
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
            if not EvidenceItem.objects.filter(supersedes=item).exists():
                evidence_open(
                    actor=None, item_id=item.pk, action=AccessAction.EXPORT, reason="归档导出"
                )
        # One case's records are one agency's: its log holds all their events.
        head = tree_head_sign(log=log_for(agency_id=items[0].agency_id))
    for folder in (bag, bag / "data", bag / "data" / "records", bag / "ledger"):
        folder.mkdir(mode=0o700, parents=True)
    metadata = []
    manifest: dict[str, Digests] = {}
    for item in items:
        # Versions of one record share its bytes (corrections change metadata only).
        relative = f"data/records/{item.record_id}-{_UNSAFE.sub('_', item.original_filename)}"
        if relative not in manifest:
            fd = os.open(bag / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open_blob(item.blob.storage_name) as source, os.fdopen(fd, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            manifest[relative] = _digest_file(bag / relative)
        metadata.append(
            {
                "ledger_fields": metadata_fields(item),
                "file": relative,
                "sm3": item.blob.sm3,
                "size": item.blob.size,
                "collector_name": item.collector.name,
                "target_name": item.target.name if item.target else None,
                "correction_reason": item.correction_reason,
            }
        )
    _write_private(
        bag / "data" / "metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2)
    )
    manifest["data/metadata.json"] = _digest_file(bag / "data" / "metadata.json")

    entries = LedgerEntry.objects.filter(
        object_type="evidence.evidenceitem",
        object_id__in=[str(item.pk) for item in items],
        log_id=head.log_id,
        index__lt=head.size,
    ).order_by("index")
    lines, proofs = [], {}
    for entry in entries:
        lines.append(json.dumps({"index": entry.index, "leaf": entry.leaf}, ensure_ascii=False))
        path = inclusion_proof(index=entry.index, size=head.size, log=head.log)
        proofs[str(entry.index)] = [base64.b64encode(node).decode() for node in path]
    _write_private(bag / "ledger" / "leaves.jsonl", "\n".join(lines) + "\n")
    _write_private(
        bag / "ledger" / "proofs.json", json.dumps({"tree_size": head.size, "proofs": proofs})
    )
    head_json = {
        "tree_size": head.size,
        "root_hex": head.root,
        "payload": head.payload,
        "signature": head.signature,
        "algorithm": head.key.algorithm,
        "key_id": head.key.key_id,
        "public_key_pem": head.key.public_key_pem,
    }
    _write_private(
        bag / "ledger" / "tree-head.json", json.dumps(head_json, ensure_ascii=False, indent=2)
    )
    _write_private(bag / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    octets = sum(d.size for d in manifest.values())
    _write_private(
        bag / "bag-info.txt",
        f"External-Identifier: {case_number}\nBagging-Date: {timezone.localdate().isoformat()}\n"
        f"Payload-Oxum: {octets}.{len(manifest)}\nSource-Organization: Sanxiang\n",
    )
    for algorithm in ("sha256", "sm3"):
        rows = [f"{getattr(d, algorithm)}  {path}" for path, d in sorted(manifest.items())]
        _write_private(bag / f"manifest-{algorithm}.txt", "\n".join(rows) + "\n")
    tags = [
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sm3.txt",
        "ledger/leaves.jsonl", "ledger/proofs.json", "ledger/tree-head.json",
    ]  # fmt: skip
    rows = [f"{_digest_file(bag / tag).sha256}  {tag}" for tag in tags]
    _write_private(bag / "tagmanifest-sha256.txt", "\n".join(rows) + "\n")
    return bag


class ArchiveInvalid(Exception):
    """The first problem found in an archive package (English)."""


def _manifest(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


def archive_verify(bag: Path, *, expected_key_id: str = "") -> str:
    """Check a package offline; returns a summary, raises ``ArchiveInvalid`` on a problem."""
    if not (bag / "bagit.txt").is_file():
        raise ArchiveInvalid(f"{bag} is not an archive package (no bagit.txt)")
    # 1. the signed tree head, and every leaf's proof into it
    head = json.loads((bag / "ledger" / "tree-head.json").read_text(encoding="utf-8"))
    signer = key_id(head["public_key_pem"])
    if expected_key_id and signer != expected_key_id:
        raise ArchiveInvalid(f"signed by key {signer}, not the expected {expected_key_id}")
    payload = head["payload"].encode()
    if not verify_signature(head["algorithm"], head["public_key_pem"], payload, head["signature"]):
        raise ArchiveInvalid("the tree head's signature is invalid")
    signed = json.loads(payload)
    if signed.get("key_id") != signer:
        raise ArchiveInvalid("the tree head names another key than the one that signed it")
    root, size = bytes.fromhex(signed["root"]), signed["size"]
    proofs = json.loads((bag / "ledger" / "proofs.json").read_text(encoding="utf-8"))["proofs"]
    pinned: dict[str, str] = {}  # version id -> metadata digest, from signed leaves
    count = 0
    for line in (bag / "ledger" / "leaves.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        leaf = record["leaf"].encode("utf-8")
        proof = [base64.b64decode(node) for node in proofs.get(str(record["index"]), [])]
        if not merkle.verify_inclusion(leaf, record["index"], size, proof, root):
            raise ArchiveInvalid(f"ledger leaf {record['index']} is not in the signed tree")
        body = json.loads(leaf)
        if body["action"] in METADATA_EVENTS:
            pinned[body["object_id"]] = body["content_sha256"]
        count += 1
    # 2. every version's metadata, against its signed leaf; 3. every file, against its metadata
    metadata = json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    files: dict[str, str] = {}
    for entry in metadata:
        fields = entry["ledger_fields"]
        version = str(fields["id"])
        if pinned.get(version) != metadata_digest(fields):
            raise ArchiveInvalid(
                f"metadata of record version {version} is not what the ledger recorded"
            )
        seen.add(version)
        files[entry["file"]] = fields["blob"]
    if seen != set(pinned):
        raise ArchiveInvalid(
            f"record versions {sorted(set(pinned) - seen)} are missing from the package"
        )
    present = {
        str(p.relative_to(bag)) for p in (bag / "data" / "records").rglob("*") if p.is_file()
    }
    if present != set(files):
        raise ArchiveInvalid(f"record files and metadata disagree: {sorted(present ^ set(files))}")
    for name, sha256 in sorted(files.items()):
        if _digest_file(bag / name).sha256 != sha256:
            raise ArchiveInvalid(f"{name} is not the file the ledger recorded")
    # 4. the BagIt manifests
    for name, digest in _manifest(bag / "tagmanifest-sha256.txt").items():
        if not (bag / name).is_file() or _digest_file(bag / name).sha256 != digest:
            raise ArchiveInvalid(f"tag file {name} is missing or altered")
    sha_manifest = _manifest(bag / "manifest-sha256.txt")
    sm3_manifest = _manifest(bag / "manifest-sm3.txt")
    payload_files = present | {"data/metadata.json"}
    if payload_files != set(sha_manifest) or payload_files != set(sm3_manifest):
        raise ArchiveInvalid("data files and manifests disagree")
    for name in sorted(payload_files):
        digests = _digest_file(bag / name)
        if digests.sha256 != sha_manifest[name] or digests.sm3 != sm3_manifest[name]:
            raise ArchiveInvalid(f"{name} does not match its SHA-256/SM3 manifest entry")
    summary = f"OK {len(payload_files)} files, {count} ledger leaves, tree size {size}"
    return f"{summary}, signed by key {signer}"
