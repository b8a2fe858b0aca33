"""The review app's ledger vocabulary: each review record is written by its builder with the
digest that ``ledger verify`` recomputes from the stored record."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanxiang.ledger.content import event_check_for
from sanxiang.ledger.events import content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.content import answer_content, meeting_content, opinion_content, round_content
from sanxiang.review.events import LOADED, RECORDS, ReviewEvent, review_recorded
from sanxiang.review.models import CatalogueRule
from sanxiang.review.services import committee_record
from tests.review.test_committee import disputed, members, participants  # noqa: F401

CONTENT = {
    ReviewEvent.SUBMITTED: lambda review: [round_content(r) for r in review.rounds.all()],
    ReviewEvent.OPINION: lambda review: [opinion_content(r.opinion) for r in review.rounds.all()],
    ReviewEvent.ANSWERED: lambda review: [
        answer_content(r.answer) for r in review.rounds.all() if hasattr(r, "answer")
    ],
    ReviewEvent.COMMITTEE: lambda review: [meeting_content(m) for m in review.meetings.all()],
}


@pytest.fixture
def reviewed(staff, disputed, agency):  # noqa: F811
    """A review with a submission, opinions, an answer and a committee meeting."""
    people = members(staff, agency)
    committee_record(
        actor=staff.zhou, review_id=disputed.pk, held_on=timezone.localdate(), place="会议室",
        chair=people[0], minutes="经集体审议，同意作出决定。", participants=participants(people),
        conclusion="proceed",
    )  # fmt: skip
    return disputed


@pytest.mark.parametrize("event", RECORDS)
def test_every_review_record_carries_the_digest_verify_recomputes(reviewed, event):
    entries = list(LedgerEntry.objects.filter(object_id=str(reviewed.pk), action=event.value))
    assert entries, f"no {event.value} written"
    digests = {content_digest(c) for c in CONTENT[event](reviewed)}
    check = event_check_for("review.review")
    assert check is not None
    for entry in entries:
        assert entry.content_sha256 in digests
        assert check(entry, {}) is None


def test_a_review_record_is_not_taken_for_another_event(reviewed, staff):
    with pytest.raises(ValueError, match="not a review record"):
        review_recorded(reviewed, staff.zhou, ReviewEvent.DOCUMENT_GENERATED, {})


def test_the_determination_is_written_with_its_rules_and_facts(reviewed, staff):
    from sanxiang.review.gate import case_facts
    from sanxiang.review.services import determination_record
    from sanxiang.review.services.need import _facts_json

    case = reviewed.case
    determination = determination_record(case=case, actor=staff.head, action="decide")
    entry = LedgerEntry.objects.filter(action=ReviewEvent.DETERMINATION_RECORDED.value).last()
    assert entry is not None and (entry.object_type, entry.object_id) == (
        "cases.case",
        str(case.pk),
    )
    content = {
        "case": case.pk, "action": "decide", "required": determination.required,
        "rules": determination.rules, "facts": _facts_json(case),
    }  # fmt: skip
    assert entry.content_sha256 == content_digest(content)
    assert case_facts(case).hearing_held is False  # read from the case, not the ledger


def test_loaded_catalogue_rows_carry_their_field_digest(defaults):
    rule = CatalogueRule.objects.filter(agency=defaults).first()
    assert rule is not None
    entry = LedgerEntry.objects.filter(
        action=LOADED[CatalogueRule].value, object_id=str(rule.pk)
    ).last()
    assert entry is not None and entry.content_sha256 == record_digest(rule)
