"""Recompute the whole log from its leaves and check everything stored against it.

Checks, streaming (memory stays O(log n) plus the tree heads, and a chunk of rows):

- in each log (one per agency, one for the installation), positions run 0, 1, 2 … without a
  gap; each leaf is canonical JSON whose fields agree with its row, its log and its position
  (version 1 leaves, from the one global log, with their ``sequence``);
- every stored subtree hash of a log equals the recomputed one, in the order appends created
  them;
- every signed tree head's signature is valid under its key, its payload agrees with its row,
  and its root equals its log's recomputed root at its size; a head for a size larger than the
  log means entries were removed; heads signed before per-agency logs (no log) are checked
  against the global tree recomputed from the leaves in sequence order;
- every content hash with a registered checker (evidence blobs …) still matches its content;
- every row with a state recipe (``sanxiang.ledger.state``) still has the state digest its
  latest event recorded, and every object the log knows of still has its row unless its latest
  event recorded a deletion.

Every problem is reported, not only the first (``report.problems``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from json.encoder import encode_basestring as _esc
from typing import Any, NamedTuple, NoReturn, TypeVar

from django.db import connections
from django.db.models import Max, QuerySet, Subquery

from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.content import (
    RecordedEvent,
    batch_key,
    event_check_for,
    event_checks,
    event_prefetch_for,
)
from sanxiang.ledger.models import LedgerEntry, LedgerLog, LedgerNode, TreeHead, log_key_for
from sanxiang.ledger.services import LEAF_VERSION, leaf_time
from sanxiang.ledger.signing import key_id, trusted_key_ids, verify_signature
from sanxiang.ledger.state import DELETED, state_recipes

CHUNK = 5000
# Entries whose content checks run together (their rows read in one query per object type).
EVENT_BATCH = 500
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
    logs: dict[str, tuple[int, bytes]] = field(default_factory=dict)
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


class EntryRow(NamedTuple):
    """The columns of one entry, read without building a model instance (verify reads every
    entry: a tuple costs a fraction of a ``LedgerEntry``)."""

    sequence: int
    position: int  # LedgerEntry.index (a NamedTuple cannot have a field named index)
    recorded_at: datetime
    actor: str
    agency_id: int | None
    action: str
    object_type: str
    object_id: str
    content_sha256: str
    state_sha256: str
    leaf: str


COLUMNS = [("index" if name == "position" else name) for name in EntryRow._fields]


class _Float(ValueError):
    pass


def _refuse_float(text: str) -> NoReturn:
    raise _Float(text)


# Made once: json.loads/dumps with options build a new decoder/encoder on every call.
_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_float)
# ``canonical_json`` for a value parsed from JSON without floats gives the same bytes, without
# its type walk (JSON gives only str keys and str, int, bool, None, lists and dicts).
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _check_leaf(row: EntryRow, log: LedgerLog) -> bytes:
    """The leaf's bytes; raises when the leaf disagrees with its row, its log or position."""
    raw = row.leaf.encode("utf-8")
    name = f"{log.key} entry {row.position}"
    try:
        leaf = _DECODER.decode(row.leaf)
    except _Float as exc:
        raise VerificationFailed(f"{name}: leaf is not in canonical form ({exc})") from exc
    except ValueError as exc:
        raise VerificationFailed(f"{name}: leaf is not JSON ({exc})") from exc
    if not isinstance(leaf, dict) or _ENCODER.encode(leaf) != row.leaf:
        raise VerificationFailed(f"{name}: leaf is not in canonical form")
    if log.key != log_key_for(row.agency_id) or log.agency_id != row.agency_id:
        raise VerificationFailed(f"{name}: agency {row.agency_id} belongs in another log")
    columns: dict[str, object] = {
        "time": leaf_time(row.recorded_at),
        "actor": row.actor,
        "agency": row.agency_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "content_sha256": row.content_sha256 or None,
        "state_sha256": row.state_sha256 or None,
    }
    if leaf.get("v") == 1:  # the one global log: positioned by sequence alone
        columns |= {"sequence": row.sequence, "previous_size": row.sequence}
    else:
        columns |= {"v": LEAF_VERSION, "log": log.key, "index": row.position}
        columns |= {"sequence": row.sequence}
    for field_name, value in columns.items():
        if leaf.get(field_name) != value:
            raise VerificationFailed(
                f"{name}: field {field_name!r} is {leaf.get(field_name)!r} in the leaf "
                f"but {value!r} in the row"
            )
    return raw


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
    if (body.get("size"), body.get("root"), body.get("key_id"), body.get("log")) != (
        head.size,
        head.root,
        head.key.key_id,
        head.log.key if head.log is not None else None,
    ):
        raise VerificationFailed(f"tree head {head.pk}: row disagrees with its signed payload")


