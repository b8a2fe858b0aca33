"""Recompute the whole log from its leaves and check everything stored against it.

Checks, streaming (memory stays O(log n) plus the tree heads, and a chunk of rows):

- sequence numbers run 0, 1, 2 … without a gap; each leaf is canonical JSON whose fields agree
  with its row and whose ``sequence``/``previous_size`` are its position;
- every stored subtree hash equals the recomputed one, in the order appends created them;
- every signed tree head's signature is valid under its key, its payload agrees with its row,
  and its root equals the recomputed root at its size; a head for a size larger than the log
  means entries were removed;
- every content hash with a registered checker (evidence blobs …) still matches its content;
- every row with a state recipe (``sanxiang.ledger.state``) still has the state digest its
  latest event recorded, and every object the log knows of still has its row unless its latest
  event recorded a deletion.

Every problem is reported, not only the first (``report.problems``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Max, Subquery

from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.content import event_check_for
from sanxiang.ledger.models import LedgerEntry, LedgerNode, TreeHead
from sanxiang.ledger.services import leaf_time
from sanxiang.ledger.signing import key_id, trusted_key_ids, verify_signature
from sanxiang.ledger.state import DELETED, state_recipes

CHUNK = 5000
T = TypeVar("T")


class VerificationFailed(Exception):
    """One problem, in English, naming the entry, node, blob, row or tree head."""


# Problems kept word for word; beyond this many only the count grows (memory stays bounded).
MAX_PROBLEMS = 10_000


@dataclass
class VerifyReport:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads_checked: int = 0
    events_checked: int = 0
    rows_checked: int = 0
    witnesses_checked: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    _cache: dict[object, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def problem(self) -> str:
        """The first problem found, or an empty string."""
        return self.problems[0] if self.problems else ""

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def _check_leaf(row: LedgerEntry, expected: int) -> bytes:
    """The leaf's bytes; raises when the leaf disagrees with its row or position."""
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
        "state_sha256": row.state_sha256 or None,
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


def verify_ledger(*, states: bool = True) -> VerifyReport:
    """Check the whole log and every recorded row; ``report.problems`` lists all found.

    ``states=False`` leaves out the rows' state digests (the log and its events only).
    """
    report = VerifyReport()
    _verify_log(report)
    if states:
        _verify_states(report)
    return report


def _verify_log(report: VerifyReport) -> None:
    heads: dict[int, list[TreeHead]] = defaultdict(list)
    trusted = trusted_key_ids()
    for head in TreeHead.objects.select_related("key").order_by("size", "id"):
        try:
            _check_head(head, trusted)
        except VerificationFailed as exc:
            report.add(str(exc))
            continue
        heads[head.size].append(head)
    for head in heads.pop(0, []):
        if head.root != merkle.EMPTY_ROOT.hex():
            report.add(f"tree head {head.pk}: wrong root for the empty log")
        report.heads_checked += 1
    stored_nodes = _nodes()
    stack: list[tuple[int, bytes]] = []
    size = 0
    # Once an entry is missing or a stored hash is, positions no longer line up: the rest of
    # the tree cannot be compared, but every remaining entry's leaf and event still are.
    tree_intact = True
    for row in LedgerEntry.objects.order_by("sequence").iterator(CHUNK):
        if row.sequence != size and tree_intact:
            report.add(f"entry {size} is missing: the next stored entry is {row.sequence}")
            tree_intact = False
        try:
            raw = _check_leaf(row, row.sequence)
        except VerificationFailed as exc:
            report.add(str(exc))
            raw = row.leaf.encode("utf-8")
        size = row.sequence + 1
        _check_event(report, row)
        if not tree_intact:
            continue
        level, index, value = 0, row.sequence, merkle.leaf_hash(raw)
        expected = [(0, row.sequence, value)]
        while index & 1:
            _, left = stack.pop()
            value = merkle.node_hash(left, value)
            level, index = level + 1, index >> 1
            expected.append((level, index, value))
        stack.append((level, value))
        for node in expected:
            stored = next(stored_nodes, None)
            if stored is None:
                report.add(f"entry {row.sequence}: stored subtree hash {node[:2]} is missing")
                tree_intact = False
                break
            if stored != node:
                report.add(
                    f"entry {row.sequence}: stored subtree hash {stored[:2]} "
                    f"does not match the recomputed {node[:2]}"
                )
                break  # the rest of this entry's path differs for the same reason
        if size in heads:
            root = merkle.fold([h for _, h in stack]).hex()
            for head in heads.pop(size):
                if head.root != root:
                    report.add(
                        f"tree head {head.pk} (size {size}): signed root {head.root} but the "
                        f"log's root at that size is {root}"
                    )
                report.heads_checked += 1
    if tree_intact:
        extra = next(stored_nodes, None)
        if extra is not None:
            report.add(f"stored subtree hash {extra[:2]} belongs to no entry")
    for head_size in sorted(h for h in heads if h > size):
        report.add(
            f"tree head {heads[head_size][0].pk} was signed for size {head_size} but the log has "
            f"only {size} entries: entries were removed"
        )
    report.size = size
    report.root = merkle.fold([h for _, h in stack]) if tree_intact else b""


