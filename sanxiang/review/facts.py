"""What the review app knows of a case without changing anything: its facts as the catalogue
reads them, the rules it matches, whether it needs review, and whether its review passed on the
written record. The gate (``review.gate``) and the services both read these; neither is
imported by this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from sanxiang.cases.batch import batch_of, by_agency, first_by_case
from sanxiang.cases.gate import ReviewNeed
from sanxiang.cases.models import Case
from sanxiang.review.catalogue import CaseFacts, matching
from sanxiang.review.models import (
    CatalogueRule,
    Conclusion,
    Determination,
    MeetingConclusion,
    Opinion,
    Review,
)

# The case steps that decide (or approve a measure): the finding "needs review or not" is
# recorded at each, and they count in the coverage figure.
DECISION_ACTIONS = frozenset({"decide", "no_penalty", "approve", "approve_afterwards"})
# Also recorded when the party is notified, so that a catalogue edited (or a circumstance
# un-ticked) between the notice and the decision cannot take a case out of review.
PINNING_ACTIONS = DECISION_ACTIONS | {"notify"}


def case_facts(case: Case) -> CaseFacts:
    amounts = [a for a in (case.amount_involved_yuan, case.fine_yuan) if a is not None]
    return CaseFacts(
        procedure=case.procedure,
        category_id=case.category_id,
        amount_yuan=max(amounts) if amounts else None,
        penalty_kinds=frozenset(case.penalty_kinds),
        hearing_held=case.hearing_held_on is not None,
        flags=frozenset(case.review_flags),
    )


def _catalogue(case: Case) -> list[CatalogueRule]:
    """The agency's active catalogue rules, in their order (for a batch of cases, read once)."""
    batch = batch_of(case)
    if batch is not None:
        return batch.fact("review.catalogue", case, _catalogues_of)  # type: ignore[no-any-return]
    return list(CatalogueRule.objects.filter(agency_id=case.agency_id, is_active=True))


def _catalogues_of(cases: Sequence[Case]) -> dict[int, list[CatalogueRule]]:
    agencies = sorted({case.agency_id for case in cases})
    rules = CatalogueRule.objects.filter(agency_id__in=agencies, is_active=True)
    return by_agency(cases, list(rules))


def matched_rules(case: Case) -> list[CatalogueRule]:
    return matching(_catalogue(case), case_facts(case))


def review_of(case: Case) -> Review | None:
    batch = batch_of(case)
    if batch is not None:
        return batch.fact("review.review", case, _reviews_of)  # type: ignore[no-any-return]
    return Review.objects.filter(case_id=case.pk).select_related("reviewer").first()


def _reviews_of(cases: Sequence[Case]) -> dict[int, Review]:
    reviews = Review.objects.filter(case_id__in=[case.pk for case in cases])
    return first_by_case(list(reviews.select_related("reviewer")))


def _pinned(case: Case) -> Determination | None:
    """The case's first finding that it needs review, if any."""
    batch = batch_of(case)
    if batch is not None:
        return batch.fact("review.pinned", case, _pinned_of)  # type: ignore[no-any-return]
    return Determination.objects.filter(case_id=case.pk, required=True).order_by("pk").first()


def _pinned_of(cases: Sequence[Case]) -> dict[int, Determination]:
    found = Determination.objects.filter(case_id__in=[case.pk for case in cases], required=True)
    return first_by_case(list(found.order_by("pk")))


def passed_on_record(review: Review) -> bool:
    """Whether the written record says the review passed: the last round's opinion is 同意, or
    the committee, meeting after that round's opinion (存在问题), concluded 同意作出决定.

    Decided from the opinions and minutes, which are append-only (triggers) and hashed into the
    ledger — never from ``Review.status``, a column an UPDATE could set to 审核通过.
    """
    last = review.rounds.order_by("-number").first()
    opinion = Opinion.objects.filter(round=last).first() if last is not None else None
    if opinion is None:
        return False
    if opinion.conclusion == Conclusion.AGREE:
        return True
    meeting = review.meetings.order_by("-pk").first()
    return (
        meeting is not None
        and meeting.conclusion == MeetingConclusion.PROCEED
        and meeting.created_at >= opinion.created_at
    )


def review_need(case: Case) -> ReviewNeed:
    """Whether ``case``'s decision must pass 法制审核, and why (the catalogue, a pinned finding)."""
    pinned = _pinned(case)
    if pinned is not None:
        # Found at the notice (or an earlier decision): later edits of the catalogue or of
        # the case's circumstances do not take the case out of review.
        return ReviewNeed(True, pinned.reason)
    catalogue = _catalogue(case)
    if not catalogue:
        # Without a catalogue nobody can say a decision is not 重大: review it.
        return ReviewNeed(True, "本机关尚未制定法制审核目录清单，按须经法制审核处理")
    rules = matching(catalogue, case_facts(case))
    if rules:
        titles = "；".join(f"第{r.position}项 {r.title}" for r in rules)
        return ReviewNeed(True, f"属于法制审核目录清单事项：{titles}")
    if review_of(case) is not None:
        # Sent to review (e.g. because it was disputed): it must now pass.
        return ReviewNeed(True, "已提交法制审核")
    return ReviewNeed(False, "不属于本机关法制审核目录清单事项")
