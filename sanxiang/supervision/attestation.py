"""Writes of the scorecard's attested and not-applicable items, each in one transaction with its
ledger event.

- ``attestation_file``: the agency's own 负责人 files, for an ``attest`` item and a year, the
  document that shows it (PDF or image into the evidence store, hashed like any attachment) with
  a short statement. Nothing counts until the supervising body confirms it (待确认).
- ``attestation_review``: a 监督人员 of a body whose area includes the agency confirms it (full
  points, or a partial score with the reason) or returns it with the reason; after a return the
  agency files anew.
- ``applicability_mark``: a 监督人员 marks an item not applicable to the agency for the year, or
  applicable again, always with the reason. The total then counts only the applicable points
  (``scorecard.Scorecard.scaled``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import digest_stream, evidence_storage, store_blob
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.events import (
    applicability_marked,
    attestation_filed,
    attestation_reviewed,
)
from sanxiang.supervision.models import (
    Applicability,
    Attestation,
    AttestationOutcome,
    AttestationReview,
    Indicator,
)
from sanxiang.supervision.services import FIRST_YEAR, ScoreAttachment, check_attachment

log = logging.getLogger(__name__)

MIN_REASON = 4
MAX_TEXT = 2000


class AttestationRefused(DomainError):
    pass


class AttestationMissing(DomainError):
    """No such attestation, or not one the actor may act on (never saying which)."""


def may_attest(officer: Officer, agency_id: int) -> bool:
    """The agency's own 负责人 (the agency designates who attests by giving the role), never a
    监督人员: the one who confirms must not be the one who files."""
    return (
        officer.is_active
        and officer.unit.agency_id == agency_id
        and officer.has_role(Role.HEAD)
        and supervisory_body_of(officer) is None
    )


def may_supervise(officer: Officer, agency_id: int) -> bool:
    return supervisory_body_of(officer) is not None and agency_id in supervised_agency_ids(officer)


def latest_attestation(agency_id: int, year: int, indicator: Indicator) -> Attestation | None:
    return (
        Attestation.objects.filter(agency_id=agency_id, year=year, indicator=indicator)
        .select_related("review")
        .order_by("-filed_at", "-pk")
        .first()
    )


def is_applicable(agency_id: int, year: int, indicator: Indicator) -> bool:
    mark = (
        Applicability.objects.filter(agency_id=agency_id, year=year, indicator=indicator)
        .order_by("-marked_at", "-pk")
        .first()
    )
    return mark is None or mark.applicable


def _year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise AttestationRefused(f"年度应在 {FIRST_YEAR} 年至 {this_year} 年之间。")


def _text(value: str, what: str) -> str:
    text = value.strip()
    if len(text) < MIN_REASON:
        raise AttestationRefused(f"请写明{what}（不少于 {MIN_REASON} 个字）。")
    if len(text) > MAX_TEXT:
        raise AttestationRefused(f"{what}不超过 {MAX_TEXT} 字。")
    return text


def _indicator(number: int) -> Indicator:
    indicator = Indicator.objects.filter(number=number).first()
    if indicator is None:
        raise AttestationRefused("没有这个指标。")
    return indicator


@dataclass(frozen=True)
class AttestationInput:
    indicator_number: int
    agency_id: int
    year: int
    statement: str
    document: ScoreAttachment | None


def attestation_file(*, actor: Officer, data: AttestationInput) -> Attestation:
    """The agency's 负责人 files the document and statement for an ``attest`` item and year.
    Refused while an earlier filing waits for confirmation or once one is confirmed, and for
    an item marked not applicable."""
    if not may_attest(actor, data.agency_id):
        raise AttestationRefused(
            "只有本执法主体的负责人可以为本单位提交佐证材料。",
            log_message=f"attestation for agency {data.agency_id} refused for officer {actor.pk}",
        )
    indicator = _indicator(data.indicator_number)
    if not indicator.attested:
        raise AttestationRefused("该项不是材料佐证项，由平台计分或者监督人员评分。")
    _year(data.year)
    statement = _text(data.statement, "情况说明")
    if data.document is None:
        raise AttestationRefused("请上传佐证材料（制定的制度、方案、清单，会议纪要等）。")
    content_type = check_attachment(data.document)
    digests = digest_stream(data.document.handle)
    name, created = store_blob(data.document.handle, digests.sha256)
    try:
        with transaction.atomic():
            # One filing at a time per item: the indicator row is the lock.
            Indicator.objects.select_for_update().get(pk=indicator.pk)
            current = latest_attestation(data.agency_id, data.year, indicator)
            review = getattr(current, "review", None) if current else None
            if current is not None and review is None:
                raise AttestationRefused("已提交的材料尚待监督人员确认，确认或者退回后才能再提交。")
            if review is not None and review.outcome == AttestationOutcome.CONFIRMED:
                raise AttestationRefused("该项材料已经监督人员确认，无需再提交。")
            if not is_applicable(data.agency_id, data.year, indicator):
                raise AttestationRefused("该项已被认定为不适用于本单位，无需提交材料。")
            blob, _ = Blob.objects.get_or_create(
                sha256=digests.sha256,
                defaults={
                    "sm3": digests.sm3,
                    "size": digests.size,
                    "content_type": content_type,
                    "storage_name": name,
                },
            )
            attestation = Attestation.objects.create(
                indicator=indicator,
                agency_id=data.agency_id,
                year=data.year,
                statement=statement,
                document=blob,
                document_name=data.document.filename[:200],
                filed_by=actor,
                filed_at=timezone.now(),
            )
            attestation_filed(attestation, actor=actor.ledger_actor)
    except BaseException:
        if created and not Blob.objects.filter(sha256=digests.sha256).exists():
            evidence_storage().delete(name)
        raise
    log.info(
        "indicator %s of agency %s for %s attested by officer %s",
        indicator.number, data.agency_id, data.year, actor.pk,
    )  # fmt: skip
    return attestation


@dataclass(frozen=True)
class ReviewInput:
    attestation_id: int
    confirm: bool
    score: Decimal | None  # confirm: None = full points
    reason: str


def attestation_review(*, actor: Officer, data: ReviewInput) -> AttestationReview:
    """A 监督人员 of the agency's supervising body confirms the newest filing (full points, or a
    partial score with the reason) or returns it with the reason."""
    body = supervisory_body_of(actor)
    if body is None:
        raise AttestationRefused("只有行政执法监督机构的监督人员可以确认材料。")
    with transaction.atomic():
        attestation = (
            Attestation.objects.select_for_update()
            .select_related("indicator")
            .filter(pk=data.attestation_id)
            .first()
        )
        if attestation is None or attestation.agency_id not in supervised_agency_ids(actor):
            raise AttestationMissing(
                "未找到该材料，或者该执法主体不在您的监督范围内。",
                log_message=f"review of attestation {data.attestation_id} refused for {actor.pk}",
            )
        if attestation.filed_by_id == actor.pk or attestation.agency_id == actor.unit.agency_id:
            raise AttestationRefused(
                "不能确认本单位或者本人提交的材料。",
                log_message=f"officer {actor.pk} may not review attestation {attestation.pk}",
            )
        indicator = attestation.indicator
        latest = latest_attestation(attestation.agency_id, attestation.year, indicator)
        if latest is None or latest.pk != attestation.pk or hasattr(latest, "review"):
            raise AttestationRefused("该材料已经确认或者退回，不能再次处理。")
        reason = data.reason.strip()
        score: Decimal | None = None
        if data.confirm:
            score = indicator.points if data.score is None else data.score
            if not score.is_finite() or not Decimal(0) <= score <= indicator.points:
                raise AttestationRefused(f"得分应在 0 至 {indicator.points} 分之间。")
            if score != score.quantize(Decimal("0.1")):
                raise AttestationRefused("得分最多保留一位小数。")
            if score < indicator.points:
                reason = _text(reason, "扣分理由")
            elif len(reason) > MAX_TEXT:
                raise AttestationRefused(f"说明不超过 {MAX_TEXT} 字。")
        else:
            reason = _text(reason, "退回理由")
        review = AttestationReview.objects.create(
            attestation=attestation,
            outcome=AttestationOutcome.CONFIRMED if data.confirm else AttestationOutcome.RETURNED,
            score=score,
            reason=reason,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
            log_agency_id=body.agency_id,
        )
        attestation_reviewed(review, actor=actor.ledger_actor)
    log.info(
        "attestation %s %s by officer %s", attestation.pk, review.outcome, actor.pk
    )  # fmt: skip
    return review


@dataclass(frozen=True)
class ApplicabilityInput:
    indicator_number: int
    agency_id: int
    year: int
    applicable: bool
    reason: str


def applicability_mark(*, actor: Officer, data: ApplicabilityInput) -> Applicability:
    """A 监督人员 marks an item not applicable to the agency for the year (or applicable again,
    reversing an earlier mark), with the reason."""
    body = supervisory_body_of(actor)
    if body is None:
        raise AttestationRefused("只有行政执法监督机构的监督人员可以认定指标是否适用。")
    if data.agency_id not in supervised_agency_ids(actor):
        raise AttestationRefused(
            "该执法主体不在您所在监督机构的监督范围内。",
            log_message=f"applicability for agency {data.agency_id} refused for {actor.pk}",
        )
    indicator = _indicator(data.indicator_number)
    _year(data.year)
    reason = _text(data.reason, "理由")
    with transaction.atomic():
        Indicator.objects.select_for_update().get(pk=indicator.pk)
        if is_applicable(data.agency_id, data.year, indicator) == data.applicable:
            raise AttestationRefused(
                "该项已是适用状态。" if data.applicable else "该项已被认定为不适用。"
            )
        mark = Applicability.objects.create(
            indicator=indicator,
            agency_id=data.agency_id,
            year=data.year,
            applicable=data.applicable,
            reason=reason,
            marked_by=actor,
            marked_at=timezone.now(),
            log_agency_id=body.agency_id,
        )
        applicability_marked(mark, actor=actor.ledger_actor)
    return mark
