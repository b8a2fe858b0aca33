"""Every write to evidence: register, correct, hand over, and open (a look is a write too).

Each runs in one transaction that checks the actor's scope, checks the rules, writes, and
appends its ledger event (DESIGN.md rule 1).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core.identifiers import credit_code_problem, id_number_problem
from sanxiang.errors import DomainError
from sanxiang.evidence.filetypes import ALLOWED, KIND_HINT, sniff
from sanxiang.evidence.models import (
    AccessAction,
    AccessRecord,
    Blob,
    CustodyTransfer,
    EvidenceItem,
    EvidenceKind,
    Target,
    TargetKind,
)
from sanxiang.evidence.selectors import (
    EvidenceNotFound,
    access_decision,
    current_custodian,
    evidence_get_for,
)
from sanxiang.evidence.storage import Digests, evidence_storage, open_blob, store_blob
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, sha256_hex
from sanxiang.org.models import Officer, Role

logger = logging.getLogger(__name__)

REQUIRED = {
    "case_number": "案件编号",
    "collected_at": "采集时间",
    "location": "采集地点",
    "collector": "采集人",
    "proves": "证明对象",
    "device": "采集设备",
    "kind": "记录形式",
}
CORRECTABLE = (
    "case_number",
    "collected_at",
    "location",
    "proves",
    "device",
    "description",
    "target",
)


class EvidenceRefused(DomainError):
    """An upload or change that the rules do not allow; nothing was stored."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file already on local disk or in memory, with digests computed on arrival."""

    handle: IO[bytes]
    filename: str
    digests: Digests


def actor_of(officer: Officer) -> str:
    return f"user:{officer.user_id}" if officer.user_id else f"officer:{officer.pk}"


def metadata_sha256(item: EvidenceItem) -> str:
    """SHA-256 of a version's metadata, as recorded in the ledger when it is corrected."""
    return sha256_hex(
        canonical_json(
            {
                "record_id": item.record_id,
                "version": item.version,
                "case_number": item.case_number,
                "target": item.target_id,
                "kind": item.kind,
                "collected_at": item.collected_at.isoformat(),
                "location": item.location,
                "collector": item.collector_id,
                "proves": item.proves,
                "device": item.device,
                "description": item.description,
                "blob": item.blob_id,
            }
        )
    )


def target_register(
    *, actor: Officer, kind: str, name: str, identifier: str, address: str = ""
) -> Target:
    """Find or create the 执法对象 with this credit code / ID number."""
    identifier = identifier.strip().upper()
    if kind not in TargetKind.values:
        raise EvidenceRefused("执法对象类型不正确。", log_message=f"bad target kind {kind!r}")
    problem = (credit_code_problem if kind == TargetKind.ORGANISATION else id_number_problem)(
        identifier
    )
    if problem:
        raise EvidenceRefused(problem, log_message=f"bad target identifier for kind {kind}")
    if not name.strip():
        raise EvidenceRefused("请填写执法对象名称或姓名。", log_message="target name missing")
    with transaction.atomic():
        target, created = Target.objects.get_or_create(
            identifier=identifier,
            defaults={"kind": kind, "name": name.strip(), "address": address.strip()},
        )
        if created:
            ledger_append(
                actor=actor_of(actor),
                action="evidence.target.created",
                object_type="evidence.target",
                object_id=target.pk,
                agency_id=actor.unit.agency_id,
            )
    return target


def _check_metadata(metadata: dict[str, Any], *, actor: Officer) -> None:
    missing = [label for key, label in REQUIRED.items() if not metadata.get(key)]
    if missing:
        raise EvidenceRefused(
            f"缺少必填信息：{'、'.join(missing)}（河北省行政执法全过程记录要求）。",
            log_message=f"evidence metadata missing {missing}",
        )
    if metadata["kind"] not in EvidenceKind.values:
        raise EvidenceRefused("记录形式不正确。", log_message=f"bad kind {metadata['kind']!r}")
    collected_at: datetime = metadata["collected_at"]
    if collected_at > timezone.now() + timedelta(minutes=5):
        raise EvidenceRefused(
            "采集时间晚于当前时间，请核对。", log_message="collected_at in future"
        )
    collector: Officer = metadata["collector"]
    if collector.unit.agency_id != actor.unit.agency_id:
        raise EvidenceRefused(
            "采集人应为本执法主体的执法人员。",
            log_message=f"collector {collector.pk} not in agency {actor.unit.agency_id}",
        )
    collected_on = timezone.localtime(collected_at).date()
    if collector.certificate_valid_on(collected_on) is None:
        raise EvidenceRefused(
            f"采集人 {collector.name} 在 {collected_on:%Y年%m月%d日} 没有有效的执法证，"
            "不能作为采集人（行政处罚法第四十二条）。",
            log_message=f"collector {collector.pk} has no valid certificate on {collected_on}",
        )


