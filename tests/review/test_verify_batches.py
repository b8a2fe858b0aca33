"""``ledger verify`` reads the review records a batch of events refers to in one query per
model, and still finds any of them altered behind the append-only triggers."""

# ruff: noqa: F811 - the fixtures imported from the other review tests are fixture arguments

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.review.models import CommitteeMeeting, Determination, Round
from tests.ledger.conftest import lift_triggers
from tests.review.test_committee import disputed, members, participants  # noqa: F401
from tests.review.test_events import reviewed  # noqa: F401

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)

RECORD_TABLES = (
    "review_round",
    "review_opinion",
    "review_opinionpoint",
    "review_answer",
    "review_committeemeeting",
    "review_meetingparticipant",
)


def _verify() -> tuple[list[str], dict[str, int]]:
    with CaptureQueriesContext(connection) as queries:
        report = verify_ledger()
    reads = {
        table: sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)
        for table in (*RECORD_TABLES, "review_determination")
    }
    return report.problems, reads


def test_verify_reads_every_review_record_of_a_batch_in_one_query_per_model(reviewed):
    events = LedgerEntry.objects.filter(action__startswith="review.review.")
    assert events.count() > 3
    problems, reads = _verify()
    assert problems == []
    assert reads == dict.fromkeys(reads, 1)


def _sql(statement: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, [pk])


@pytest.mark.parametrize(
    ("verb", "table", "statement"),
    [
        (
            "submitted",
            "review_round",
            "UPDATE review_round SET statement = 'x' WHERE review_id = %s",
        ),
        (
            "opinion",
            "review_opinion",
            "UPDATE review_opinion SET summary = 'x' WHERE round_id IN"
            " (SELECT id FROM review_round WHERE review_id = %s)",
        ),
        (
            "answered",
            "review_answer",
            "UPDATE review_answer SET study = 'x' WHERE round_id IN"
            " (SELECT id FROM review_round WHERE review_id = %s)",
        ),
        (
            "committee",
            "review_meetingparticipant",
            "UPDATE review_meetingparticipant SET view = 'x' WHERE meeting_id IN"
            " (SELECT id FROM review_committeemeeting WHERE review_id = %s)",
        ),
    ],
)
def test_verify_still_finds_a_review_record_altered_in_a_batch(reviewed, verb, table, statement):
    lift_triggers((table,))
    _sql(statement, reviewed.pk)
    problems, reads = _verify()
    assert f"review {reviewed.pk}: no stored {verb} record matches its event" in " ".join(problems)
    assert reads["review_round"] == 1


def test_verify_still_finds_a_committee_meeting_whose_participant_was_deleted(reviewed):
    meeting = CommitteeMeeting.objects.get(review=reviewed)
    lift_triggers(("review_meetingparticipant",))
    _sql("DELETE FROM review_meetingparticipant WHERE id IN (SELECT MIN(id) FROM"
         " review_meetingparticipant WHERE meeting_id = %s)", meeting.pk)  # fmt: skip
    problems, _ = _verify()
    assert f"review {reviewed.pk}: no stored committee record matches its event" in problems[0]


def test_verify_reads_the_determinations_of_a_chunk_of_cases_in_one_query(reviewed):
    assert Determination.objects.exists()
    assert Round.objects.filter(review=reviewed).exists()
    _, reads = _verify()
    assert reads["review_determination"] == 1


def test_verify_still_finds_a_determination_altered_in_a_chunk(reviewed):
    determination = Determination.objects.filter(case_id=reviewed.case_id).first()
    assert determination is not None
    lift_triggers(("review_determination",))
    _sql(
        "UPDATE review_determination SET required = NOT required WHERE id = %s",
        determination.pk,
    )
    problems, reads = _verify()
    assert reads["review_determination"] == 1
    assert [p for p in problems if p.startswith(f"cases.case {reviewed.case_id}: its stored")]
