"""The core app's ledger events and their builders (see ``sanxiang.ledger.events``)."""

from __future__ import annotations

from datetime import date

from sanxiang.core.models import CalendarYear, ProvisionalDeadline
from sanxiang.ledger.events import ANY, Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry


class CoreEvent(Event):
    CALENDAR_YEAR_IMPORTED = "core.calendaryear.imported", "core.calendaryear"
    # About the row whose due date is 暂定 (a case, a publication …): any object type.
    PROVISIONAL_RECORDED = "core.provisionaldeadline.recorded", ANY
    PROVISIONAL_RECOMPUTED = "core.provisionaldeadline.recomputed", ANY


@builds(CoreEvent.CALENDAR_YEAR_IMPORTED)
def calendar_year_imported(
    record: CalendarYear, *, actor: str, schedule: list[list[object]]
) -> LedgerEntry:
    """``schedule``: ``[day, is_workday, note]`` per entered day, in date order."""
    return CoreEvent.CALENDAR_YEAR_IMPORTED.append(
        record.pk,
        actor=actor,
        content_sha256=content_digest({"source": record.source, "days": schedule}),
    )


def provisional_content_sha256(row: ProvisionalDeadline, due_on: date, provisional: bool) -> str:
    return content_digest(
        {
            "object_type": row.object_type,
            "object_id": row.object_id,
            "field": row.field,
            "start": row.start.isoformat(),
            "workdays": row.workdays,
            "due_on": due_on.isoformat(),
            "provisional": provisional,
        }
    )


@builds(CoreEvent.PROVISIONAL_RECORDED, CoreEvent.PROVISIONAL_RECOMPUTED)
def provisional_deadline_event(
    row: ProvisionalDeadline, event: CoreEvent, *, due_on: date, actor: str, agency_id: int | None
) -> LedgerEntry:
    """A due date marked 暂定 (``recorded``), or counted exactly once its year was entered."""
    if event not in (CoreEvent.PROVISIONAL_RECORDED, CoreEvent.PROVISIONAL_RECOMPUTED):
        raise ValueError(f"{event} is not about a provisional due date")
    provisional = event == CoreEvent.PROVISIONAL_RECORDED
    return event.append(
        row.object_id,
        actor=actor,
        agency_id=agency_id,
        content_sha256=provisional_content_sha256(row, due_on, provisional),
        object_type=row.object_type,
    )
