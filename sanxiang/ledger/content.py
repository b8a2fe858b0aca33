"""Who can check the content a ledger entry's SHA-256 refers to (evidence blobs, documents …).

Apps above the ledger register a check per object type; ``sanxiang ledger verify`` calls it for
every entry that carries a content hash, so a blob altered in storage is found too.
"""

from __future__ import annotations

from collections.abc import Callable

# (object_id, expected SHA-256 hex) -> a problem in English, or None when the content matches.
ContentCheck = Callable[[str, str], str | None]

_checks: dict[str, ContentCheck] = {}


def register_content_check(object_type: str, check: ContentCheck) -> None:
    """Let ``verify`` check content of ``object_type`` against the hashes in the ledger."""
    _checks[object_type] = check


def content_check_for(object_type: str) -> ContentCheck | None:
    return _checks.get(object_type)