def evidence_register(
    *, actor: Officer, upload: Upload, metadata: dict[str, Any], declared_sha256: str = ""
) -> EvidenceItem:
    """Store an uploaded record with its metadata; refuse it whole if anything is wrong.

    A declared SHA-256 (from the device or the officer) must match the bytes received. The
    blob is stored content-addressed; if the database write fails, a blob this call created
    is removed again, so nothing is left behind.
    """
    if not (actor.has_role(Role.OFFICER) or actor.has_role(Role.HEAD)) or not actor.is_active:
        raise EvidenceRefused(
            "只有在岗的执法人员可以登记证据。", log_message=f"officer {actor.pk} may not register"
        )
    _check_metadata(metadata, actor=actor)
    digests = upload.digests
    if declared_sha256 and declared_sha256.strip().lower() != digests.sha256:
        raise EvidenceRefused(
            "文件内容与申报的 SHA-256 不一致，可能在传输中损坏或被更改，未保存。"
            "请重新上传原始文件。",
            log_message=f"declared {declared_sha256} != received {digests.sha256}",
        )
    if digests.size == 0:
        raise EvidenceRefused("文件是空的。", log_message="empty upload")
    upload.handle.seek(0)
    content_type = sniff(upload.handle.read(64))
    kind = metadata["kind"]
    if content_type not in ALLOWED[kind]:
        raise EvidenceRefused(
            f"文件内容与记录形式“{EvidenceKind(kind).label}”不符，应为{KIND_HINT[kind]}。",
            log_message=f"content type {content_type} not allowed for {kind}",
        )
    name, created_blob = store_blob(upload.handle, digests.sha256)
    try:
        with transaction.atomic():
            blob, _ = Blob.objects.get_or_create(
                sha256=digests.sha256,
                defaults={
                    "sm3": digests.sm3,
                    "size": digests.size,
                    "content_type": content_type,
                    "storage_name": name,
                },
            )
            collector: Officer = metadata["collector"]
            item = EvidenceItem(
                record_id=str(uuid.uuid4()),
                case_number=metadata["case_number"].strip(),
                target=metadata.get("target"),
                agency_id=actor.unit.agency_id,
                unit_id=actor.unit_id,
                kind=kind,
                collected_at=metadata["collected_at"],
                location=metadata["location"].strip(),
                collector=collector,
                proves=metadata["proves"].strip(),
                device=metadata["device"].strip(),
                description=metadata.get("description", "").strip(),
                original_filename=upload.filename[:255],
                blob=blob,
                custodian=collector,
                created_by=actor,
            )
            item.full_clean()
            item.save()
            ledger_append(
                actor=actor_of(actor),
                action="evidence.created",
                object_type="evidence.evidenceitem",
                object_id=item.pk,
                agency_id=item.agency_id,
                content_sha256=blob.sha256,
            )
    except BaseException:
        if created_blob:
            try:
                evidence_storage().delete(name)
            except Exception:  # e.g. a WORM bucket refuses; keep the original error
                logger.warning(
                    "could not remove blob %s after a failed registration", name, exc_info=True
                )
        raise
    logger.info("evidence %s registered by officer %s: blob %s", item.pk, actor.pk, blob.sha256)
    return item