def installation_root(logs: dict[str, tuple[int, bytes]]) -> bytes:
    """One digest of every log's size and root: the Merkle root over one canonical leaf per log
    ``{"log", "root", "size"}``, in key order (what ``ledger verify`` prints)."""
    return merkle.root(
        [
            canonical_json({"log": key, "root": root.hex(), "size": size})
            for key, (size, root) in sorted(logs.items())
        ]
    )


def verify_ledger(*, states: bool = True) -> VerifyReport:
    """Check every log and every recorded row; ``report.problems`` lists all found.

    ``states=False`` leaves out the rows' state digests (the log and its events only).
    """
    report = VerifyReport()
    _verify_log(report)
    if states:
        _verify_states(report)
    return report


Heads = dict[int, list[TreeHead]]


def _verify_log(report: VerifyReport) -> None:
    heads: dict[int | None, Heads] = defaultdict(lambda: defaultdict(list))
    trusted = trusted_key_ids()
    for head in TreeHead.objects.select_related("key", "log").order_by("size", "id"):
        try:
            _check_head(head, trusted)
        except VerificationFailed as exc:
            report.add(str(exc))
            continue
        heads[head.log_id][head.size].append(head)
    for log in LedgerLog.objects.order_by("key"):
        size, root = _verify_one_log(report, log, heads.pop(log.pk, defaultdict(list)))
        report.logs[log.key] = (size, root)
        report.size += size
    legacy = heads.pop(None, None)
    if legacy:
        _verify_legacy_heads(report, legacy)
    report.root = installation_root(report.logs)


def _check_heads_at(report: VerifyReport, heads: Heads, size: int, root: bytes, log: str) -> None:
    for head in heads.pop(size, []):
        if head.root != root.hex():
            report.add(
                f"tree head {head.pk} ({log}, size {size}): signed root {head.root} but the "
                f"log's root at that size is {root.hex()}"
            )
        report.heads_checked += 1


