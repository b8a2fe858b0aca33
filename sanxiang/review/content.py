"""What each review event in the ledger stands for, computed from the stored rows.

The services hash these when they record an event; ``sanxiang ledger verify`` hashes them again
from the database, so an opinion, answer, submission or committee record changed behind the
append-only triggers' back no longer matches its event.
"""

from __future__ import annotations

from typing import Any

from sanxiang.ledger.content import batch_key, register_event_check
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.state import columns, register_state_part, register_state_recipe


def round_content(round_: Any) -> dict[str, object]:
    return {
        "review": round_.review_id,
        "round": round_.number,
        "case_snapshot": round_.case_snapshot_sha256,
        "materials": round_.materials,
        # The handlers' statement of responsibility, as they confirmed it.
        "statement": round_.statement,
        "submitted_by": round_.submitted_by_id,
    }


def opinion_content(opinion: Any) -> dict[str, object]:
    return {
        "review": opinion.round.review_id,
        "round": opinion.round.number,
        "conclusion": opinion.conclusion,
        "summary": opinion.summary,
        "assisted_by": opinion.assisted_by,
        "points": {p.point: [p.conclusion, p.reasoning] for p in opinion.points.all()},
    }


def answer_content(answer: Any) -> dict[str, object]:
    return {
        "review": answer.round.review_id,
        "round": answer.round.number,
        "accepted": answer.accepted,
        "study": answer.study,
        "action": answer.action,
    }


def meeting_content(meeting: Any) -> dict[str, object]:
    return {
        "review": meeting.review_id,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "chair": meeting.chair_id,
        "conclusion": meeting.conclusion,
        "minutes": meeting.minutes,
        "participants": [
            [p.name, p.officer_id, p.capacity, p.view, p.vote]
            # ``.all()`` sorted here, not ``order_by``: ``verify`` prefetches the participants.
            for p in sorted(meeting.participants.all(), key=_pk)
        ],
    }


# The one digest of a review record's content, for ``review.events`` and the check below alike.
digest = content_digest


def _pk(row: Any) -> Any:
    return row.pk


def _number(round_: Any) -> Any:
    return round_.number


def _expected(review: Any, verb: str) -> set[str]:
    # ``.all()``: ``verify`` prefetches a batch's rounds, opinions, answers and meetings.
    rounds = sorted(review.rounds.all(), key=_number)
    if verb == "submitted":
        return {digest(round_content(r)) for r in rounds}
    if verb == "opinion":
        return {digest(opinion_content(r.opinion)) for r in rounds if hasattr(r, "opinion")}
    if verb == "answered":
        return {digest(answer_content(r.answer)) for r in rounds if hasattr(r, "answer")}
    if verb == "committee":
        return {digest(meeting_content(m)) for m in review.meetings.all()}
    return set()


def _with_records(reviews: Any) -> Any:
    """Reviews with every record ``_expected`` hashes, read in one query per model."""
    return reviews.prefetch_related(
        "rounds__opinion__points", "rounds__answer", "meetings__participants"
    )


def register_review_checks() -> None:
    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        from sanxiang.review.models import Review

        if not entry.action.startswith("review.review."):
            # Another app's event about a review (core.provisionaldeadline.recorded: its due
            # date is 暂定) carries that app's content, not a review record's.
            return None
        batch = cache.get(batch_key("review.review"))
        if batch is not None:
            review = batch.get(entry.object_id)
        else:
            review = _with_records(Review.objects.filter(pk=entry.object_id)).first()
        if review is None:
            return f"review {entry.object_id} no longer exists"
        verb = entry.action.rsplit(".", 1)[-1]
        if batch is not None:  # a review's several events of one verb: its digests once
            key = ("expected", review.pk, verb)
            if key not in batch:
                batch[key] = _expected(review, verb)
            expected = batch[key]
        else:
            expected = _expected(review, verb)
        if entry.content_sha256 not in expected:
            return f"review {review.pk}: no stored {verb} record matches its event"
        return None

    def prefetch(entries: list[Any]) -> dict[Any, Any]:
        from sanxiang.review.models import Review

        ids = {entry.object_id for entry in entries if entry.action.startswith("review.review.")}
        return {str(r.pk): r for r in _with_records(Review.objects.filter(pk__in=ids))}

    def document_check(entry: Any, cache: dict[Any, Any]) -> str | None:
        from sanxiang.evidence.storage import blob_name, blob_problem
        from sanxiang.review.models import ReviewDocument

        batch = cache.get(batch_key("review.reviewdocument"))
        if batch is not None:
            document = batch.get(entry.object_id)
        else:
            document = ReviewDocument.objects.filter(pk=entry.object_id).first()
        if document is None:
            return f"review document {entry.object_id} no longer exists"
        if entry.content_sha256 not in (document.pdf_sha256, document.docx_sha256):
            return f"review document {document.pk} no longer has the file its event recorded"
        key = ("blob", entry.content_sha256)
        if key not in cache:
            cache[key] = blob_problem(blob_name(entry.content_sha256), entry.content_sha256)
        problem: str | None = cache[key]
        return problem

    register_event_check("review.review", check, prefetch=prefetch)

    def document_prefetch(entries: list[Any]) -> dict[str, Any]:
        from sanxiang.review.models import ReviewDocument

        ids = {entry.object_id for entry in entries}
        return {str(d.pk): d for d in ReviewDocument.objects.filter(pk__in=ids)}

    register_event_check("review.reviewdocument", document_check, prefetch=document_prefetch)


def determinations_state(case: Any) -> list[object]:
    """A case's findings "needs review or not", as part of the case's recorded state: a
    determination deleted in the database changes the case's digest."""
    from sanxiang.review.models import Determination

    return [columns(d) for d in Determination.objects.filter(case_id=case.pk).order_by("pk")]


def determinations_batch(cases: list[Any]) -> dict[Any, list[object]]:
    """``determinations_state`` of a chunk of cases, in one query (what ``verify`` uses)."""
    from sanxiang.review.models import Determination

    states: dict[Any, list[object]] = {case.pk: [] for case in cases}
    rows = Determination.objects.filter(case_id__in=list(states)).order_by("pk")
    for determination in rows:
        states[determination.case_id].append(columns(determination))
    return states


def review_state(review: Any) -> dict[str, object]:
    """A review's own columns (status, reviewer, due date …) as its events record them."""
    return columns(review)


def register_review_states() -> None:
    from sanxiang.review.models import Review

    register_state_part(
        "cases.case", "determinations", determinations_state, batch=determinations_batch
    )
    register_state_recipe("review.review", rows=lambda: Review.objects.all(), document=review_state)
