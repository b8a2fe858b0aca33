"""Appending to the log and signing tree heads: the only writes to the ledger tables.

``ledger_append`` runs inside the caller's transaction (DESIGN.md rule 1): if the service's
change rolls back, so does its event, and if the event cannot be written, nothing is.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import (
    LedgerEntry,
    LedgerLog,
    LedgerNode,
    SigningKey,
    TreeHead,
    log_key_for,
)
from sanxiang.ledger.selectors import root_at, subtree_hashes
from sanxiang.ledger.signing import ED25519, load_signer
from sanxiang.ledger.state import state_recipe_for

logger = logging.getLogger(__name__)

# Version 2 leaves name their log and their position in it; version 1 leaves (the one global
# log that preceded per-agency logs) were positioned by ``sequence`` alone.
LEAF_VERSION = 2
# PostgreSQL sequence handing out installation-wide entry ids (created by the migrations).
SEQUENCE_NAME = "ledger_entry_sequence"
SYSTEM = "system"


def actor_for(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The actor as recorded in leaves: ``user:<id>`` (no names: DESIGN.md rule 3) or system."""
    if user is None or not user.is_authenticated:
        return SYSTEM
    return f"user:{user.pk}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaf_time(moment: datetime) -> str:
    """UTC, microseconds, ``Z``: one textual form for one instant."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _lock_log(agency_id: int | None) -> LedgerLog:
    """The log of ``agency_id``, created on first use, locked until the transaction ends.

    On PostgreSQL the row lock serialises appends to this log only: another agency's appends
    lock another row. SQLite needs nothing more: Sanxiang opens every SQLite transaction with
    BEGIN IMMEDIATE (settings.py), so the transaction already holds the single write lock.
    """
    key = log_key_for(agency_id)
    log = LedgerLog.objects.select_for_update().filter(key=key).first()
    if log is None:
        # Two first appends may race: one inserts, the other's insert does nothing.
        LedgerLog.objects.bulk_create(
            [LedgerLog(key=key, agency_id=agency_id, created_at=timezone.now())],
            ignore_conflicts=True,
        )
        log = LedgerLog.objects.select_for_update().get(key=key)
    return log


def _size(log: LedgerLog) -> int:
    last = LedgerEntry.objects.filter(log=log).aggregate(last=Max("index"))["last"]
    return 0 if last is None else int(last) + 1


def _next_sequence() -> int:
    """An installation-wide id, increasing in the order appends begin (gaps where one rolled
    back on PostgreSQL, whose sequence needs no lock shared between logs)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE_NAME])
            return int(cursor.fetchone()[0])
    last = LedgerEntry.objects.aggregate(last=Max("sequence"))["last"]
    return 0 if last is None else int(last) + 1


def ledger_append(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    agency_id: int | None = None,
    content_sha256: str = "",
) -> LedgerEntry:
    """Append one event to its agency's log (the installation's when ``agency_id`` is None)
    and the subtree hashes it completes: O(log n) reads and writes.

    When ``object_type`` has a state recipe (``sanxiang.ledger.state``), the event also carries
    the digest of the object's state as it is now, in the caller's transaction: call this after
    the change it records.
    """
    if content_sha256 and (len(content_sha256) != 64 or content_sha256.strip("0123456789abcdef")):
        raise ValueError(f"content_sha256 must be 64 lower-case hex digits, got {content_sha256!r}")
    recipe = state_recipe_for(object_type)
    state_sha256 = recipe.digest_of(str(object_id)) if recipe is not None else ""
    with transaction.atomic():
        log = _lock_log(agency_id)
        size = _size(log)
        sequence = _next_sequence()
        recorded_at = timezone.now()
        fields: dict[str, object] = {"state_sha256": state_sha256} if state_sha256 else {}
        leaf = canonical_json(
            {
                **fields,
                "v": LEAF_VERSION,
                "log": log.key,
                "index": size,
                "sequence": sequence,
                "time": leaf_time(recorded_at),
                "actor": actor,
                "agency": agency_id,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "content_sha256": content_sha256 or None,
            }
        )
        entry = LedgerEntry.objects.create(
            sequence=sequence,
            log=log,
            index=size,
            recorded_at=recorded_at,
            actor=actor,
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            content_sha256=content_sha256,
            state_sha256=state_sha256,
            leaf=leaf.decode("utf-8"),
        )
        frontier = subtree_hashes(log, merkle.perfect_subtrees(0, size))
        level, index, value = 0, size, merkle.leaf_hash(leaf)
        nodes = [LedgerNode(log=log, level=0, index=size, hash=value)]
        while index & 1:
            value = merkle.node_hash(frontier[(level, index - 1)], value)
            level, index = level + 1, index >> 1
            nodes.append(LedgerNode(log=log, level=level, index=index, hash=value))
        LedgerNode.objects.bulk_create(nodes)
        if _head_due(log, size + 1, recorded_at):
            try:
                with transaction.atomic():
                    tree_head_sign(log=log)
            except Exception:  # the business write must not fail because signing did
                logger.exception("automatic tree head signing failed at %s size %d", log, size + 1)
    return entry


