"""当事人查询 under attack: an administrator lifts a lockout someone caused on purpose, and the
answer costs the same work whether or not the typed case number exists."""

from __future__ import annotations

import hmac
import re
from datetime import timedelta
from unittest import mock

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases import party_access
from sanxiang.cases.models import PartyQueryAttempt
from sanxiang.cases.party_access import PartyQueryRefused, party_code_ensure, party_query_verify
from sanxiang.ledger.models import LedgerEntry
from tests.portal.test_party_query import MORNING, _setup, ask, registered  # noqa: F401


def test_an_administrator_clears_a_party_query_lockout(client, staff, django_user_model):
    case = registered(staff)
    code = party_code_ensure(actor=staff.zhang, case_id=case.pk).code
    for minute in range(5):  # someone who knows the number fails on purpose
        with time_machine.travel(MORNING + timedelta(minutes=minute), tick=False):
            ask(client, case.number, "2222222222", REMOTE_ADDR="203.0.113.66")
    party = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(MORNING + timedelta(minutes=10), tick=False):
        assert "查询失败次数过多" in ask(party, case.number, code).content.decode()
        admin = Client()
        admin.force_login(
            django_user_model.objects.create_superuser("admin", password="correct horse battery")
        )
        throttled = PartyQueryAttempt.objects.get(outcome="throttled")
        response = admin.post(
            reverse("admin:cases_partyqueryattempt_changelist"),
            {"action": "clear_lockout", "_selected_action": [throttled.pk]},
            follow=True,
        )
        assert "已解除查询限制：5 次失败不再计入" in response.content.decode()
        assert ask(party, case.number, code).status_code == 302
    assert PartyQueryAttempt.objects.filter(outcome="failed", cleared_at__isnull=False).count() == 5
    event = LedgerEntry.objects.get(action="cases.partyqueryattempt.lockout_cleared")
    assert event.object_id == str(throttled.pk) and event.actor.startswith("user:")


def test_an_officer_without_the_permission_cannot_clear_a_lockout(client, staff, django_user_model):
    from django.contrib.auth.models import Permission

    case = registered(staff)
    for _ in range(5):
        ask(client, case.number, "2222222222")
    clerk = django_user_model.objects.create_user("clerk", password="x" * 12, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_partyqueryattempt"))
    viewer = Client()
    viewer.force_login(clerk)
    attempt = PartyQueryAttempt.objects.first()
    assert attempt is not None
    viewer.post(
        reverse("admin:cases_partyqueryattempt_changelist"),
        {"action": "clear_lockout", "_selected_action": [attempt.pk]},
    )
    assert not PartyQueryAttempt.objects.filter(cleared_at__isnull=False).exists()
    assert not LedgerEntry.objects.filter(action__endswith="lockout_cleared").exists()


def _shape(sql: str) -> str:
    """A query without its literal values (a case id or NULL alike)."""
    return re.sub(r"'[^']*'|\b\d+\b|\bNULL\b", "?", sql)


def _work(number: str) -> tuple[list[str], list[tuple[int, int]], int]:
    """The queries, the comparisons (lengths) and the codes drawn by one failed query."""
    compared: list[tuple[int, int]] = []
    real_compare = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        compared.append((len(a), len(b)))
        return bool(real_compare(a, b))

    with (
        mock.patch.object(hmac, "compare_digest", side_effect=compare),
        mock.patch.object(party_access, "code_generate", wraps=party_access.code_generate) as drawn,
        CaptureQueriesContext(connection) as queries,
    ):
        try:
            party_query_verify(number=number, code="2222222222", client_ip="198.51.100.7")
        except PartyQueryRefused:
            pass
        else:
            raise AssertionError("a wrong code was accepted")
    return [_shape(q["sql"]) for q in queries.captured_queries], compared, drawn.call_count


def test_the_party_query_takes_the_same_work_whether_or_not_the_case_number_exists(staff):
    case = registered(staff)
    party_code_ensure(actor=staff.zhang, case_id=case.pk)
    known = _work(case.number)
    unknown = _work("测城执罚〔2026〕999号")
    assert known == unknown
    assert len(known[0]) >= 4 and known[1] == [(10, 10)] and known[2] == 1
