"""What every 法制审核 write shares: the refusal, the ledger record of a review, the
agency's policy, the 审核期限 and the row locks."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.workflow.engine import GuardContext, forget_sub_state
from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import provisional_deadline_note
from sanxiang.core.workdays import Due
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer
from sanxiang.review import observers
from sanxiang.review.access import ReviewAction
from sanxiang.review.events import ReviewEvent, review_recorded
from sanxiang.review.models import (
    Review,
    ReviewPolicy,
    ReviewStatus,
    Round,
)
from sanxiang.review.workflow import REVIEW_PROCEDURE

# The reviewers' steps when 法制审核 was still a chain of case steps: a case's history may hold
# them (``StepTaken``), and they are the review's work, not handling the case.
REVIEW_STEPS = (
    "return_review", "pass_review", "refer_committee", "committee_proceed", "committee_return",
)  # fmt: skip


class ReviewRefused(DomainError):
    """A review action the rules do not allow; nothing was changed."""


def _record(review: Review, actor: Officer, verb: str, content: dict[str, object]) -> None:
    review_recorded(review, actor, ReviewEvent.named(f"review.review.{verb}"), content)


def _advance(review: Review, actor: Officer, action: str, case: Case) -> None:
    """Take step ``action`` of the 法制审核 sub-process (``review.workflow``) under its guards,
    and save the review's new state. Call it after the rows the step needs are written and
    before the step's ledger record (which carries the review's state)."""
    transition = REVIEW_PROCEDURE.transition(action)
    context = GuardContext(
        case=case, actor=actor, today=timezone.localdate(), calendar=get_calendar(),
        subject=review,
    )  # fmt: skip
    refused = REVIEW_PROCEDURE.refusal(transition, context)
    if refused is not None:
        raise ReviewRefused(
            refused.message, log_message=f"review {review.pk}: {action} refused by {refused.guard}"
        )
    review.status = transition.target
    fields = ["status"]
    if transition.target == ReviewStatus.PASSED:
        review.passed_at = timezone.now()
        fields.append("passed_at")
    review.save(update_fields=fields)
    forget_sub_state(case)
    observers.notify(review, case, actor, action)


def policy_for(agency_id: int) -> ReviewPolicy:
    policy = ReviewPolicy.objects.filter(agency_id=agency_id).first()
    return policy or ReviewPolicy(agency_id=agency_id)


def _due(policy: ReviewPolicy) -> Due:
    """审核期限: provisional (暂定, weekends only) where it runs into a year whose holiday
    schedule is not entered yet, so a review can start in late December."""
    return get_calendar().add_workdays_provisional(timezone.localdate(), policy.review_days)


def _note_due(review: Review, policy: ReviewPolicy, due: Due, actor: Officer) -> None:
    provisional_deadline_note(
        instance=review, field="due_on", start=timezone.localdate(),
        workdays=policy.review_days, due=due, actor=actor.ledger_actor,
        agency_id=review.agency_id,
    )  # fmt: skip


def _last_round(review: Review) -> Round:
    last = review.rounds.order_by("-number").first()
    if last is None:  # every review is created with its first round
        raise ReviewRefused("审核记录不完整。", log_message=f"review {review.pk} has no round")
    return last


def _review_for_update(review_id: int, actor: Officer) -> Review:
    in_reach = Review.objects.visible_to(actor, ReviewAction.ACT)
    review = in_reach.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise ReviewRefused("未找到该审核，或您无权办理。", log_message=f"review {review_id}")
    return review
