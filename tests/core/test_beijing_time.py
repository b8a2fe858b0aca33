"""Times reach users in Beijing time, whatever the database returns (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings

from sanxiang.core.beijing import beijing_iso, beijing_text

STORED = datetime(2026, 6, 10, 2, 0, 30, tzinfo=UTC)  # as PostgreSQL hands it back


def test_the_installation_runs_on_beijing_time():
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ


def test_a_stored_utc_moment_is_shown_in_beijing_time():
    assert beijing_text(STORED) == "2026-06-10 10:00（北京时间）"
    assert beijing_text(STORED.isoformat(), seconds=True) == "2026-06-10 10:00:30（北京时间）"
    assert beijing_iso(STORED) == "2026-06-10T10:00:30+08:00"
    assert beijing_text(None) == beijing_text("") == beijing_iso(None) == ""


def test_a_party_query_attempt_is_listed_in_beijing_time_in_the_admin():
    from sanxiang.cases.models import PartyQueryAttempt

    attempt = PartyQueryAttempt(at=STORED, case_number="测城执罚〔2026〕1号", outcome="failed")
    assert str(attempt).startswith("2026-06-10 10:00 测城执罚〔2026〕1号")
