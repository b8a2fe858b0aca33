"""The 电子案卷 package as a file: a deterministic zip and its manifest (pure, no Django).

The same contents always give the same bytes: entries are written in path order, every entry
carries the same timestamp (``FIXED_TIME``) and permissions, JSON is written with sorted keys,
and ``manifest.json`` — every other file with its SHA-256 and size — comes last. Evidence files
are stored uncompressed (photos and videos are compressed already), everything else deflated.

Layout::

    说明.txt                          what is inside and how to check it
    case.json                         the case: parties, handlers, dates, decision
    documents/index.json              every document version (kind, version, 核验码, inputs, hashes)
    documents/<kind>-v<n>-<id>.docx|pdf   the stored Word and PDF of each version
    evidence/records.json             every version of every record's metadata, with its blob's
                                      SHA-256; ``file`` names the included bytes or is empty
    evidence/files/<sha256>           the recorded files up to the size cap
    review/reviews.json               法制审核: rounds, opinions and points, answers, committee
                                      minutes and votes, the need determinations
    review/documents/<kind>-<id>.docx|pdf  审核意见书 and 会议纪要 as stored
    signatures.json                   the 负责人's electronic signatures with their public keys
    timeline.json                     the case's ledger events, in order, with Chinese labels
    ledger/entries.jsonl              those events' leaves, exactly as hashed
    ledger/proofs.json                an RFC 9162 inclusion proof for each, into:
    ledger/tree-head.json             the signed tree head of the agency's log, with its key
    manifest.json                     every file above with its SHA-256
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

FORMAT = "sanxiang-case-archive/1"
MANIFEST = "manifest.json"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no moment leaks in
CHUNK = 1024 * 1024


def json_bytes(value: object) -> bytes:
    """One textual form for one value: sorted keys, UTF-8, indented for people."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class Entry:
    """One file of the package: its bytes, a function opening a stream of them, or a function
    making them when the writer reaches the file (``produce``: what must wait, e.g. the signed
    tree head, waits until the large files before it are written)."""

    path: str
    data: bytes | None = None
    opener: Callable[[], IO[bytes]] | None = None
    produce: Callable[[], bytes] | None = None
    compress: bool = True


@dataclass(frozen=True)
class Written:
    files: int
    size: int
    sha256: str


class _Sink:
    """Where the zip goes: written front to back, never sought back (so the zip carries data
    descriptors), hashed as it is written, so the package's SHA-256 needs no second read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def seek(self, *args: object) -> int:
        raise OSError("the package is written front to back")

    def flush(self) -> None:
        self.handle.flush()


def _info(path: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.create_system = 3  # unix, whatever system builds it
    info.external_attr = 0o644 << 16
    return info


def package_write(
    handle: IO[bytes],
    entries: list[Entry],
    manifest: dict[str, Any] | Callable[[], dict[str, Any]],
) -> Written:
    """Write the package to ``handle`` (from its current position, front to back): the entries
    in path order, then ``manifest`` (or what the function returns once every entry is written)
    with ``files`` (path -> SHA-256 and size). Returns the file count, the size and SHA-256."""
    paths = [entry.path for entry in entries]
    if len(set(paths)) != len(paths) or MANIFEST in paths:
        raise ValueError("package paths must be unique and not the manifest's")
    files: dict[str, dict[str, object]] = {}
    sink = _Sink(handle)
    with zipfile.ZipFile(sink, "w", allowZip64=True) as package:  # type: ignore[call-overload]
        for entry in sorted(entries, key=lambda e: e.path):
            digest, size = hashlib.sha256(), 0
            data = entry.produce() if entry.produce is not None else entry.data
            with package.open(_info(entry.path, entry.compress), "w", force_zip64=True) as out:
                if data is not None:
                    out.write(data)
                    digest.update(data)
                    size = len(data)
                elif entry.opener is not None:
                    with entry.opener() as source:
                        while chunk := source.read(CHUNK):
                            out.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
            files[entry.path] = {"sha256": digest.hexdigest(), "size": size}
        content = manifest() if callable(manifest) else manifest
        package.writestr(_info(MANIFEST, True), json_bytes({**content, "files": files}))
    sink.flush()
    return Written(files=len(files) + 1, size=sink.size, sha256=sink.digest.hexdigest())
