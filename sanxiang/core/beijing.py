"""Times as users read them: Beijing time (TIME_ZONE = Asia/Shanghai), whatever the database
returns (aware datetimes in UTC on PostgreSQL and SQLite alike). Templates convert by
themselves (``|date``); Python that formats a moment for a page, a document or JSON that a page
shows goes through here, so no UTC time reaches a user."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def beijing(moment: datetime) -> datetime:
    """``moment`` in Beijing time (an aware datetime with offset +08:00)."""
    return timezone.localtime(moment)


def beijing_iso(moment: datetime | None) -> str:
    """ISO 8601 with the +08:00 offset (``2026-06-10T10:00:00+08:00``); '' for None."""
    return beijing(moment).isoformat() if moment is not None else ""


def beijing_text(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """``2026-06-10 10:00（北京时间）``, from a datetime or its ISO text; '' for None or ''."""
    if not moment:
        return ""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    shown = beijing(value) if timezone.is_aware(value) else value
    return f"{shown:%Y-%m-%d %H:%M{':%S' if seconds else ''}}（北京时间）"
