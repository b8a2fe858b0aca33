"""The core app's ledger vocabulary: each event written by its builder with its action string
and the digest of what it records."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.core.events import (
    CoreEvent,
    calendar_year_imported,
    provisional_content_sha256,
    provisional_deadline_event,
)
from sanxiang.core.models import CalendarYear, ProvisionalDeadline
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_every_core_event_is_written_by_its_builder_with_its_digest(agency):
    record = CalendarYear.objects.create(year=2099, source="测试通知")
    schedule: list[list[object]] = [["2099-01-01", False, "元旦"]]
    row = ProvisionalDeadline(
        object_type="org.agency", object_id=agency.pk, field="step_due_on",
        start=date(2099, 1, 2), workdays=5, due_on=date(2099, 1, 9),
    )  # fmt: skip
    writes = {
        CoreEvent.CALENDAR_YEAR_IMPORTED: (
            lambda: calendar_year_imported(record, actor="system", schedule=schedule),
            content_digest({"source": "测试通知", "days": schedule}),
        ),
        CoreEvent.PROVISIONAL_RECORDED: (
            lambda: provisional_deadline_event(
                row,
                CoreEvent.PROVISIONAL_RECORDED,
                due_on=row.due_on,
                actor="system",
                agency_id=agency.pk,
            ),
            provisional_content_sha256(row, row.due_on, True),
        ),
        CoreEvent.PROVISIONAL_RECOMPUTED: (
            lambda: provisional_deadline_event(
                row,
                CoreEvent.PROVISIONAL_RECOMPUTED,
                due_on=date(2099, 1, 8),
                actor="system",
                agency_id=agency.pk,
            ),
            provisional_content_sha256(row, date(2099, 1, 8), False),
        ),
    }
    assert set(writes) == set(CoreEvent)
    for event, (write, digest) in writes.items():
        entry = write()
        assert entry.action == event.value
        assert entry.content_sha256 == digest
    # A 暂定 mark is an event about the row whose date it is.
    assert LedgerEntry.objects.filter(
        action=CoreEvent.PROVISIONAL_RECORDED.value, object_type="org.agency"
    ).exists()
