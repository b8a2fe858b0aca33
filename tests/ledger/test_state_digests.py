"""``sanxiang ledger verify`` catches an insider's edits to the records themselves.

Each edit below is made the way someone with database rights would make it: raw SQL, with the
append-only triggers dropped where a table has them. Every event about a case or a publication
carries the digest of the row's state, so verify finds the row no longer matching its log.
"""

# ruff: noqa: F811 - the fixtures imported from the case tests are used as fixture arguments

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from sanxiang.disclosure.services import publication_confirm, publication_draft
from sanxiang.ledger import state as ledger_state
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import state_anchor
from sanxiang.ledger.verify import verify_ledger
from sanxiang.review.models import Determination
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    general_case,
    ready_case,
    staff,
    statutory_catalogue,
)
from tests.disclosure.test_publications import decided
from tests.ledger.conftest import lift_triggers

NOON = datetime(2026, 10, 9, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def sql(statement: str, params: list[str | int] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def published(staff, general_case, articles):
    """A decided case (parties, determinations) whose decision is published."""
    publication = decided(staff, general_case, articles)
    with time_machine.travel(NOON, tick=False):
        draft = publication_draft(publication)
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    publication.refresh_from_db()
    return publication


def problems() -> list[str]:
    with time_machine.travel(NOON, tick=False):
        return verify_ledger().problems


def test_an_untouched_case_and_publication_verify(published):
    with time_machine.travel(NOON, tick=False):
        report = verify_ledger()
    assert report.ok, report.problems
    assert report.rows_checked == 2  # the case and its publication


def test_verify_catches_case_state_edited_in_database(published):
    sql("UPDATE cases_case SET state = 'closed' WHERE id = %s", [published.case_id])
    assert problems() == [
        f"cases.case {published.case_id}: its stored state differs from the state its latest "
        f"event (entry {_latest('cases.case', published.case_id)}) recorded"
    ]


def test_verify_catches_case_fine_edited_in_database(published):
    sql("UPDATE cases_case SET fine_yuan = 50 WHERE id = %s", [published.case_id])
    assert [p for p in problems() if p.startswith(f"cases.case {published.case_id}:")]


def test_verify_catches_case_facts_edited_in_database(published):
    sql("UPDATE cases_case SET facts = '当事人无违法行为' WHERE id = %s", [published.case_id])
    assert [p for p in problems() if p.startswith(f"cases.case {published.case_id}:")]


def test_verify_catches_case_party_edited_in_database(published):
    sql("UPDATE cases_party SET name = '李某' WHERE case_id = %s", [published.case_id])
    assert [p for p in problems() if p.startswith(f"cases.case {published.case_id}:")]


def test_verify_catches_case_determination_deleted_in_database(published):
    assert Determination.objects.filter(case_id=published.case_id).exists()
    lift_triggers(("review_determination",))
    sql("DELETE FROM review_determination WHERE case_id = %s", [published.case_id])
    assert [p for p in problems() if p.startswith(f"cases.case {published.case_id}:")]


def test_verify_catches_publication_text_edited_in_database(published):
    text = published.public_text.replace("罚款", "警告")
    sql("UPDATE disclosure_publication SET public_text = %s WHERE id = %s", [text, published.pk])
    assert problems() == [
        f"disclosure.publication {published.pk}: its stored state differs from the state its "
        f"latest event (entry {_latest('disclosure.publication', published.pk)}) recorded"
    ]


def test_verify_catches_publication_shuanggongshi_field_edited_in_database(published):
    fields = {**published.fields, "罚款金额（元）": "10.00"}
    sql(
        "UPDATE disclosure_publication SET fields = %s WHERE id = %s",
        [json.dumps(fields, ensure_ascii=False), published.pk],
    )
    assert [p for p in problems() if p.startswith(f"disclosure.publication {published.pk}:")]


def test_verify_catches_publication_row_deleted_in_database(published):
    lift_triggers(("disclosure_publicationversion",))
    sql("DELETE FROM disclosure_publicationversion WHERE publication_id = %s", [published.pk])
    # The similar-case index refers to a published decision; the tamperer removes it too.
    sql(
        "DELETE FROM similar_indexedarticle WHERE decision_id IN "
        "(SELECT id FROM similar_indexeddecision WHERE publication_id = %s)",
        [published.pk],
    )
    sql("DELETE FROM similar_indexeddecision WHERE publication_id = %s", [published.pk])
    sql("DELETE FROM disclosure_publication WHERE id = %s", [published.pk])
    assert problems() == [
        f"disclosure.publication {published.pk} was deleted, but its latest event (entry "
        f"{_latest('disclosure.publication', published.pk)}) does not record a deletion"
    ]


def test_verify_reports_every_problem(published, capsys):
    sql("UPDATE cases_case SET fine_yuan = 50 WHERE id = %s", [published.case_id])
    sql("UPDATE disclosure_publication SET public_text = 'x' WHERE id = %s", [published.pk])
    lift_triggers()
    entry = LedgerEntry.objects.order_by("sequence")[3]
    sql("UPDATE ledger_ledgerentry SET actor = 'user:999' WHERE sequence = %s", [entry.sequence])
    found = problems()
    assert len(found) == 3, found
    assert found[0].startswith(f"{entry.log.key} entry {entry.index}: field 'actor'")
    with time_machine.travel(NOON, tick=False), pytest.raises(SystemExit) as caught:
        call_command("ledger", "verify")
    assert caught.value.code == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.removeprefix("FAILED: ") for line in lines[:3]] == found
    assert lines[3] == "3 problems found"


def test_rows_that_predate_state_digests_are_named_and_anchored_once(staff, articles, monkeypatch):
    """An installation upgraded from before state digests: verify names each such row instead
    of failing obscurely; ``ledger anchor-state`` records their state once, openly."""
    monkeypatch.setattr(ledger_state, "_recipes", {})  # events written the old way
    case = ready_case(staff)
    publication = decided(staff, case, articles)
    monkeypatch.undo()
    found = problems()
    assert f"cases.case {case.pk}: no event records its state" in found[0]
    assert "sanxiang ledger anchor-state" in found[0]
    assert any(p.startswith(f"disclosure.publication {publication.pk}: no event") for p in found)
    with time_machine.travel(NOON, tick=False):
        out = StringIO()
        call_command("ledger", "anchor-state", stdout=out)
        assert "anchored 1 cases.case" in out.getvalue()
        assert state_anchor() == {
            "cases.case": 0,
            "disclosure.publication": 0,
            "review.review": 0,
        }  # a second run finds nothing left to anchor
    assert problems() == []
    anchored = LedgerEntry.objects.filter(action="ledger.state.anchored")
    assert {e.object_type for e in anchored} == {"cases.case", "disclosure.publication"}


def _latest(object_type: str, object_id: int) -> int:
    entry = (
        LedgerEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .exclude(state_sha256="")
        .order_by("-sequence")
        .first()
    )
    assert entry is not None
    return entry.sequence
