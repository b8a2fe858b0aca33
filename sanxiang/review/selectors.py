"""Reads of reviews, through the one access gate (``review/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.cases.models import Case
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role
from sanxiang.review.access import ReviewAction
from sanxiang.review.models import Review, ReviewStatus


class ReviewNotFound(DomainError):
    def __init__(self, review_id: object) -> None:
        super().__init__(
            "未找到该审核，或您无权查看。", log_message=f"review {review_id} not in scope"
        )


def reviews_for(officer: Officer) -> QuerySet[Review]:
    return (
        Review.objects.visible_to(officer, ReviewAction.VIEW)
        .select_related("case", "reviewer", "case__unit")
        .order_by("due_on", "pk")
    )


def queue_for(officer: Officer) -> QuerySet[Review]:
    """审核待办: what waits for this officer, the most urgent first."""
    waiting = Q(reviewer_id=officer.pk, status=ReviewStatus.UNDER_REVIEW)
    if officer.has_role(Role.REVIEWER) or officer.has_role(Role.HEAD):
        # The reviewer (the committee's secretariat) and the 负责人 record the meeting.
        waiting |= Q(status=ReviewStatus.COMMITTEE)
    handled = Case.handlers.through.objects.filter(
        case_id=OuterRef("case_id"), officer_id=officer.pk
    )
    waiting |= Q(Exists(handled), status=ReviewStatus.RETURNED)
    return reviews_for(officer).filter(waiting)


def review_get_for(officer: Officer, review_id: object) -> Review:
    try:
        pk = int(str(review_id))
    except ValueError:
        raise ReviewNotFound(review_id) from None
    review = reviews_for(officer).filter(pk=pk).first()
    if review is None:
        raise ReviewNotFound(review_id)
    return review
