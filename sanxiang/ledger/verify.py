"""Recompute the whole log from its leaves and check everything stored against it.

Checks, in one streaming pass (memory stays O(log n) plus the tree heads):

- sequence numbers run 0, 1, 2 … without a gap; each leaf is canonical JSON whose fields agree
  with its row and whose ``sequence``/``previous_size`` are its position;
- every stored subtree hash equals the recomputed one, in the order appends created them;
- every signed tree head's signature is valid under its key, its payload agrees with its row,
  and its root equals the recomputed root at its size; a head for a size larger than the log
  means entries were removed;
- every content hash with a registered checker (evidence blobs …) still matches its content.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.content import event_check_for
from sanxiang.ledger.models import LedgerEntry, LedgerNode, TreeHead
from sanxiang.ledger.services import leaf_time
from sanxiang.ledger.signing import key_id, trusted_key_ids, verify_signature

CHUNK = 5000


class VerificationFailed(Exception):
    """The first problem found, in English, naming the entry, node, blob or tree head."""


@dataclass
class VerifyReport:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads_checked: int = 0
    events_checked: int = 0
    problem: str = ""
    _cache: dict[object, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problem


def _check_leaf(row: LedgerEntry, expected: int) -> bytes:
    if row.sequence != expected:
        raise VerificationFailed(
            f"entry {expected} is missing: the next stored entry is {row.sequence}"
        )
    raw = row.leaf.encode("utf-8")
    try:
        leaf = json.loads(raw)
    except ValueError as exc:
        raise VerificationFailed(f"entry {expected}: leaf is not JSON ({exc})") from exc
    if canonical_json(leaf) != raw:
        raise VerificationFailed(f"entry {expected}: leaf is not in canonical form")
    columns = {
        "sequence": row.sequence,
        "previous_size": row.sequence,
        "time": leaf_time(row.recorded_at),
        "actor": row.actor,
        "agency": row.agency_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "content_sha256": row.content_sha256 or None,
    }
    for name, value in columns.items():
        if leaf.get(name) != value:
            raise VerificationFailed(
                f"entry {expected}: field {name!r} is {leaf.get(name)!r} in the leaf "
                f"but {value!r} in the row"
            )
    return raw


def _nodes() -> Iterator[tuple[int, int, bytes]]:
    for level, index, value in (
        LedgerNode.objects.order_by("id").values_list("level", "index", "hash").iterator(CHUNK)
    ):
        yield level, index, bytes(value)


def _check_head(head: TreeHead, trusted: set[str]) -> None:
    if key_id(head.key.public_key_pem) != head.key.key_id:
        raise VerificationFailed(f"tree head {head.pk}: its key's id does not match the key")
    if head.key.key_id not in trusted:
        raise VerificationFailed(
            f"tree head {head.pk} is signed by key {head.key.key_id}, which is neither this "
            "installation's key nor listed in SANXIANG_LEDGER_TRUSTED_KEYS"
        )
    payload = head.payload.encode("utf-8")
    if not verify_signature(head.key.algorithm, head.key.public_key_pem, payload, head.signature):
        raise VerificationFailed(f"tree head {head.pk} (size {head.size}): signature is invalid")
    body = json.loads(payload)
    if (body.get("size"), body.get("root"), body.get("key_id")) != (
        head.size,
        head.root,
        head.key.key_id,
    ):
        raise VerificationFailed(f"tree head {head.pk}: row disagrees with its signed payload")


def verify_ledger() -> VerifyReport:
    """Check the whole log; ``report.problem`` names the first thing found wrong."""
    report = VerifyReport()
    try:
        _verify(report)
    except VerificationFailed as exc:
        report.problem = str(exc)
    return report


def _verify(report: VerifyReport) -> None:
    heads: dict[int, list[TreeHead]] = defaultdict(list)
    trusted = trusted_key_ids()
    for head in TreeHead.objects.select_related("key").order_by("size", "id"):
        _check_head(head, trusted)
        heads[head.size].append(head)
    for head in heads.pop(0, []):
        if head.root != merkle.EMPTY_ROOT.hex():
            raise VerificationFailed(f"tree head {head.pk}: wrong root for the empty log")
        report.heads_checked += 1
    stored_nodes = _nodes()
    stack: list[tuple[int, bytes]] = []
    size = 0
    for row in LedgerEntry.objects.order_by("sequence").iterator(CHUNK):
        raw = _check_leaf(row, size)
        level, index, value = 0, size, merkle.leaf_hash(raw)
        expected = [(0, size, value)]
        while index & 1:
            _, left = stack.pop()
            value = merkle.node_hash(left, value)
            level, index = level + 1, index >> 1
            expected.append((level, index, value))
        stack.append((level, value))
        for node in expected:
            stored = next(stored_nodes, None)
            if stored != node:
                raise VerificationFailed(
                    f"entry {size}: stored subtree hash {stored[:2] if stored else 'missing'} "
                    f"does not match the recomputed {node[:2]}"
                )
        size += 1
        if size in heads:
            root = merkle.fold([h for _, h in stack]).hex()
            for head in heads.pop(size):
                if head.root != root:
                    raise VerificationFailed(
                        f"tree head {head.pk} (size {size}): signed root {head.root} but the "
                        f"log's root at that size is {root}"
                    )
                report.heads_checked += 1
        _check_event(report, row)
    extra = next(stored_nodes, None)
    if extra is not None:
        raise VerificationFailed(f"stored subtree hash {extra[:2]} belongs to no entry")
    if heads:
        largest = max(heads)
        raise VerificationFailed(
            f"tree head {heads[largest][0].pk} was signed for size {largest} but the log has "
            f"only {size} entries: entries were removed"
        )
    report.size = size
    report.root = merkle.fold([h for _, h in stack])


def _check_event(report: VerifyReport, row: LedgerEntry) -> None:
    check = event_check_for(row.object_type)
    if check is None:
        return
    problem = check(row, report._cache)
    report.events_checked += 1
    if problem:
        raise VerificationFailed(f"entry {row.sequence}: {problem}")
