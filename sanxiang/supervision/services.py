"""Writes of the supervision app: each in one transaction with its ledger event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case
from sanxiang.errors import DomainError
from sanxiang.evidence.access import EvidenceAction
from sanxiang.evidence.filetypes import sniff
from sanxiang.evidence.models import Blob, EvidenceItem
from sanxiang.evidence.storage import Digests, digest_stream, evidence_storage, store_blob
from sanxiang.org.models import Officer, SupervisoryBody
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.events import indicator_scored, interference_recorded
from sanxiang.supervision.models import Indicator, IndicatorScore, Interference, InterferenceManner

log = logging.getLogger(__name__)


class InterferenceRefused(DomainError):
    pass


@dataclass(frozen=True)
class InterferenceInput:
    case_id: int
    intervener_name: str
    intervener_position: str
    intervener_id: int | None
    occurred_at: datetime
    manner: str
    request: str
    response: str = ""
    evidence_reference: str = ""


def interference_record(*, actor: Officer, data: InterferenceInput) -> Interference:
    """干预记录: ``actor`` (an officer on duty who may see the case) records an attempt to
    interfere in it. Append-only; the ledger event goes to the supervising body's log."""
    if not actor.is_active:
        raise InterferenceRefused("您当前不在岗，不能登记干预记录。")
    if data.manner not in InterferenceManner.values:
        raise InterferenceRefused("请选择干预方式。")
    if not data.intervener_name.strip() or not data.request.strip():
        raise InterferenceRefused("请填写干预人姓名和干预内容。")
    if data.occurred_at > timezone.now():
        raise InterferenceRefused("干预时间不能晚于现在。")
    if data.intervener_id is not None and data.intervener_id == actor.pk:
        raise InterferenceRefused("干预人不能是记录人本人。")
    reference = data.evidence_reference.strip()
    if reference and not (
        EvidenceItem.objects.visible_to(actor, EvidenceAction.VIEW)
        .filter(record_id=reference)
        .exists()
    ):
        raise InterferenceRefused(
            "未找到该证据编号，或者您无权调阅该证据。请先存证，再填写其记录编号。"
        )
    with transaction.atomic():
        case = (
            Case.objects.visible_to(actor, CaseAction.VIEW)
            .filter(pk=data.case_id, agency_id=actor.unit.agency_id)
            .first()
        )
        if case is None:
            raise InterferenceRefused(
                "未找到该案件，或者该案件不属于本单位。",
                log_message=f"interference on case {data.case_id} refused for officer {actor.pk}",
            )
        interference = Interference.objects.create(
            case=case,
            agency_id=case.agency_id,
            recorded_by=actor,
            intervener_name=data.intervener_name.strip(),
            intervener_position=data.intervener_position.strip(),
            intervener_id=data.intervener_id,
            occurred_at=data.occurred_at,
            manner=data.manner,
            request=data.request.strip(),
            response=data.response.strip(),
            evidence_reference=reference,
        )
        body = SupervisoryBody.objects.filter(agencies__id=case.agency_id).first()
        interference_recorded(
            interference,
            actor=actor.ledger_actor,
            log_agency_id=body.agency_id if body is not None else None,
        )
    log.info("interference %s recorded on case %s", interference.pk, case.pk)
    return interference


# --- 指标体系 ----------------------------------------------------------------------------------


class ScoreRefused(DomainError):
    pass


SCORE_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
}
SCORE_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
FIRST_YEAR = 2019  # the province's 三项制度 plan (陕西, 2019年3月27日)


@dataclass(frozen=True)
class ScoreAttachment:
    filename: str
    handle: IO[bytes]


@dataclass(frozen=True)
class ScoreInput:
    indicator_number: int
    agency_id: int
    year: int
    score: Decimal
    note: str
    attachment: ScoreAttachment | None = None


def check_attachment(upload: ScoreAttachment) -> str:
    size = upload.handle.seek(0, 2)
    upload.handle.seek(0)
    if size == 0:
        raise ScoreRefused(f"材料“{upload.filename}”是空文件。")
    if size > SCORE_ATTACHMENT_MAX_BYTES:
        raise ScoreRefused(f"材料“{upload.filename}”超过 20 MB，请压缩后再上传。")
    content_type = sniff(upload.handle.read(64))
    upload.handle.seek(0)
    if content_type not in SCORE_ATTACHMENT_TYPES:
        raise ScoreRefused(
            f"材料“{upload.filename}”的内容不是可接受的格式。"
            f"可上传：{'、'.join(SCORE_ATTACHMENT_TYPES.values())}。"
        )
    return content_type


def indicator_score(*, actor: Officer, data: ScoreInput) -> IndicatorScore:
    """评分: a 监督人员 of a body whose area includes the agency scores it on one indicator for a
    year — a manual item, or an override of a computed figure — always with a reason, and with
    an attachment (PDF or image) as evidence when he has one. Nothing is replaced: the newest
    entry counts, the earlier ones stay."""
    body = supervisory_body_of(actor)
    if body is None:
        raise ScoreRefused("只有行政执法监督机构的监督人员可以评分。")
    if data.agency_id not in supervised_agency_ids(actor):
        raise ScoreRefused(
            "该执法主体不在您所在监督机构的监督范围内。",
            log_message=f"score for agency {data.agency_id} refused for officer {actor.pk}",
        )
    indicator = Indicator.objects.filter(number=data.indicator_number).first()
    if indicator is None:
        raise ScoreRefused("没有这个指标。")
    if indicator.attested:
        raise ScoreRefused("该项由执法主体上传佐证材料、监督人员确认计分，请在材料确认中评分。")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= data.year <= this_year:
        raise ScoreRefused(f"年度应在 {FIRST_YEAR} 年至 {this_year} 年之间。")
    if not data.score.is_finite() or not Decimal(0) <= data.score <= indicator.points:
        raise ScoreRefused(f"得分应在 0 至 {indicator.points} 分之间。")
    if data.score != data.score.quantize(Decimal("0.1")):
        raise ScoreRefused("得分最多保留一位小数。")
    note = data.note.strip()
    if len(note) < 4:
        raise ScoreRefused("请写明评分理由（不少于 4 个字）：依据哪些材料、扣分原因。")
    content_type = check_attachment(data.attachment) if data.attachment else ""
    stored: tuple[Digests, str, bool] | None = None
    if data.attachment is not None:
        digests = digest_stream(data.attachment.handle)
        name, created = store_blob(data.attachment.handle, digests.sha256)
        stored = (digests, name, created)
    try:
        with transaction.atomic():
            blob = None
            if stored is not None:
                blob, _ = Blob.objects.get_or_create(
                    sha256=stored[0].sha256,
                    defaults={
                        "sm3": stored[0].sm3,
                        "size": stored[0].size,
                        "content_type": content_type,
                        "storage_name": stored[1],
                    },
                )
            score = IndicatorScore.objects.create(
                indicator=indicator,
                agency_id=data.agency_id,
                year=data.year,
                score=data.score,
                note=note,
                attachment=blob,
                attachment_name=data.attachment.filename[:200] if data.attachment else "",
                scored_by=actor,
                scored_at=timezone.now(),
                log_agency_id=body.agency_id,
            )
            indicator_scored(score, actor=actor.ledger_actor)
    except BaseException:
        if stored and stored[2] and not Blob.objects.filter(sha256=stored[0].sha256).exists():
            evidence_storage().delete(stored[1])
        raise
    log.info(
        "indicator %s of agency %s for %s scored %s by officer %s",
        indicator.number, data.agency_id, data.year, data.score, actor.pk,
    )  # fmt: skip
    return score