def _head_due(log: LedgerLog, size: int, now: datetime) -> bool:
    """Sign every N events of a log, and when it has no head yet or its newest is older than
    the signing interval (so a quiet log is not re-signed for nothing, nor a busy one left
    bare)."""
    every = int(os.environ.get("SANXIANG_LEDGER_SIGN_EVERY", "100"))
    if every > 0 and size % every == 0:
        return True
    minutes = int(os.environ.get("SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES", "60"))
    if minutes <= 0:
        return False
    newest = (
        TreeHead.objects.filter(log=log).order_by("-id").values_list("signed_at", flat=True).first()
    )
    return newest is None or now - newest >= timedelta(minutes=minutes)


def tree_head_sign(*, algorithm: str | None = None, log: LedgerLog | None = None) -> TreeHead:
    """Sign {algorithm, key id, log, size, root, time} for ``log`` as it is now.

    Without ``log``: sign every log whose newest head is not of its current size (see
    :func:`tree_heads_sign`) and return the last head signed, or the installation log's.
    """
    if log is None:
        heads = tree_heads_sign(algorithm=algorithm)
        if heads:
            return heads[-1]
        with transaction.atomic():
            return tree_head_sign(algorithm=algorithm, log=_lock_log(None))
    algorithm = algorithm or os.environ.get("SANXIANG_LEDGER_ALGORITHM", ED25519)
    signer = load_signer(algorithm)
    with transaction.atomic():
        log = LedgerLog.objects.select_for_update().get(pk=log.pk)
        size = _size(log)
        root = root_at(size, log=log).hex()
        key, _ = SigningKey.objects.get_or_create(
            key_id=signer.key_id,
            defaults={"algorithm": signer.algorithm, "public_key_pem": signer.public_key_pem},
        )
        signed_at = timezone.now()
        payload = canonical_json(
            {
                "algorithm": signer.algorithm,
                "key_id": key.key_id,
                "log": log.key,
                "root": root,
                "size": size,
                "time": leaf_time(signed_at),
            }
        )
        head = TreeHead.objects.create(
            log=log,
            size=size,
            root=root,
            signed_at=signed_at,
            key=key,
            payload=payload.decode("utf-8"),
            signature=signer.sign(payload),
        )
    logger.info(
        "tree head %s signed: log=%s size=%d root=%s key=%s", head.pk, log, size, root, key.key_id
    )
    return head


def tree_heads_sign(*, algorithm: str | None = None) -> list[TreeHead]:
    """Sign a head for every log that grew since its newest head (or has none), and for the
    installation log if it has none yet (the public checkpoint's default). The log holding the
    newest entry is signed last."""
    with transaction.atomic():
        _lock_log(None)  # exists from here on, even before any installation-wide event
    newest = LedgerEntry.objects.order_by("-sequence").values_list("log_id", flat=True).first()
    heads = []
    logs = sorted(LedgerLog.objects.all(), key=lambda log: (log.pk == newest, log.key))
    for log in logs:
        signed = TreeHead.objects.filter(log=log).order_by("-id").values_list("size", flat=True)
        if signed.first() != _size(log):
            heads.append(tree_head_sign(algorithm=algorithm, log=log))
    return heads


def state_anchor(*, actor: str = SYSTEM) -> dict[str, int]:
    """Record ``ledger.state.anchored`` for every row that no event describes yet.

    For installations upgraded from before state digests: the event says, openly and once,
    "from here on this row is checked", with who ran it and when. Rows that already have a
    state event are left alone, so a row changed behind the services' back is never blessed.
    Run ``sanxiang ledger verify`` first and look into anything else it reports.
    """
    from sanxiang.ledger.state import state_recipes

    counts: dict[str, int] = {}
    for recipe in state_recipes():
        described = LedgerEntry.objects.filter(object_type=recipe.object_type).exclude(
            state_sha256=""
        )
        count = 0
        rows = recipe.rows().order_by("pk").values_list("pk", flat=True).iterator(1000)
        for pk in rows:
            if described.filter(object_id=str(pk)).exists():
                continue
            with transaction.atomic():
                row = recipe.rows().filter(pk=pk).first()
                ledger_append(
                    actor=actor,
                    action="ledger.state.anchored",
                    object_type=recipe.object_type,
                    object_id=pk,
                    agency_id=getattr(row, "agency_id", None),
                )
            count += 1
        counts[recipe.object_type] = count
        logger.info("state anchored for %d %s rows", count, recipe.object_type)
    return counts