def _raw_chunks(queryset: QuerySet[Any]) -> Generator[list[tuple[Any, ...]]]:
    """The rows of a ``values_list`` query as the database driver returns them, ``CHUNK`` at a
    time (a server-side cursor on PostgreSQL): no per-row converters, no model machinery.

    Behind a transaction pooler (``DISABLE_SERVER_SIDE_CURSORS``, as ``QuerySet.iterator``
    honours it) the rows are read client-side: a cursor declared outside a transaction does not
    outlive it there, and the next fetch may reach another server connection."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    pooled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.cursor() if pooled else connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield rows


_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _time_text(value: datetime) -> str:
    """``leaf_time`` of a ``recorded_at`` as the driver returns it: SQLite gives naive UTC
    datetimes (what Django's converter would make aware in UTC), PostgreSQL aware ones."""
    if value.tzinfo is None:
        if value.microsecond and value.year >= 1000:  # isoformat gives the same, faster
            return value.isoformat() + "Z"
        return value.strftime(_TIME_FORMAT)
    return leaf_time(value)


def _expected_leaf(row: tuple[Any, ...], log_json: str, agency_json: str) -> str:
    """The canonical text of the leaf ``ledger_append`` writes for ``row`` (a version 2 leaf),
    built without a JSON encoder. A leaf equal to it passes every check of ``_check_leaf``;
    any other leaf (a version 1 leaf, a field out of place …) is checked field by field."""
    (sequence, position, recorded_at, actor, _, action, object_type, object_id, content,
     state, _) = row  # fmt: skip
    content_json = _esc(content) if content else "null"
    state_json = f'"state_sha256":{_esc(state)},' if state else ""
    return (
        f'{{"action":{_esc(action)},"actor":{_esc(actor)},"agency":{agency_json},'
        f'"content_sha256":{content_json},"index":{position},"log":{log_json},'
        f'"object_id":{_esc(object_id)},"object_type":{_esc(object_type)},'
        f'"sequence":{sequence},{state_json}"time":"{_time_text(recorded_at)}",'
        f'"v":{LEAF_VERSION}}}'
    )


def _verify_one_log(report: VerifyReport, log: LedgerLog, heads: Heads) -> tuple[int, bytes]:
    _check_heads_at(report, heads, 0, merkle.EMPTY_ROOT, log.key)
    node_rows = (
        LedgerNode.objects.filter(log=log).order_by("id").values_list("level", "index", "hash")
    )
    chunks = _raw_chunks(node_rows)
    try:
        return _walk_log(report, log, heads, chain.from_iterable(chunks))
    finally:
        chunks.close()


def _walk_log(
    report: VerifyReport, log: LedgerLog, heads: Heads, stored_nodes: Iterator[tuple[Any, ...]]
) -> tuple[int, bytes]:
    # Hot loop: one pass per entry, so names are bound locally and hashlib is called directly
    # (the same RFC 9162 hashes as ``merkle.leaf_hash`` and ``merkle.node_hash``).
    sha256 = hashlib.sha256
    checks = event_checks()
    log_json = _esc(log.key)
    agency_json = "null" if log.agency_id is None else str(log.agency_id)
    log_fits = log.key == log_key_for(log.agency_id)
    agency_id = log.agency_id
    stack: list[bytes] = []
    size = 0
    # Once an entry is missing or a stored hash is, positions no longer line up: the rest of
    # the tree cannot be compared, but every remaining entry's leaf and event still are.
    tree_intact = True
    pending: list[EntryRow] = []  # entries waiting for their content checks, in log order
    rows = LedgerEntry.objects.filter(log=log).order_by("index").values_list(*COLUMNS)
    for row in chain.from_iterable(_raw_chunks(rows)):
        position = row[1]
        text = row[-1]
        if position != size and tree_intact:
            report.add(f"{log.key} entry {size} is missing: the next stored entry is {position}")
            tree_intact = False
        raw = text.encode("utf-8")
        if not (
            log_fits and row[4] == agency_id and text == _expected_leaf(row, log_json, agency_json)
        ):
            try:
                _check_leaf(_entry_row(row), log)
            except VerificationFailed as exc:
                report.add(str(exc))
        size = position + 1
        if row[6] in checks:
            pending.append(_entry_row(row))
            if len(pending) == EVENT_BATCH:
                _check_events(report, pending)
                pending = []
        if not tree_intact:
            continue
        value = sha256(b"\x00" + raw).digest()
        level, index = 0, position
        expected = [(0, position, value)]
        while index & 1:
            value = sha256(b"\x01" + stack.pop() + value).digest()
            level, index = level + 1, index >> 1
            expected.append((level, index, value))
        stack.append(value)
        for node in expected:
            stored = next(stored_nodes, None)
            if stored is None:
                report.add(f"{log.key} entry {position}: stored subtree hash {node[:2]} is missing")
                tree_intact = False
                break
            if stored != node and (stored[0], stored[1], bytes(stored[2])) != node:
                report.add(
                    f"{log.key} entry {position}: stored subtree hash {stored[:2]} "
                    f"does not match the recomputed {node[:2]}"
                )
                break  # the rest of this entry's path differs for the same reason
        if size in heads:
            _check_heads_at(report, heads, size, merkle.fold(stack), log.key)
    _check_events(report, pending)
    if tree_intact:
        extra = next(stored_nodes, None)
        if extra is not None:
            report.add(f"{log.key}: stored subtree hash {tuple(extra[:2])} belongs to no entry")
    for head_size in sorted(h for h in heads if h > size):
        report.add(
            f"tree head {heads[head_size][0].pk} was signed for {log.key} at size {head_size} "
            f"but the log has only {size} entries: entries were removed"
        )
    return size, (merkle.fold(stack) if tree_intact else b"")


def _entry_row(row: tuple[Any, ...]) -> EntryRow:
    """An entry's columns as Django would convert them (the checks' and messages' view)."""
    entry = EntryRow._make(row)
    recorded_at = entry.recorded_at
    if isinstance(recorded_at, datetime) and recorded_at.tzinfo is None:
        entry = entry._replace(recorded_at=recorded_at.replace(tzinfo=UTC))
    return entry


def _verify_legacy_heads(report: VerifyReport, heads: Heads) -> None:
    """Heads signed before per-agency logs, against the one global tree they signed: the
    version 1 leaves in sequence order (sequences 0, 1, 2 … were its positions)."""
    _check_heads_at(report, heads, 0, merkle.EMPTY_ROOT, "legacy global log")
    largest = max(heads, default=0)
    stack: list[tuple[int, bytes]] = []
    size = 0
    rows = (
        LedgerEntry.objects.filter(sequence__lt=largest)
        .order_by("sequence")
        .values_list("sequence", "leaf")
        .iterator(CHUNK)
    )
    for sequence, leaf in rows:
        if sequence != size:
            break
        level, value = 0, merkle.leaf_hash(leaf.encode("utf-8"))
        index = sequence
        while index & 1:
            _, left = stack.pop()
            value = merkle.node_hash(left, value)
            level, index = level + 1, index >> 1
        stack.append((level, value))
        size += 1
        if size in heads:
            root = merkle.fold([h for _, h in stack])
            _check_heads_at(report, heads, size, root, "legacy global log")
    for head_size in sorted(heads):
        report.add(
            f"tree head {heads[head_size][0].pk} was signed for the legacy global log at size "
            f"{head_size} but only {size} of its entries remain: entries were removed"
        )


def _check_events(report: VerifyReport, rows: list[EntryRow]) -> None:
    """Run the content checks of a batch of entries, in log order, each object type's rows
    read first by its prefetch (if it registered one) in a few queries for the whole batch."""
    if not rows:
        return
    # The checks read the rows themselves (``RecordedEvent``): no model instance per event.
    entries: list[RecordedEvent] = list(rows)
    by_type: dict[str, list[RecordedEvent]] = defaultdict(list)
    for entry in entries:
        by_type[entry.object_type].append(entry)
    keys = []
    for object_type, batch in by_type.items():
        prefetch = event_prefetch_for(object_type)
        if prefetch is not None:
            keys.append(batch_key(object_type))
            report._cache[keys[-1]] = prefetch(batch)
    try:
        for entry in entries:
            check = event_check_for(entry.object_type)
            if check is None:
                continue
            problem = check(entry, report._cache)
            report.events_checked += 1
            if problem:
                report.add(f"entry {entry.sequence}: {problem}")
    finally:
        for key in keys:
            report._cache.pop(key, None)


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
        rows = recipe.rows().order_by("pk").prefetch_related(*recipe.related).iterator(CHUNK)
        for chunk in _chunks(rows):
            latest = _latest_states(kind, [str(row.pk) for row in chunk])
            batched = recipe.batch_parts(chunk)
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
                elif not recipe.matches(row, recorded[1], batched):
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
