from __future__ import annotations

import pytest
from django.db import connection

from sanxiang.ledger.services import ledger_append


@pytest.fixture
def appended(db):
    """A log of 13 events (an odd, non-power-of-two size)."""

    def append(count: int = 13) -> list[bytes]:
        for i in range(count):
            ledger_append(
                actor="user:1",
                action="test.recorded",
                object_type="test.thing",
                object_id=i,
                agency_id=7,
                content_sha256=f"{i:064x}",
            )
        from sanxiang.ledger.models import LedgerEntry

        return [e.leaf.encode() for e in LedgerEntry.objects.order_by("log", "index")]

    return append


LEDGER_TABLES = (
    "ledger_ledgerentry",
    "ledger_ledgernode",
    "ledger_signingkey",
    "ledger_treehead",
    "ledger_ledgerlog",
)


def lift_triggers(tables: tuple[str, ...] = LEDGER_TABLES) -> None:
    """Drop the append-only triggers inside the test's transaction (rolled back afterwards),
    the way an attacker with database rights would, to show verify still finds the change."""
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
            else:
                cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
