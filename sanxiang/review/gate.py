"""The review app's answers to the case workflow's 法制审核 gate (``cases.gate``)."""

from __future__ import annotations

from django.db.models import Q

from sanxiang.cases.gate import ReviewNeed
from sanxiang.cases.models import Case
from sanxiang.cases.services import proposal_sha256
from sanxiang.org.models import Officer
from sanxiang.review.access import cases_under_review_by
from sanxiang.review.facts import PINNING_ACTIONS, passed_on_record, review_need, review_of
from sanxiang.review.models import Review, ReviewStatus
from sanxiang.review.services import determination_record

# The case step that starts 法制审核 is taken by the submission page, with what it needs.
VIA_PAGE = "请在“提交法制审核”页面核对送审材料、作出送审承诺后提交"


class CatalogueGate:
    def need(self, case: Case) -> ReviewNeed:
        return review_need(case)

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
        if step == "submit_review" and review is not None and self._just_submitted(review):
            return None
        return VIA_PAGE

    def _just_submitted(self, review: Review) -> bool:
        """Whether the submission page has just opened the review (its first round, no
        opinion yet): the case step 提交法制审核 follows it in the same transaction."""
        last = review.rounds.order_by("-number").first()
        return (
            review.status == ReviewStatus.UNDER_REVIEW
            and last is not None
            and last.number == 1
            and getattr(last, "opinion", None) is None
        )

    def scope(self, officer: Officer) -> Q:
        return cases_under_review_by(officer, Review.objects.all())

    def on_transition(self, case: Case, actor: Officer, action: str) -> None:
        if action in PINNING_ACTIONS:
            determination_record(case=case, actor=actor, action=action)
