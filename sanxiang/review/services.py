"""Every write of 法制审核: submission, opinion, answer, committee, and the need findings.

Each service locks the case, writes the review records, appends a ledger event carrying the
SHA-256 of what was written, and takes the matching case step through
``cases.services.case_transition`` — all in one transaction (DESIGN.md rule 1). The case
step's guard asks the review app (``gate.py``) that the record exists, so the steps cannot be
taken any other way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sanxiang.cases.models import Case, CaseDocument
from sanxiang.cases.services import case_transition, proposal_sha256
from sanxiang.core.services import provisional_deadline_note
from sanxiang.core.workdays import Due, get_calendar
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Officer, Role
from sanxiang.review.content import (
    answer_content,
    meeting_content,
    opinion_content,
    round_content,
)
from sanxiang.review.events import ReviewEvent, determination_recorded, review_recorded
from sanxiang.review.gate import CatalogueGate, case_facts, matched_rules
from sanxiang.review.models import (
    OPINION_POINTS,
    Answer,
    Capacity,
    CatalogueRule,
    CommitteeMeeting,
    Conclusion,
    Determination,
    MaterialSource,
    MeetingConclusion,
    MeetingParticipant,
    Opinion,
    OpinionPoint,
    PointConclusion,
    RequiredMaterial,
    Review,
    ReviewPolicy,
    ReviewStatus,
    Round,
)

logger = logging.getLogger(__name__)

REVIEW_STEPS = (
    "return_review", "pass_review", "refer_committee", "committee_proceed", "committee_return",
)  # fmt: skip


class ReviewRefused(DomainError):
    """A review action the rules do not allow; nothing was changed."""


def _record(review: Review, actor: Officer, verb: str, content: dict[str, object]) -> None:
    review_recorded(review, actor, ReviewEvent.named(f"review.review.{verb}"), content)


def policy_for(agency_id: int) -> ReviewPolicy:
    policy = ReviewPolicy.objects.filter(agency_id=agency_id).first()
    return policy or ReviewPolicy(agency_id=agency_id)


# --- what the catalogue says ------------------------------------------------------------


def determination_record(*, case: Case, actor: Officer, action: str) -> Determination:
    """Record whether the case needed review at ``action``, with the rules that matched."""
    need = CatalogueGate().need(case)
    rules = matched_rules(case)
    required, reason = need.required, need.reason[:500]
    determination = Determination.objects.create(
        case=case,
        action=action,
        required=required,
        rules=[{"position": r.position, "title": r.title} for r in rules],
        reason=reason,
        actor=actor,
    )
    determination_recorded(determination, _facts_json(case))
    return determination


def _facts_json(case: Case) -> dict[str, object]:
    facts = case_facts(case)
    return {
        "procedure": facts.procedure,
        "category": facts.category_id,
        "amount": str(facts.amount_yuan) if facts.amount_yuan is not None else None,
        "penalty_kinds": sorted(facts.penalty_kinds),
        "hearing_held": facts.hearing_held,
        "flags": sorted(facts.flags),
    }


# --- submission ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialCheck:
    material: RequiredMaterial
    present: bool
    how: str


def _heard(case: Case) -> bool:
    return case.hearing_held_on is not None


def materials_check(case: Case, declared: set[int]) -> list[MaterialCheck]:
    """The agency's 送审材料 for this case, each found in the system or declared by hand."""
    wanted = RequiredMaterial.objects.filter(agency_id=case.agency_id).filter(
        Q(procedure="") | Q(procedure=case.procedure)
    )
    heard = _heard(case)
    checks = []
    for material in wanted:
        if material.only_if_heard and not heard:
            continue
        if material.source == MaterialSource.DOCUMENT:
            present = CaseDocument.objects.filter(
                case_id=case.pk, kind=material.document_kind
            ).exists()
            how = "系统中已生成" if present else "系统中尚未生成"
        elif material.source == MaterialSource.EVIDENCE:
            present = (
                bool(case.number)
                and EvidenceItem.objects.filter(
                    case_number=case.number, agency_id=case.agency_id
                ).exists()
            )
            how = "系统中已登记证据" if present else "系统中尚未登记证据"
        else:
            present = material.pk in declared
            how = "承办人确认随案报送" if present else "承办人未确认"
        checks.append(MaterialCheck(material, present, how))
    return checks


