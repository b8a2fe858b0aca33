# ruff: noqa: E402, T201  (Django is set up before the imports; the result is printed as JSON)
"""Build one global log under the layout before per-agency logs, migrate, report each log.

Run by test_migration on an empty database (its own SANXIANG_VAR, or a DATABASE_URL):
``python -m tests.ledger.migrate_split``. It migrates the ledger app to 0004 (the one global
log), writes entries of several agencies, their global subtree hashes and a signed head the way
the old ``ledger_append`` and ``tree_head_sign`` did, runs every remaining migration with
Django's migration executor, and prints one JSON line: for each log, the root recomputed from
its stored subtree hashes and the root computed here, independently, from the leaves of that
agency in their original order; and what ``verify`` says.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.signing import load_signer

OLD = ("ledger", "0004_witnesses")
# Interleaved agencies and installation-wide events, as a global log holds them.
AGENCIES = [3, 5, 3, None, 9, 3, 5, 5, 3, 9, None, 3, 3, 5, 9, 3, 5, None, 3, 5, 9, 3, 3]
SIGNED_AT = 13  # the legacy head covers the first 13 entries


def old_leaf(sequence: int, agency: int | None, moment: datetime) -> bytes:
    return canonical_json(
        {
            "v": 1,
            "sequence": sequence,
            "previous_size": sequence,
            "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": "user:1",
            "agency": agency,
            "action": "test.recorded",
            "object_type": "test.thing",
            "object_id": str(sequence),
            "content_sha256": None,
        }
    )


def build_old_log() -> list[bytes]:
    executor = MigrationExecutor(connection)
    executor.migrate([OLD])
    old = executor.loader.project_state(OLD).apps
    entry, node = old.get_model("ledger", "LedgerEntry"), old.get_model("ledger", "LedgerNode")
    key_model, head_model = (
        old.get_model("ledger", "SigningKey"),
        old.get_model("ledger", "TreeHead"),
    )
    leaves: list[bytes] = []
    stack: list[bytes] = []
    base = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    for sequence, agency in enumerate(AGENCIES):
        moment = base + timedelta(minutes=sequence)
        leaf = old_leaf(sequence, agency, moment)
        leaves.append(leaf)
        entry.objects.create(
            sequence=sequence, recorded_at=moment, actor="user:1", agency_id=agency,
            action="test.recorded", object_type="test.thing", object_id=str(sequence),
            content_sha256="", leaf=leaf.decode(),
        )  # fmt: skip
        level, index, value = 0, sequence, merkle.leaf_hash(leaf)
        node.objects.create(level=0, index=sequence, hash=value)
        while index & 1:
            value = merkle.node_hash(stack.pop(), value)
            level, index = level + 1, index >> 1
            node.objects.create(level=level, index=index, hash=value)
        stack.append(value)
        if sequence + 1 == SIGNED_AT:
            signer = load_signer("ed25519")
            key = key_model.objects.create(
                key_id=signer.key_id, algorithm=signer.algorithm,
                public_key_pem=signer.public_key_pem,
            )  # fmt: skip
            root = merkle.root(leaves).hex()
            payload = canonical_json(
                {"algorithm": signer.algorithm, "key_id": signer.key_id, "root": root,
                 "size": SIGNED_AT, "time": "2026-05-01T09:13:00.000000Z"}
            )  # fmt: skip
            head_model.objects.create(
                size=SIGNED_AT, root=root, signed_at=moment, key=key,
                payload=payload.decode(), signature=signer.sign(payload),
            )  # fmt: skip
    return leaves


def main() -> None:
    leaves = build_old_log()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from sanxiang.ledger import selectors
    from sanxiang.ledger.models import LedgerEntry, LedgerLog, LedgerNode, TreeHead
    from sanxiang.ledger.services import ledger_append
    from sanxiang.ledger.verify import verify_ledger

    logs = {}
    for log in LedgerLog.objects.order_by("key"):
        mine = [
            leaf for leaf, agency in zip(leaves, AGENCIES, strict=True) if agency == log.agency_id
        ]
        size = selectors.tree_size(log=log)
        logs[log.key] = {
            "size": size,
            "expected_size": len(mine),
            "stored_root": selectors.root_at(size, log=log).hex(),
            "independent_root": merkle.root(mine).hex(),
            "leaves_in_order": [
                e.leaf.encode() for e in LedgerEntry.objects.filter(log=log).order_by("index")
            ]
            == mine,
            "nodes": LedgerNode.objects.filter(log=log).count(),
        }
    report = verify_ledger(states=False)
    legacy_heads = TreeHead.objects.filter(log__isnull=True).count()
    # The log goes on: the next event of agency 3 lands at the next position of its log.
    added = ledger_append(
        actor="user:1", action="test.recorded", object_type="test.thing", object_id="x",
        agency_id=3,
    )  # fmt: skip
    after = verify_ledger(states=False)
    print(
        json.dumps(
            {
                "logs": logs,
                "verify_ok": report.ok,
                "problems": report.problems,
                "heads_checked": report.heads_checked,
                "legacy_heads": legacy_heads,
                "appended": {
                    "log": added.log.key,
                    "index": added.index,
                    "sequence": added.sequence,
                },
                "verify_after_append_ok": after.ok,
                "problems_after_append": after.problems,
            }
        )
    )


if __name__ == "__main__":
    main()
