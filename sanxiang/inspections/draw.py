"""SX-DRAW-1: the random draw of 双随机一公开 that anyone can recompute.

The algorithm is fixed by issue #14 and printed in docs/operations/inspections.md; this
module is its reference implementation (stdlib only, no Django) and the JavaScript
verifier on the portal (portal/static/portal/sxdraw.js) must agree with it byte for byte.

* ``canon(x)``: compact JSON, keys sorted, non-ASCII kept, as UTF-8 bytes.
* The candidate and inspector lists are unique public identifiers sorted by their UTF-8
  bytes; their hashes are frozen (and entered in the ledger) before any beacon is known.
* ``seed = sha256("SX-DRAW-1\\n" + candidates_sha256 + "\\n" + inspectors_sha256 + "\\n" +
  canon(beacons))`` with the hex digests as ASCII.
* ``pick`` is a partial Fisher–Yates shuffle driven by ``sha256(seed + label + j)``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ALGORITHM = "SX-DRAW-1"


class DrawInputError(ValueError):
    """The lists or numbers given to a draw break a rule of SX-DRAW-1 (message in Chinese)."""


def canon(value: Any) -> bytes:
    """The canonical JSON bytes of ``value`` that every hash in SX-DRAW-1 is taken over."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sorted_identifiers(values: Sequence[str], *, what: str) -> list[str]:
    """The identifiers sorted by their UTF-8 bytes; a duplicate or an empty one is refused."""
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            raise DrawInputError(f"{what}中有空白或前后带空格的标识：「{value}」")
        if value in seen:
            raise DrawInputError(f"{what}中的标识「{value}」重复出现")
        seen.add(value)
    return sorted(values, key=lambda v: v.encode())


def list_sha256(values: Sequence[str]) -> str:
    """The hex SHA-256 of a sorted identifier list (candidates_sha256, inspectors_sha256)."""
    return hashlib.sha256(canon(list(values))).hexdigest()


def seed_of(candidates_sha256: str, inspectors_sha256: str, beacons: Sequence[str]) -> bytes:
    """The 32-byte seed of a draw from the frozen hashes and the beacons, in order."""
    return hashlib.sha256(
        ALGORITHM.encode()
        + b"\n"
        + candidates_sha256.encode("ascii")
        + b"\n"
        + inspectors_sha256.encode("ascii")
        + b"\n"
        + canon(list(beacons))
    ).digest()


def pick(pool: Sequence[str], k: int, label: bytes, seed: bytes) -> list[str]:
    """The first ``k`` of a partial Fisher–Yates shuffle of ``pool`` keyed by seed and label."""
    a = list(pool)
    n = len(a)
    if k < 0 or k > n:
        raise DrawInputError(f"要抽取 {k} 个，但只有 {n} 个可供抽取")
    for j in range(k):
        digest = hashlib.sha256(seed + label + j.to_bytes(8, "big")).digest()
        r = int.from_bytes(digest, "big") % (n - j)
        a[j], a[j + r] = a[j + r], a[j]
    return a[:k]


@dataclass(frozen=True)
class DrawResult:
    """What a draw produced; ``teams`` maps each target to its inspectors, both in drawn order."""

    seed: bytes
    targets: list[str]
    teams: dict[str, list[str]]

    @property
    def seed_hex(self) -> str:
        return self.seed.hex()


def run(
    *,
    candidates: Sequence[str],
    inspectors: Sequence[str],
    beacons: Sequence[str],
    k: int,
    m: int,
    conflicts: Mapping[str, Sequence[str]] | None = None,
) -> DrawResult:
    """Draw ``k`` targets and a team of ``m`` inspectors for each (SX-DRAW-1).

    ``candidates`` and ``inspectors`` must already be the frozen sorted lists; they are checked,
    not re-sorted, so that a caller cannot silently draw from a list other than the one hashed.
    """
    conflicts = conflicts or {}
    for name, values in (("检查对象名单", candidates), ("检查人员名单", inspectors)):
        if list(values) != sorted_identifiers(values, what=name):
            raise DrawInputError(f"{name}未按 UTF-8 字节顺序排列")
    if not beacons:
        raise DrawInputError("至少需要一个冻结名单之后产生的随机源（信标）")
    if k < 1 or m < 1:
        raise DrawInputError("抽取的检查对象数和每组检查人员数都必须至少为 1")
    if k > len(candidates):
        raise DrawInputError(f"要抽取 {k} 个检查对象，但名单中只有 {len(candidates)} 个")
    inspector_set = set(inspectors)
    candidate_set = set(candidates)
    for target, people in conflicts.items():
        if target not in candidate_set:
            raise DrawInputError(f"回避记录中的检查对象「{target}」不在冻结名单中")
        for person in people:
            if person not in inspector_set:
                raise DrawInputError(f"回避记录中的检查人员「{person}」不在冻结名单中")
    seed = seed_of(list_sha256(candidates), list_sha256(inspectors), beacons)
    targets = pick(candidates, k, b"target", seed)
    teams: dict[str, list[str]] = {}
    for t, target in enumerate(targets):
        barred = set(conflicts.get(target, ()))
        pool = [person for person in inspectors if person not in barred]
        if m > len(pool):
            raise DrawInputError(
                f"检查对象「{target}」回避后只剩 {len(pool)} 名检查人员，不足每组 {m} 名"
            )
        teams[target] = pick(pool, m, b"inspector:" + str(t).encode(), seed)
    return DrawResult(seed=seed, targets=targets, teams=teams)
