"""行政处罚法第四十八条第二款: a 复议决定 or judgment that revokes, changes, or finds the decision
illegal or void makes its withdrawal due within three working days; the warning fires if the
decision is still public after that."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.services import case_transition, remedy_record, remedy_step_record
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.selectors import overdue_for
from sanxiang.disclosure.services import (
    PublicationRefused,
    publication_confirm,
    publication_draft,
    publication_withdraw,
)
from sanxiang.ledger.models import LedgerEntry
from tests.conftest import prepare_step
from tests.disclosure.test_publications import decided

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)

DECIDED = date(2026, 5, 20)


def _published(staff, case, articles) -> Publication:
    publication: Publication = decided(staff, case, articles, on=DECIDED)
    with time_machine.travel(DECIDED, tick=False):
        prepare_step(staff.zhang, case.pk, "serve")
        case_transition(actor=staff.zhang, case_id=case.pk, action="serve")
        draft = publication_draft(publication)
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    return publication


def _outcome(staff, case, result, on):
    with time_machine.travel(on, tick=False):
        remedy = remedy_record(
            actor=staff.zhang, case_id=case.pk, kind="reconsideration",
            filed_on=date(2026, 6, 1), body="测试市人民政府",
        )  # fmt: skip
        remedy_step_record(
            actor=staff.zhang, case_id=case.pk, remedy_id=remedy.pk, kind="outcome",
            decided_on=on, outcome=result,
        )  # fmt: skip


def test_a_revoked_decision_is_due_to_come_down_in_three_working_days(
    staff, general_case, articles
):

    publication = _published(staff, general_case, articles)
    # 2026-06-18 (Thu); 端午 6-19 … 6-21 off: 6-22, 6-23, 6-24.
    _outcome(staff, general_case, "revoked", date(2026, 6, 18))
    publication.refresh_from_db()
    assert publication.status == "published"  # the public statement is a person's to write
    assert (publication.withdrawal_reason, publication.withdrawal_occurred_on) == (
        "revoked",
        date(2026, 6, 18),
    )
    assert publication.withdrawal_due_on == date(2026, 6, 24)
    assert LedgerEntry.objects.filter(action="disclosure.publication.withdrawal_due").exists()
    with time_machine.travel(date(2026, 6, 24), tick=False):
        assert not overdue_for(staff.head).exists()
    with time_machine.travel(date(2026, 6, 25), tick=False):
        assert list(overdue_for(staff.head)) == [publication]
        publication_withdraw(
            actor=staff.head, publication_id=publication.pk, reason="revoked",
            statement="该行政处罚决定已被复议机关撤销。", occurred_on=date(2026, 6, 25),
        )  # fmt: skip
    publication.refresh_from_db()
    # The three days still run from the 复议决定, so the late withdrawal stays on record.
    assert publication.withdrawal_occurred_on == date(2026, 6, 18)
    with time_machine.travel(date(2026, 6, 26), tick=False):
        assert list(overdue_for(staff.head)) == [publication]


def test_an_upheld_decision_stays_published(staff, general_case, articles):
    publication = _published(staff, general_case, articles)
    _outcome(staff, general_case, "upheld", date(2026, 6, 18))
    publication.refresh_from_db()
    assert publication.withdrawal_due_on is None
    with time_machine.travel(date(2026, 7, 1), tick=False):
        assert not overdue_for(staff.head).exists()


def test_a_decision_that_fell_before_it_was_published_is_not_published(
    staff, general_case, articles
):
    publication = decided(staff, general_case, articles, on=DECIDED)
    with time_machine.travel(DECIDED, tick=False):
        prepare_step(staff.zhang, general_case.pk, "serve")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="serve")
    _outcome(staff, general_case, "void", date(2026, 6, 18))
    draft = publication_draft(publication)
    with (
        time_machine.travel(date(2026, 6, 18), tick=False),
        pytest.raises(PublicationRefused, match="不能再公示原决定"),
    ):
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