def _eligible_reviewers(case: Case, policy: ReviewPolicy) -> list[Officer]:
    """法制审核人员 of the agency's review body who never acted on the case (办、审分离).

    Only acts the reviewer did himself count: being a handler of the case, a ledger event on the
    case with him as actor (other than the review's own steps), a record he registered or a
    document he generated. What others typed about him (采集人 on a record) does not.
    """
    acted = {
        int(actor[5:])
        for actor in LedgerEntry.objects.filter(
            object_type="cases.case", object_id=str(case.pk), actor__startswith="user:"
        )
        # The review's own steps are the reviewer's work, not handling the case.
        .exclude(action__in=[f"cases.case.{step}" for step in REVIEW_STEPS])
        .values_list("actor", flat=True)
    }
    handlers = set(case.handlers.values_list("pk", flat=True))
    # Whoever registered the case's records himself, or made its documents, took part too. The
    # 采集人 field is not counted: the registering officer types it, so counting it would let a
    # handler strike out (or pick among) reviewers by naming them on a photo.
    if case.number:
        handlers |= set(
            EvidenceItem.objects.filter(
                case_number=case.number, agency_id=case.agency_id
            ).values_list("created_by_id", flat=True)
        )
    handlers |= set(CaseDocument.objects.filter(case=case).values_list("created_by_id", flat=True))
    candidates = (
        Officer.objects.filter(
            unit__agency_id=case.agency_id,
            unit__is_legal_review_body=True,
            is_active=True,
            roles__role=Role.REVIEWER,
        )
        .exclude(pk__in=handlers)
        .exclude(user_id__in=acted)
        .annotate(
            open_reviews=Count(
                "reviews", filter=~Q(reviews__status=ReviewStatus.PASSED), distinct=True
            )
        )
        .order_by("open_reviews", "pk")
        .select_related("unit")
    )
    if policy.exclude_own_unit:
        candidates = candidates.exclude(unit_id=case.unit_id)
    return list(candidates)


