"""Who sees which review (DESIGN.md rule 6): the assigned reviewer, the case's handlers and the
agency's 负责人."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.cases.models import Case
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role
from sanxiang.review.models import Review, ReviewStatus


class ReviewNotFound(DomainError):
    def __init__(self, review_id: object) -> None:
        super().__init__(
            "未找到该审核，或您无权查看。", log_message=f"review {review_id} not in scope"
        )


def _scope(officer: Officer) -> Q:
    if not officer.is_active:
        return Q(pk__in=[])
    if officer.has_role(Role.HEAD):
        return Q(agency_id=officer.unit.agency_id)
    handled = Case.handlers.through.objects.filter(
        case_id=OuterRef("case_id"), officer_id=officer.pk
    )
    return Q(reviewer_id=officer.pk) | Q(Exists(handled))


def reviews_for(officer: Officer) -> QuerySet[Review]:
    return (
        Review.objects.filter(_scope(officer))
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
