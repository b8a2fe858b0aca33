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
from sanxiang.ledger.models import LedgerEntry, LedgerNode, SigningKey, TreeHead
from sanxiang.ledger.selectors import root_at, subtree_hashes
from sanxiang.ledger.signing import ED25519, load_signer
from sanxiang.ledger.state import state_recipe_for

logger = logging.getLogger(__name__)

LEAF_VERSION = 1
# One PostgreSQL advisory lock serialises appends across all processes and machines.
_APPEND_LOCK = 0x53414E58  # "SANX"
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


def _lock_log() -> None:
    # SQLite needs nothing here: Sanxiang opens every SQLite transaction with BEGIN IMMEDIATE
    # (settings.py), so the transaction already holds the database's single write lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


def _size() -> int:
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
    """Append one event and the subtree hashes it completes: O(log n) reads and writes.

    When ``object_type`` has a state recipe (``sanxiang.ledger.state``), the event also carries
    the digest of the object's state as it is now, in the caller's transaction: call this after
    the change it records.
    """
    if content_sha256 and (len(content_sha256) != 64 or content_sha256.strip("0123456789abcdef")):
        raise ValueError(f"content_sha256 must be 64 lower-case hex digits, got {content_sha256!r}")
    recipe = state_recipe_for(object_type)
    state_sha256 = recipe.digest_of(str(object_id)) if recipe is not None else ""
    with transaction.atomic():
        _lock_log()
        size = _size()
        recorded_at = timezone.now()
        fields: dict[str, object] = {"state_sha256": state_sha256} if state_sha256 else {}
        leaf = canonical_json(
            {
                **fields,
                "v": LEAF_VERSION,
                "sequence": size,
                "previous_size": size,
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
            sequence=size,
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
        frontier = subtree_hashes(merkle.perfect_subtrees(0, size))
        level, index, value = 0, size, merkle.leaf_hash(leaf)
        nodes = [LedgerNode(level=0, index=size, hash=value)]
        while index & 1:
            value = merkle.node_hash(frontier[(level, index - 1)], value)
            level, index = level + 1, index >> 1
            nodes.append(LedgerNode(level=level, index=index, hash=value))
        LedgerNode.objects.bulk_create(nodes)
        if _head_due(size + 1, recorded_at):
            try:
                with transaction.atomic():
                    tree_head_sign()
            except Exception:  # the business write must not fail because signing did
                logger.exception("automatic tree head signing failed at size %d", size + 1)
    return entry


def _head_due(size: int, now: datetime) -> bool:
    """Sign every N events, and when there is no head yet or the newest is older than the
    signing interval (so a quiet log is not re-signed for nothing, nor a busy one left bare)."""
    every = int(os.environ.get("SANXIANG_LEDGER_SIGN_EVERY", "100"))
    if every > 0 and size % every == 0:
        return True
    minutes = int(os.environ.get("SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES", "60"))
    if minutes <= 0:
        return False
    newest = TreeHead.objects.order_by("-id").values_list("signed_at", flat=True).first()
    return newest is None or now - newest >= timedelta(minutes=minutes)


def tree_head_sign(*, algorithm: str | None = None) -> TreeHead:
    """Sign {algorithm, key id, size, root, time} for the log as it is now."""
    algorithm = algorithm or os.environ.get("SANXIANG_LEDGER_ALGORITHM", ED25519)
    signer = load_signer(algorithm)
    with transaction.atomic():
        _lock_log()
        size = _size()
        root = root_at(size).hex()
        key, _ = SigningKey.objects.get_or_create(
            key_id=signer.key_id,
            defaults={"algorithm": signer.algorithm, "public_key_pem": signer.public_key_pem},
        )
        signed_at = timezone.now()
        payload = canonical_json(
            {
                "algorithm": signer.algorithm,
                "key_id": key.key_id,
                "root": root,
                "size": size,
                "time": leaf_time(signed_at),
            }
        )
        head = TreeHead.objects.create(
            size=size,
            root=root,
            signed_at=signed_at,
            key=key,
            payload=payload.decode("utf-8"),
            signature=signer.sign(payload),
        )
    logger.info("tree head %s signed: size=%d root=%s key=%s", head.pk, size, root, key.key_id)
    return head


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