def review_submit(
    *, actor: Officer, case_id: int, declared: set[int], confirmed: bool, disputed: bool = False
) -> Review:
    """送审: check the materials, take the handlers' statement, assign a reviewer."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.agency_id != actor.unit.agency_id:
            raise ReviewRefused("未找到该案件，或您无权办理。", log_message=f"case {case_id}")
        if not case.handlers.filter(pk=actor.pk).exists():
            raise ReviewRefused(
                "只有本案承办人可以提交法制审核。", log_message=f"{actor.pk} not handler"
            )
        if Review.objects.filter(case_id=case.pk).exists():
            raise ReviewRefused("本案已提交过法制审核。", log_message=f"case {case.pk} in review")
        rules = matched_rules(case)
        no_catalogue = not CatalogueRule.objects.filter(
            agency_id=case.agency_id, is_active=True
        ).exists()
        disputed = disputed or no_catalogue
        if not rules and not disputed:
            raise ReviewRefused(
                "本案不属于本机关法制审核目录清单事项；如对是否属于重大执法决定存在争议，"
                "请勾选“存在争议”后提交（争议事项应纳入法制审核）。",
                log_message=f"case {case.pk} not in catalogue",
            )
        missing = [c.material.name for c in materials_check(case, declared) if not c.present]
        if missing:
            raise ReviewRefused(
                "送审材料不全，请补齐后再提交：" + "、".join(missing),
                log_message=f"case {case.pk} materials missing: {len(missing)}",
            )
        policy = policy_for(case.agency_id)
        if not confirmed:
            raise ReviewRefused(
                "请阅读并确认送审承诺后提交。", log_message=f"case {case.pk} statement unsigned"
            )
        reviewers = _eligible_reviewers(case, policy)
        if not reviewers:
            raise ReviewRefused(
                "本机关法制审核机构没有可以审核本案的法制审核人员（须在岗、未参与办理本案"
                + ("、不属于本案承办机构" if policy.exclude_own_unit else "")
                + "），请联系负责人。",
                log_message=f"case {case.pk}: no eligible reviewer",
            )
        now = timezone.now()
        due = _due(policy)
        review = Review.objects.create(
            case=case,
            agency_id=case.agency_id,
            status=ReviewStatus.UNDER_REVIEW,
            reviewer=reviewers[0],
            need_reason=(
                "；".join(f"第{r.position}项 {r.title}" for r in rules)
                if rules
                else "本机关尚未制定法制审核目录清单"
                if no_catalogue
                else "对是否属于重大执法决定存在争议"
            )[:500],
            disputed=disputed and not rules,
            due_on=due.on,
            submitted_at=now,
        )
        _note_due(review, policy, due, actor)
        _new_round(review, case, actor, declared, policy)
        case_transition(actor=actor, case_id=case.pk, action="submit_review")
    logger.info("review %s: case %s submitted, reviewer %s", review.pk, case.pk, review.reviewer_id)
    return review


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


def _new_round(
    review: Review, case: Case, actor: Officer, declared: set[int], policy: ReviewPolicy
) -> Round:
    materials = [
        {"name": c.material.name, "present": c.present, "how": c.how}
        for c in materials_check(case, declared)
    ]
    number = review.rounds.count() + 1
    round_ = Round.objects.create(
        review=review,
        number=number,
        submitted_by=actor,
        materials=materials,
        statement=policy.statement,
        case_snapshot_sha256=proposal_sha256(case),
    )
    _record(review, actor, "submitted", round_content(round_))
    return round_


def _last_round(review: Review) -> Round:
    last = review.rounds.order_by("-number").first()
    if last is None:  # every review is created with its first round
        raise ReviewRefused("审核记录不完整。", log_message=f"review {review.pk} has no round")
    return last


# --- the opinion -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PointInput:
    conclusion: str
    reasoning: str


def _review_for_update(review_id: int, actor: Officer) -> Review:
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None or review.agency_id != actor.unit.agency_id:
        raise ReviewRefused("未找到该审核，或您无权办理。", log_message=f"review {review_id}")
    return review


def opinion_write(
    *,
    actor: Officer,
    review_id: int,
    points: dict[str, PointInput],
    conclusion: str,
    summary: str,
    assisted_by: str = "",
) -> Opinion:
    """书面审核意见: every point with a conclusion and reasons, then 同意 or 存在问题."""
    missing = [label for code, label in OPINION_POINTS if code not in points]
    empty = [
        label
        for code, label in OPINION_POINTS
        if code in points and not points[code].reasoning.strip()
    ]
    if missing or empty:
        raise ReviewRefused(
            "审核意见须逐项写明结论和理由，尚未填写：" + "、".join(missing + empty),
            log_message="opinion incomplete",
        )
    if any(p.conclusion not in PointConclusion.values for p in points.values()):
        raise ReviewRefused("审核事项的结论不正确。", log_message="bad point conclusion")
    if conclusion not in Conclusion.values:
        raise ReviewRefused("请选择审核结论：同意或存在问题。", log_message="bad conclusion")
    problems = [code for code, p in points.items() if p.conclusion == PointConclusion.PROBLEM]
    if conclusion == Conclusion.AGREE and problems:
        raise ReviewRefused(
            "有审核事项存在问题的，审核结论不能为“同意”。", log_message="agree with problems"
        )
    if conclusion == Conclusion.PROBLEMS and not problems:
        raise ReviewRefused(
            "审核结论为“存在问题”的，请在相应审核事项中写明问题。",
            log_message="problems without a point",
        )
    if not summary.strip():
        raise ReviewRefused("请填写审核意见。", log_message="summary empty")
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        if review.reviewer_id != actor.pk or not actor.has_role(Role.REVIEWER):
            raise ReviewRefused(
                "只有分配的法制审核人员可以出具审核意见。", log_message=f"{actor.pk} not reviewer"
            )
        if review.status != ReviewStatus.UNDER_REVIEW:
            raise ReviewRefused(
                f"本案当前{review.get_status_display()}，不能出具审核意见。",
                log_message=f"review {review.pk} is {review.status}",
            )
        last = _last_round(review)
        if hasattr(last, "opinion"):
            raise ReviewRefused("本轮已出具审核意见。", log_message="opinion exists")
        case = Case.objects.select_for_update().get(pk=review.case_id)
        if conclusion == Conclusion.AGREE and proposal_sha256(case) != last.case_snapshot_sha256:
            raise ReviewRefused(
                "送审后案件内容已发生变化，不能同意；请写明“存在问题”退回承办机构重新送审。",
                log_message=f"case {case.pk} changed since round {last.number}",
            )
        if actor not in _eligible_reviewers(case, policy_for(case.agency_id)):
            raise ReviewRefused(
                "您已不符合审核本案的条件（须在岗、属于法制审核机构、未参与办理本案），请联系负责人。",
                log_message=f"reviewer {actor.pk} no longer eligible for case {case.pk}",
            )
        opinion = Opinion.objects.create(
            round=last,
            reviewer=actor,
            conclusion=conclusion,
            summary=summary.strip(),
            assisted_by=assisted_by.strip(),
        )
        OpinionPoint.objects.bulk_create(
            OpinionPoint(
                opinion=opinion,
                point=code,
                conclusion=points[code].conclusion,
                reasoning=points[code].reasoning.strip(),
            )
            for code, _ in OPINION_POINTS
        )
        previous = review.rounds.filter(number=last.number - 1).select_related("answer").first()
        disagreed = previous is not None and not getattr(
            getattr(previous, "answer", None), "accepted", True
        )
        if conclusion == Conclusion.AGREE:
            review.status, review.passed_at, action = (
                ReviewStatus.PASSED,
                timezone.now(),
                "pass_review",
            )
        elif disagreed:
            # The handlers did not accept the last opinion and the reviewer still finds problems:
            # the review body and the handlers disagree, so the committee decides (重庆江北方案).
            review.status, action = ReviewStatus.COMMITTEE, "refer_committee"
        else:
            review.status, action = ReviewStatus.RETURNED, "return_review"
        review.save(update_fields=["status", "passed_at"])
        _record(review, actor, "opinion", opinion_content(opinion))
        case_transition(actor=actor, case_id=review.case_id, action=action)
    return opinion


# --- the handlers' answer ---------------------------------------------------------------------


def answer_write(
    *,
    actor: Officer,
    review_id: int,
    accepted: bool,
    study: str,
    action: str,
    declared: set[int],
) -> Round:
    """书面答复: 研究意见 and 处理情况 on the opinion, then the case goes back to the reviewer."""
    if not study.strip() or not action.strip():
        raise ReviewRefused(
            "请写明对审核意见的研究意见和处理情况。", log_message="answer incomplete"
        )
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        case = Case.objects.select_for_update().get(pk=review.case_id)
        if not case.handlers.filter(pk=actor.pk).exists():
            raise ReviewRefused(
                "只有本案承办人可以答复审核意见。", log_message=f"{actor.pk} not handler"
            )
        if review.status != ReviewStatus.RETURNED:
            raise ReviewRefused(
                "审核意见尚未退回承办机构，无需答复。",
                log_message=f"review {review.pk} not returned",
            )
        last = _last_round(review)
        if hasattr(last, "answer"):
            raise ReviewRefused("本轮已答复。", log_message="answer exists")
        missing = [c.material.name for c in materials_check(case, declared) if not c.present]
        if missing:
            raise ReviewRefused(
                "送审材料不全，请补齐后再提交：" + "、".join(missing),
                log_message=f"case {case.pk} materials missing on resubmission",
            )
        answer = Answer.objects.create(
            round=last, answered_by=actor, accepted=accepted, study=study.strip(),
            action=action.strip(),
        )  # fmt: skip
        _record(review, actor, "answered", answer_content(answer))
        policy = policy_for(case.agency_id)
        due = _due(policy)
        review.status, review.due_on = ReviewStatus.UNDER_REVIEW, due.on
        review.save(update_fields=["status", "due_on"])
        _note_due(review, policy, due, actor)
        round_ = _new_round(review, case, actor, declared, policy)
        case_transition(actor=actor, case_id=case.pk, action="resubmit_review")
    return round_


# --- the committee ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantInput:
    name: str
    capacity: str
    view: str
    vote: str = ""
    officer_id: int | None = None


def committee_record(
    *,
    actor: Officer,
    review_id: int,
    held_on: date,
    place: str,
    chair: Officer,
    participants: list[ParticipantInput],
    conclusion: str,
    minutes: str,
) -> CommitteeMeeting:
    """法制审核委员会集体审议: each member's view and the collective conclusion."""
    if conclusion not in MeetingConclusion.values:
        raise ReviewRefused("请选择集体审议结论。", log_message="bad meeting conclusion")
    if not place.strip() or not minutes.strip():
        raise ReviewRefused("请填写会议地点和会议纪要。", log_message="meeting incomplete")
    if held_on > timezone.localdate():
        raise ReviewRefused("会议日期不能晚于今天。", log_message="meeting in the future")
    members = [p for p in participants if p.capacity == Capacity.MEMBER]
    if len(members) < 3:
        raise ReviewRefused(
            "集体审议须有三名以上委员出席，并记录每名委员的意见。",
            log_message=f"{len(members)} members",
        )
    for p in participants:
        if p.capacity not in Capacity.values or not p.name.strip() or not p.view.strip():
            raise ReviewRefused(
                "请写明每名出席人员的姓名、身份和意见。", log_message="participant incomplete"
            )
        if p.capacity == Capacity.MEMBER and p.vote not in MeetingConclusion.values:
            raise ReviewRefused(
                f"请记录委员{p.name}的表决意见。", log_message="member without vote"
            )
        if p.capacity != Capacity.MEMBER and p.vote:
            raise ReviewRefused(
                "受邀的法律顾问、律师和专家提供咨询意见，不参加表决。",
                log_message="guest voted",
            )
    votes = [p.vote for p in members]
    majority = max(MeetingConclusion.values, key=votes.count)
    if votes.count(majority) * 2 <= len(votes) or majority != conclusion:
        raise ReviewRefused(
            "集体审议结论应与过半数委员的表决意见一致。", log_message="conclusion not majority"
        )
    with transaction.atomic():
        review = _review_for_update(review_id, actor)
        if review.status != ReviewStatus.COMMITTEE:
            raise ReviewRefused(
                "本案未提请审核委员会审议。", log_message=f"review {review.pk} not in committee"
            )
        case = Case.objects.select_for_update().get(pk=review.case_id)
        handlers = set(case.handlers.values_list("pk", flat=True))
        if actor.pk in handlers or not (
            actor.pk == review.reviewer_id or actor.has_role(Role.HEAD)
        ):
            raise ReviewRefused(
                "审核委员会会议由本案的法制审核人员或非承办人的负责人记录。",
                log_message=f"{actor.pk} may not record the meeting",
            )
        # The two sides of the disagreement state their views but do not sit as members.
        parties_to_it = handlers | {review.reviewer_id}
        members_ids = [p.officer_id for p in members]
        if any(officer_id is None for officer_id in members_ids):
            raise ReviewRefused(
                "委员须为本机关人员，请在“本机关人员”中选择。", log_message="member not an officer"
            )
        if chair.pk in parties_to_it or any(i in parties_to_it for i in members_ids):
            raise ReviewRefused(
                "本案承办人和法制审核人员不得作为委员或主持人参加本案的集体审议。",
                log_message="party to the disagreement on committee",
            )
        if len(set(members_ids)) != len(members_ids):
            raise ReviewRefused("同一委员不能重复记录。", log_message="duplicate member")
        meeting = CommitteeMeeting.objects.create(
            review=review, held_on=held_on, place=place.strip(), chair=chair,
            conclusion=conclusion, minutes=minutes.strip(), recorded_by=actor,
        )  # fmt: skip
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(
                meeting=meeting, name=p.name.strip(), officer_id=p.officer_id,
                capacity=p.capacity, view=p.view.strip(), vote=p.vote,
            )
            for p in participants
        )  # fmt: skip
        if conclusion == MeetingConclusion.PROCEED:
            review.status, review.passed_at, step = (
                ReviewStatus.PASSED,
                timezone.now(),
                "committee_proceed",
            )
        else:
            review.status, step = ReviewStatus.RETURNED, "committee_return"
        review.save(update_fields=["status", "passed_at"])
        _record(review, actor, "committee", meeting_content(meeting))
        case_transition(actor=actor, case_id=case.pk, action=step)
    return meeting
