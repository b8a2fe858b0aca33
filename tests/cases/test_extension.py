"""延长办案期限 (行政处罚法第六十条): a 负责人 extends before the limit runs out, within rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.urls import reverse

from sanxiang.cases.models import CaseRules, DecisionExtension
from sanxiang.cases.services import CaseRefused, case_transition, decision_extend
from sanxiang.ledger.models import LedgerEntry
from tests.conftest import prepare_step

REGISTERED = date(2026, 5, 20)


@pytest.fixture
def registered(staff, general_case):
    with time_machine.travel(REGISTERED, tick=False):
        case = case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    assert case.decision_due_on == REGISTERED + timedelta(days=90)
    return case


def test_a_head_extends_the_limit_once_and_the_decision_may_follow(staff, registered):
    with time_machine.travel(date(2026, 8, 10), tick=False):
        extension = decision_extend(
            actor=staff.head, case_id=registered.pk, days=30, reason="需委托检测，案情复杂"
        )
    assert extension.new_due_on == registered.decision_due_on + timedelta(days=30)
    registered.refresh_from_db()
    assert registered.decision_due_on == extension.new_due_on
    assert registered.step_due_on == extension.new_due_on
    assert LedgerEntry.objects.filter(action="cases.case.decision_extended").count() == 1
    with time_machine.travel(date(2026, 8, 25), tick=False):
        prepare_step(staff.zhang, registered.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=registered.pk, action="conclude")
        prepare_step(staff.zhang, registered.pk, "notify")
        case_transition(actor=staff.zhang, case_id=registered.pk, action="notify")
        prepare_step(staff.zhang, registered.pk, "record_statement")
        case_transition(actor=staff.zhang, case_id=registered.pk, action="record_statement")
        assert (
            case_transition(actor=staff.head, case_id=registered.pk, action="decide").state
            == "decided"
        )


def test_extensions_stay_within_the_agencys_rules(staff, registered, agency):
    with time_machine.travel(date(2026, 8, 10), tick=False):
        with pytest.raises(CaseRefused, match="延长办案期限须经负责人批准"):
            decision_extend(actor=staff.zhang, case_id=registered.pk, days=10, reason="复杂")
        with pytest.raises(CaseRefused, match="每次延长不得超过 30 日"):
            decision_extend(actor=staff.head, case_id=registered.pk, days=31, reason="复杂")
        with pytest.raises(CaseRefused, match="请写明延长办案期限的理由"):
            decision_extend(actor=staff.head, case_id=registered.pk, days=30, reason=" ")
        decision_extend(actor=staff.head, case_id=registered.pk, days=30, reason="复杂")
        with pytest.raises(CaseRefused, match="须经负责人集体讨论决定"):
            decision_extend(actor=staff.head, case_id=registered.pk, days=30, reason="仍复杂")
        decision_extend(
            actor=staff.head, case_id=registered.pk, days=20, reason="仍复杂，经集体讨论",
            collective=True,
        )  # fmt: skip
        CaseRules.objects.create(agency=agency, extension_days=15)
        with pytest.raises(CaseRefused, match="每次延长不得超过 15 日"):
            decision_extend(
                actor=staff.head, case_id=registered.pk, days=20, reason="复杂", collective=True
            )
    assert DecisionExtension.objects.count() == 2


def test_an_extension_must_come_before_the_limit_runs_out(staff, registered):
    with (
        time_machine.travel(registered.decision_due_on + timedelta(days=1), tick=False),
        pytest.raises(CaseRefused, match="应当在届满前批准延长"),
    ):
        decision_extend(actor=staff.head, case_id=registered.pk, days=30, reason="复杂")


def test_an_extension_is_never_edited(staff, registered):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        extension = decision_extend(actor=staff.head, case_id=registered.pk, days=10, reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        DecisionExtension.objects.filter(pk=extension.pk).update(days=60)


def test_the_head_extends_from_the_case_page(client, staff, registered):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        client.force_login(staff.head.user)
        page = client.get(reverse("cases:detail", args=[registered.pk])).content.decode()
        assert "延长办案期限" in page
        client.post(reverse("cases:extend", args=[registered.pk]), {"days": "abc", "reason": "x"})
        assert not DecisionExtension.objects.exists()
        client.post(reverse("cases:extend", args=[registered.pk]), {"days": "15", "reason": "检测"})
        page = client.get(reverse("cases:detail", args=[registered.pk])).content.decode()
    assert "延长 15 日" in page
    client.force_login(staff.zhang.user)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        page = client.get(reverse("cases:detail", args=[registered.pk])).content.decode()
    assert 'id="extension"' not in page
