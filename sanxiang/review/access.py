"""Who may do what to a review (法制审核): the one place that decides it (DESIGN.md rule 6).

``Review.objects.visible_to(actor, action)`` keeps only the reviews ``actor`` may perform
``action`` on; selectors, services and views fetch a review through it, so a review outside
one's scope is answered exactly like a review that does not exist.

- ``VIEW`` (open the review, list it): an officer on duty sees the reviews assigned to him and
  those of the cases he handles; a 负责人 sees every review of his agency.
- ``ACT`` (reach a review to record an opinion, an answer, a meeting …): the review belongs to
  the actor's agency; the step then applies its own rules (the assigned reviewer, a handler,
  the review's status), with its own message.
- ``REVIEW`` (the reviews a 法制审核人员 was assigned): also what lets him read the case sent
  to him — the case gate asks ``cases_under_review_by`` through ``review_gate().scope``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from sanxiang.org.models import Officer, Role

if TYPE_CHECKING:
    from sanxiang.review.models import Review  # noqa: F401 (the QuerySet's type argument)

NOTHING = Q(pk__in=[])


class ReviewAction(StrEnum):
    VIEW = "view"
    ACT = "act"
    REVIEW = "review"


def review_rule(actor: Officer | None, action: ReviewAction | str) -> Q:
    """The reviews ``actor`` may perform ``action`` on, as a filter on ``Review``."""
    action = ReviewAction(action)
    if actor is None:
        return NOTHING
    if action == ReviewAction.ACT:
        return Q(agency_id=actor.unit.agency_id)
    if not actor.is_active:
        return NOTHING
    if action == ReviewAction.REVIEW:
        return Q(reviewer_id=actor.pk) if actor.has_role(Role.REVIEWER) else NOTHING
    # VIEW
    if actor.has_role(Role.HEAD):
        return Q(agency_id=actor.unit.agency_id)
    handled = Officer.handled_cases.through.objects.filter(
        case_id=OuterRef("case_id"), officer_id=actor.pk
    )
    return Q(reviewer_id=actor.pk) | Q(Exists(handled))


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, actor: Officer | None, action: ReviewAction | str) -> ReviewQuerySet:
        """Only the reviews ``actor`` may perform ``action`` on."""
        return self.filter(review_rule(actor, action))


def cases_under_review_by(officer: Officer, reviews: ReviewQuerySet) -> Q:
    """The cases (a filter on ``Case``) sent to ``officer`` for review: he may read them."""
    return Q(pk__in=reviews.visible_to(officer, ReviewAction.REVIEW).values("case_id"))
