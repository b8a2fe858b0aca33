"""送审: the 送审材料 check, the reviewer assigned (办、审分离) and each round of submission."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Model, Q
from django.utils import timezone

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import (
    Case,
    CaseDocument,
    DecisionExtension,
    ExecutionStep,
    PartyQueryCode,
    Payment,
    PaymentSchedule,
    Remedy,
    RemedyStep,
    StepTaken,
)
from sanxiang.cases.services import case_transition, proposal_sha256
from sanxiang.evidence.models import EvidenceItem
from sanxiang.org.models import Officer, Role
from sanxiang.review.content import round_content
from sanxiang.review.facts import matched_rules
from sanxiang.review.models import (
    CatalogueRule,
    MaterialSource,
    RequiredMaterial,
    Review,
    ReviewPolicy,
    ReviewStatus,
    Round,
)
from sanxiang.review.services._common import (
    REVIEW_STEPS,
    ReviewRefused,
    _due,
    _note_due,
    _record,
    policy_for,
)

logger = logging.getLogger(__name__)

# The case's records that name the officer who made them (each also has its ledger event).
# (record, its path to the case, the officer who made it)
CASE_RECORDS: tuple[tuple[type[Model], str, str], ...] = (
    (DecisionExtension, "case", "approved_by_id"),
    (PartyQueryCode, "case", "issued_by_id"),
    (Payment, "case", "recorded_by_id"),
    (PaymentSchedule, "case", "approved_by_id"),
    (Remedy, "case", "recorded_by_id"),
    (RemedyStep, "remedy__case", "recorded_by_id"),
    (ExecutionStep, "case", "recorded_by_id"),
)


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

    Only acts the reviewer did himself count: being a handler of the case, a step or edit of the
    case in its history (``StepTaken``, other than the review's own steps), a record of its
    execution, an extension or query code he approved or issued, a record he registered or a
    document he generated. What others typed about him (采集人 on a record) does not.
    """
    steps = (
        StepTaken.objects.filter(case=case, officer__isnull=False)
        # The review's own steps are the reviewer's work, not handling the case.
        .exclude(action__in=REVIEW_STEPS)
        .values_list("officer_id", flat=True)
        .order_by()
    )
    records = [
        model._default_manager.filter(**{path: case}).values_list(column, flat=True).order_by()
        for model, path, column in CASE_RECORDS
    ]
    acted = set(steps.union(*records))  # one query
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
        .exclude(pk__in=handlers | acted)
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
        in_reach = Case.objects.visible_to(actor, CaseAction.ACT)
        case = in_reach.select_for_update().filter(pk=case_id).first()
        if case is None:
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