def _check_event(report: VerifyReport, row: LedgerEntry) -> None:
    check = event_check_for(row.object_type)
    if check is None:
        return
    problem = check(row, report._cache)
    report.events_checked += 1
    if problem:
        report.add(f"entry {row.sequence}: {problem}")


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _latest_states(object_type: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    """For each object id, the sequence and state digest of its latest event carrying one."""
    carrying = LedgerEntry.objects.filter(object_type=object_type).exclude(state_sha256="")
    last = (
        carrying.filter(object_id__in=ids)
        .values("object_id")
        .annotate(last=Max("sequence"))
        .values("last")
    )
    return {
        object_id: (sequence, digest)
        for object_id, sequence, digest in LedgerEntry.objects.filter(
            sequence__in=Subquery(last)
        ).values_list("object_id", "sequence", "state_sha256")
    }


def _verify_states(report: VerifyReport) -> None:
    """Every row with a state recipe against the digest its latest event recorded, and every
    object the log knows of against its row (a row deleted without a recorded deletion)."""
    for recipe in state_recipes():
        kind = recipe.object_type
        rows = recipe.rows().order_by("pk").iterator(CHUNK)
        for chunk in _chunks(rows):
            latest = _latest_states(kind, [str(row.pk) for row in chunk])
            for row in chunk:
                report.rows_checked += 1
                recorded = latest.get(str(row.pk))
                if recorded is None:
                    report.add(
                        f"{kind} {row.pk}: no event records its state (it predates state "
                        "digests — run `sanxiang ledger anchor-state` once after upgrading — "
                        "or it was written behind the services' back)"
                    )
                elif recorded[1] == DELETED:
                    report.add(
                        f"{kind} {row.pk} exists although its latest event "
                        f"(entry {recorded[0]}) records its deletion"
                    )
                elif recorded[1] != recipe.digest(row):
                    report.add(
                        f"{kind} {row.pk}: its stored state differs from the state its latest "
                        f"event (entry {recorded[0]}) recorded"
                    )
        known = (
            LedgerEntry.objects.filter(object_type=kind)
            .exclude(state_sha256="")
            .values_list("object_id", flat=True)
            .distinct()
            .order_by("object_id")
            .iterator(CHUNK)
        )
        for ids in _chunks(known):
            present = {
                str(pk) for pk in recipe.rows().filter(pk__in=ids).values_list("pk", flat=True)
            }
            missing = [object_id for object_id in ids if object_id not in present]
            if not missing:
                continue
            for object_id, (sequence, digest) in sorted(_latest_states(kind, missing).items()):
                if digest != DELETED:
                    report.add(
                        f"{kind} {object_id} was deleted, but its latest event "
                        f"(entry {sequence}) does not record a deletion"
                    )
