"""The review app's answers to the case workflow's 法制审核 gate (``cases.workflow.gate``)."""

from __future__ import annotations

from django.db.models import Q

from sanxiang.cases.models import Case
from sanxiang.cases.services import proposal_sha256
from sanxiang.cases.workflow.gate import ReviewNeed
from sanxiang.org.models import Officer
from sanxiang.review.access import cases_under_review_by
from sanxiang.review.catalogue import CaseFacts, matching
from sanxiang.review.models import (
    CatalogueRule,
    Conclusion,
    Determination,
    MeetingConclusion,
    Opinion,
    Review,
    ReviewStatus,
)

# The case steps that decide (or approve a measure): the finding "needs review or not" is
# recorded at each, and they count in the coverage figure.
DECISION_ACTIONS = frozenset({"decide", "approve", "approve_afterwards"})
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


def matched_rules(case: Case) -> list[CatalogueRule]:
    rules = CatalogueRule.objects.filter(agency_id=case.agency_id, is_active=True)
    return matching(rules, case_facts(case))


def review_of(case: Case) -> Review | None:
    return Review.objects.filter(case_id=case.pk).select_related("reviewer").first()


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


# Why each review step is refused when the review app's page did not record it.
VIA_PAGE = {
    "submit_review": "请在“提交法制审核”页面核对送审材料、作出送审承诺后提交",
    "return_review": "审核意见须在法制审核页面逐项写明后提交",
    "pass_review": "审核意见须在法制审核页面逐项写明后提交",
    "refer_committee": (
        "须在法制审核页面写明审核意见；承办机构不采纳而审核人员仍认为存在问题的，提请审核委员会"
    ),
    "resubmit_review": "请在法制审核页面书面答复审核意见（研究意见和处理情况）后重新提交",
    "committee_proceed": "请在法制审核页面记录审核委员会会议及其结论",
    "committee_return": "请在法制审核页面记录审核委员会会议及其结论",
}


class CatalogueGate:
    def need(self, case: Case) -> ReviewNeed:
        pinned = Determination.objects.filter(case_id=case.pk, required=True).order_by("pk").first()
        if pinned is not None:
            # Found at the notice (or an earlier decision): later edits of the catalogue or of
            # the case's circumstances do not take the case out of review.
            return ReviewNeed(True, pinned.reason)
        if not CatalogueRule.objects.filter(agency_id=case.agency_id, is_active=True).exists():
            # Without a catalogue nobody can say a decision is not 重大: review it.
            return ReviewNeed(True, "本机关尚未制定法制审核目录清单，按须经法制审核处理")
        rules = matched_rules(case)
        if rules:
            titles = "；".join(f"第{r.position}项 {r.title}" for r in rules)
            return ReviewNeed(True, f"属于法制审核目录清单事项：{titles}")
        if Review.objects.filter(case_id=case.pk).exists():
            # Sent to review (e.g. because it was disputed): it must now pass.
            return ReviewNeed(True, "已提交法制审核")
        return ReviewNeed(False, "不属于本机关法制审核目录清单事项")

    def refusal(self, case: Case, actor: Officer, step: str) -> str | None:
        review = review_of(case)
        if step == "decider":
            if review is not None and review.reviewer_id == actor.pk:
                return "本案的法制审核人员不得作出本案的决定，请由其他负责人办理"
            return None
        if step == "decision":
            if review is None:
                return f"{self.need(case).reason}，未经法制审核的，不得作出决定"
            if not passed_on_record(review):
                return (
                    "法制审核尚未通过（没有同意的书面审核意见，也没有审核委员会同意作出决定的"
                    "会议纪要），不得作出决定"
                )
            last = review.rounds.order_by("-number").first()
            if last is None or last.case_snapshot_sha256 != proposal_sha256(case):
                return "案件内容与通过法制审核时不一致，不得作出决定"
            return None
        recorded = review is not None and self._recorded(review, actor, step)
        return None if recorded else VIA_PAGE.get(step, "请在法制审核页面办理")

    def _recorded(self, review: Review, actor: Officer, step: str) -> bool:
        """Whether the review app has just recorded what ``step`` stands for."""
        last = review.rounds.order_by("-number").first()
        if last is None:
            return False
        opinion = getattr(last, "opinion", None)
        meeting = review.meetings.order_by("-pk").first()
        is_reviewer = actor.pk == review.reviewer_id
        if step == "submit_review":
            return review.status == ReviewStatus.UNDER_REVIEW and last.number == 1 and not opinion
        if step == "resubmit_review":
            return review.status == ReviewStatus.UNDER_REVIEW and last.number > 1 and not opinion
        if step == "return_review":
            return (
                is_reviewer
                and review.status == ReviewStatus.RETURNED
                and opinion is not None
                and opinion.conclusion == Conclusion.PROBLEMS
                and not hasattr(last, "answer")
            )
        if step == "pass_review":
            return (
                is_reviewer
                and opinion is not None
                and opinion.conclusion == Conclusion.AGREE
                and passed_on_record(review)
            )
        if step == "refer_committee":
            return is_reviewer and review.status == ReviewStatus.COMMITTEE
        if step in ("committee_proceed", "committee_return"):
            wanted, status = (
                (MeetingConclusion.PROCEED, ReviewStatus.PASSED)
                if step == "committee_proceed"
                else (MeetingConclusion.RETURN, ReviewStatus.RETURNED)
            )
            return (
                meeting is not None
                and meeting.conclusion == wanted
                and review.status == status
                and meeting.recorded_by_id == actor.pk
                and (passed_on_record(review) == (step == "committee_proceed"))
            )
        return False

    def scope(self, officer: Officer) -> Q:
        return cases_under_review_by(officer, Review.objects.all())

    def on_transition(self, case: Case, actor: Officer, action: str) -> None:
        if action in PINNING_ACTIONS:
            from sanxiang.review.services import determination_record

            determination_record(case=case, actor=actor, action=action)
