"""The SHA-256 a ledger event carries for one version of a record's metadata (pure).

It covers every metadata field and the file's own SHA-256, so a signed leaf pins both the
metadata and the bytes; archive verification recomputes it offline from ``metadata.json``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sanxiang.ledger.canonical import canonical_json

FIELDS = (
    "id", "record_id", "version", "supersedes", "case_number", "target", "kind", "collected_at",
    "location", "collector", "proves", "device", "description", "blob",
)  # fmt: skip


def metadata_digest(fields: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of exactly the ``FIELDS`` of ``fields``."""
    return hashlib.sha256(canonical_json({name: fields[name] for name in FIELDS})).hexdigest()