def evidence_correct(
    *, actor: Officer, item_id: int, changes: dict[str, Any], reason: str
) -> EvidenceItem:
    """更正: a new version of the metadata; the old version stays, superseded."""
    if not reason.strip():
        raise EvidenceRefused("请填写更正原因。", log_message="correction without reason")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise EvidenceRefused(
            "这些信息不能更正。", log_message=f"not correctable: {sorted(unknown)}"
        )
    with transaction.atomic():
        old = evidence_get_for(officer=actor, item_id=item_id)
        if access_decision(actor, old).reason_required:
            raise EvidenceRefused(
                "只有承办机构的人员可以更正证据信息。",
                log_message=f"officer {actor.pk} not in unit",
            )
        if EvidenceItem.objects.filter(supersedes=old).exists():
            raise EvidenceRefused(
                "该版本已被更正，请在最新版本上操作。", log_message=f"item {old.pk} superseded"
            )
        new = EvidenceItem.objects.get(pk=old.pk)
        new.pk = None
        new.version = old.version + 1
        new.supersedes = old
        new.correction_reason = reason.strip()
        new.created_by = actor
        for field, value in changes.items():
            setattr(new, field, value)
        _check_metadata(
            {**{key: getattr(new, key) for key in REQUIRED}, "collector": new.collector},
            actor=actor,
        )
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError as exc:
            raise EvidenceRefused(
                "该记录刚被他人更正，请刷新后重试。",
                log_message=f"concurrent correction of {old.pk}",
            ) from exc
        ledger_append(
            actor=actor_of(actor),
            action="evidence.corrected",
            object_type="evidence.evidenceitem",
            object_id=new.pk,
            agency_id=new.agency_id,
            content_sha256=metadata_sha256(new),
        )
    return new


def evidence_hand_over(
    *, actor: Officer, item_id: int, to_officer: Officer, reason: str
) -> CustodyTransfer:
    """移交: custody passes to another officer of the same agency, with a reason."""
    if not reason.strip():
        raise EvidenceRefused("请填写移交原因。", log_message="hand-over without reason")
    with transaction.atomic():
        item = evidence_get_for(officer=actor, item_id=item_id)
        holder = current_custodian(item.record_id)
        if holder.pk != actor.pk and not (
            actor.has_role(Role.HEAD) and actor.unit.agency_id == item.agency_id
        ):
            raise EvidenceRefused(
                f"只有当前保管人（{holder.name}）或负责人可以移交。",
                log_message=f"officer {actor.pk} is not custodian {holder.pk}",
            )
        if to_officer.unit.agency_id != item.agency_id or to_officer.pk == holder.pk:
            raise EvidenceRefused(
                "接收人应为本执法主体的其他人员。", log_message=f"bad receiver {to_officer.pk}"
            )
        entry = ledger_append(
            actor=actor_of(actor),
            action="evidence.handed_over",
            object_type="evidence.evidenceitem",
            object_id=item.pk,
            agency_id=item.agency_id,
            content_sha256=item.blob_id,
        )
        return CustodyTransfer.objects.create(
            record_id=item.record_id,
            from_officer=holder,
            to_officer=to_officer,
            reason=reason.strip(),
            ledger_sequence=entry.sequence,
        )


def evidence_open(
    *, actor: Officer, item_id: int, action: str, reason: str = ""
) -> tuple[EvidenceItem, AccessRecord]:
    """调阅: record who looks at a record, how and why, then allow the look.

    Reads outside one's own unit's records need a reason. The record and the ledger event are
    written before any content is returned.
    """
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    with transaction.atomic():
        item = evidence_get_for(officer=actor, item_id=item_id)
        if access_decision(actor, item).reason_required and not reason.strip():
            raise EvidenceRefused(
                "调阅本单位以外的记录须填写调阅理由。",
                log_message=f"officer {actor.pk} gave no reason",
            )
        entry = ledger_append(
            actor=actor_of(actor),
            action=f"evidence.{'viewed' if action == AccessAction.VIEW else action + 'ed'}",
            object_type="evidence.evidenceitem",
            object_id=item.pk,
            agency_id=item.agency_id,
            content_sha256=item.blob_id,
        )
        record = AccessRecord.objects.create(
            item=item,
            officer=actor,
            actor=actor_of(actor),
            action=action,
            reason=reason.strip()[:300],
            ledger_sequence=entry.sequence,
        )
    return item, record


def blob_reader(item: EvidenceItem) -> Any:
    """The stored bytes of ``item``; only for callers that went through ``evidence_open``."""
    return open_blob(item.blob.storage_name)


__all__ = [
    "EvidenceNotFound",
    "EvidenceRefused",
    "Upload",
    "blob_reader",
    "evidence_correct",
    "evidence_hand_over",
    "evidence_open",
    "evidence_register",
    "target_register",
]
