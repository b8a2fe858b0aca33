"""Canonical JSON: the exact bytes a ledger leaf or a tree head signature covers."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _check(value: Any, path: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"floats are not allowed in canonical JSON ({path})")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"keys must be strings ({path})")
            _check(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
    elif value is not None and not isinstance(value, str | int | bool):
        raise TypeError(f"{type(value).__name__} is not allowed in canonical JSON ({path})")


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes), and no floats: one text per value."""
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data`` (the digests events carry)."""
    return hashlib.sha256(data).hexdigest()
