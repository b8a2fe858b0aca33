"""Every write to evidence: register, correct, hand over, and open (a look is a write too).

Each runs in one transaction that checks the actor's scope, checks the rules, writes, and
appends its ledger event (DESIGN.md rule 1). Events about a version's metadata carry
``metadata_sha256`` (which covers the file's SHA-256 too); looks, hand-overs and exports carry
the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sanxiang.core.identifiers import case_number_normalise, credit_code_problem, id_number_problem
from sanxiang.errors import DomainError
from sanxiang.evidence.access import access_decision
from sanxiang.evidence.casefiles import case_files
from sanxiang.evidence.events import (
    ACCESS_EVENT,
    EvidenceEvent,
    evidence_file_event,
    evidence_stored,
    target_created,
)
from sanxiang.evidence.events import metadata_fields as metadata_fields  # re-exported
from sanxiang.evidence.events import metadata_sha256 as metadata_sha256  # re-exported
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
    current_custodian,
    evidence_get_for,
    evidence_list_visible,
)
from sanxiang.evidence.storage import (
    Digests,
    evidence_storage,
    open_blob,
    store_blob,
    store_in_place,
)
from sanxiang.ledger.services import SYSTEM
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
    # A finished resumable upload's scratch file in the store: renamed into place, not copied.
    in_place: bool = False


@dataclass(frozen=True)
class TargetSpec:
    """A 执法对象 to find or create together with the record that names it."""

    kind: str
    name: str
    identifier: str
    address: str = ""

    def problem(self) -> str | None:
        """Why this target cannot be registered, in Chinese; None if it can."""
        if self.kind not in TargetKind.values:
            return "执法对象类型不正确。"
        if not self.name.strip():
            return "请填写执法对象名称或姓名。"
        check = credit_code_problem if self.kind == TargetKind.ORGANISATION else id_number_problem
        return check(self.identifier.strip().upper())


def actor_of(officer: Officer) -> str:
    return f"user:{officer.user_id}" if officer.user_id else f"officer:{officer.pk}"


def target_register(*, actor: Officer, spec: TargetSpec) -> Target:
    """Find or create the 执法对象 with this credit code / ID number."""
    problem = spec.problem()
    if problem:
        raise EvidenceRefused(problem, log_message=f"target refused ({spec.kind})")
    with transaction.atomic():
        target, created = Target.objects.get_or_create(
            identifier=spec.identifier.strip().upper(),
            defaults={
                "kind": spec.kind,
                "name": spec.name.strip(),
                "address": spec.address.strip(),
            },
        )
        if created:
            target_created(target, actor=actor_of(actor), agency_id=actor.unit.agency_id)
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


def _lock_blob(sha256: str) -> None:
    """Serialise writers of one blob address: registrations and clean-ups of the same bytes.

    On SQLite every transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(b"blob:" + sha256.encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _discard_unreferenced(sha256: str, name: str) -> None:
    """Remove a blob this request stored, unless another registration now uses it."""
    try:
        with transaction.atomic():
            _lock_blob(sha256)
            if not Blob.objects.filter(sha256=sha256).exists():
                evidence_storage().delete(name)
    except Exception:  # e.g. a WORM bucket refuses; keep the original error
        logger.warning("could not remove blob %s after a failed registration", name, exc_info=True)


def evidence_register(
    *,
    actor: Officer,
    upload: Upload,
    metadata: dict[str, Any],
    declared_sha256: str = "",
    new_target: TargetSpec | None = None,
    before_commit: Callable[[EvidenceItem], None] | None = None,
) -> EvidenceItem:
    """Store an uploaded record with its metadata; refuse it whole if anything is wrong.

    Evidence belongs to a case: ``metadata["case_number"]`` must name a case ``actor`` may
    file evidence under now — one he handles, that has not ended (the cases app's rule,
    ``evidence.casefiles``) — whoever calls: the upload form offers only those, and this
    refuses any other. (A 投诉举报's attachments have no case; the complaints app stores them
    itself and never calls this.)

    A declared SHA-256 (from the device or the officer) must match the bytes received. The
    blob is stored content-addressed; if the registration fails, a blob this call stored is
    removed again unless a concurrent registration of the same bytes has claimed it.

    Every check that can refuse the record runs before the (possibly long) copy into the store;
    only the registration itself is one short transaction. ``before_commit`` is called inside
    it with the saved item (a resumable upload checks and releases its lease there); whatever
    it raises undoes the registration.
    """
    if not (actor.has_role(Role.OFFICER) or actor.has_role(Role.HEAD)) or not actor.is_active:
        raise EvidenceRefused(
            "只有在岗的执法人员可以登记证据。", log_message=f"officer {actor.pk} may not register"
        )
    _check_metadata(metadata, actor=actor)
    number = case_number_normalise(str(metadata["case_number"]))
    if not case_files().may_file(actor, number):
        raise EvidenceRefused(
            f"不能为案件“{number}”登记证据：没有这个案件，或者您不是本案承办人，"
            "或者案件已结束（不予立案或者已归档）。",
            log_message=f"officer {actor.pk} may not file evidence under {number!r}",
        )
    metadata = {**metadata, "case_number": number}
    if new_target is not None and (problem := new_target.problem()):
        raise EvidenceRefused(problem, log_message="target refused")
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
    # The (possibly long) copy happens outside the transaction; inside it, under the blob's
    # lock, the copy is checked again, in case a failed concurrent upload just removed it.
    store = store_in_place if upload.in_place else store_blob
    name, stored_here = store(upload.handle, digests.sha256)
    try:
        with transaction.atomic():
            _lock_blob(digests.sha256)
            if not evidence_storage().exists(name):
                name, stored_here = store_blob(upload.handle, digests.sha256)
            blob, _ = Blob.objects.get_or_create(
                sha256=digests.sha256,
                defaults={
                    "sm3": digests.sm3,
                    "size": digests.size,
                    "content_type": content_type,
                    "storage_name": name,
                },
            )
            target = metadata.get("target")
            if new_target is not None:
                target = target_register(actor=actor, spec=new_target)
            collector: Officer = metadata["collector"]
            item = EvidenceItem(
                record_id=str(uuid.uuid4()),
                case_number=metadata["case_number"].strip(),
                target=target,
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
            evidence_stored(item, actor=actor_of(actor))
            if before_commit is not None:
                before_commit(item)
    except BaseException:
        if stored_here:
            _discard_unreferenced(digests.sha256, name)
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
        evidence_stored(new, actor=actor_of(actor))
    return new


def evidence_hand_over(
    *, actor: Officer, item_id: int, to_officer: Officer, reason: str
) -> CustodyTransfer:
    """移交: custody passes to another officer of the same agency, with a reason."""
    if not reason.strip():
        raise EvidenceRefused("请填写移交原因。", log_message="hand-over without reason")
    with transaction.atomic():
        item = evidence_get_for(officer=actor, item_id=item_id)
        # Lock the record's first version, so two hand-overs of one record run one by one.
        EvidenceItem.objects.select_for_update().get(record_id=item.record_id, version=1)
        holder = current_custodian(item.record_id)
        is_head = actor.has_role(Role.HEAD) and actor.unit.agency_id == item.agency_id
        if holder.pk != actor.pk and not is_head:
            raise EvidenceRefused(
                f"只有当前保管人（{holder.name}）或负责人可以移交。",
                log_message=f"officer {actor.pk} is not custodian {holder.pk}",
            )
        if to_officer.unit.agency_id != item.agency_id or to_officer.pk == holder.pk:
            raise EvidenceRefused(
                "接收人应为本执法主体的其他人员。", log_message=f"bad receiver {to_officer.pk}"
            )
        entry = evidence_file_event(item, EvidenceEvent.HANDED_OVER, actor=actor_of(actor))
        return CustodyTransfer.objects.create(
            record_id=item.record_id,
            from_officer=holder,
            to_officer=to_officer,
            reason=reason.strip(),
            ledger_sequence=entry.sequence,
        )


def evidence_open(
    *, actor: Officer | None, item_id: int, action: str, reason: str = ""
) -> tuple[EvidenceItem, AccessRecord]:
    """调阅: record who looks at a record, how and why, then allow the look.

    Reads outside one's own unit's records need a reason. The access record and the ledger
    event are written before any content is returned. ``actor=None`` is the system itself
    (an archive export run on the server).
    """
    if action not in ACCESS_EVENT:
        raise ValueError(f"unknown access action {action!r}")
    with transaction.atomic():
        if actor is None:
            item = EvidenceItem.objects.select_related("blob").get(pk=item_id)
        else:
            item = evidence_get_for(officer=actor, item_id=item_id)
            if access_decision(actor, item).reason_required and not reason.strip():
                raise EvidenceRefused(
                    "调阅本单位以外的记录须填写调阅理由。",
                    log_message=f"officer {actor.pk} gave no reason",
                )
        who = actor_of(actor) if actor is not None else SYSTEM
        entry = evidence_file_event(item, ACCESS_EVENT[AccessAction(action)], actor=who)
        record = AccessRecord.objects.create(
            item=item,
            officer=actor,
            actor=who,
            action=action,
            reason=reason.strip()[:300],
            ledger_sequence=entry.sequence,
        )
    return item, record


def case_records_open(
    *, actor: Officer, case_number: str, reason: str, agency_id: int | None = None
) -> list[EvidenceItem]:
    """调阅监督: a 负责人 or 监督人员 looks up another unit's case; each record listed is a look.

    Returns the current records of the case within the actor's (wider) scope, after recording
    one access record and ledger event per record, with the reason given. With ``agency_id``
    only that agency's records are listed and recorded (case numbers are unique per agency, so
    a supervisor over several agencies names the case's own).
    """
    if not reason.strip():
        raise EvidenceRefused(
            "检索其他机构的案件记录须填写调阅理由。", log_message="case search without reason"
        )
    if not (actor.has_role(Role.HEAD) or actor.has_role(Role.SUPERVISOR)):
        raise EvidenceRefused(
            "只有负责人和监督人员可以检索其他机构的案件记录。",
            log_message=f"officer {actor.pk} may not search other units",
        )
    with transaction.atomic():
        items = list(evidence_list_visible(officer=actor, case_number=case_number.strip()))
        if agency_id is not None:
            items = [item for item in items if item.agency_id == agency_id]
        for item in items:
            evidence_open(actor=actor, item_id=item.pk, action=AccessAction.LIST, reason=reason)
    return items


def blob_reader(item: EvidenceItem) -> Any:
    """The stored bytes of ``item``; only for callers that went through ``evidence_open``."""
    return open_blob(item.blob.storage_name)


__all__ = [
    "EvidenceNotFound",
    "EvidenceRefused",
    "TargetSpec",
    "Upload",
    "blob_reader",
    "case_records_open",
    "evidence_correct",
    "evidence_hand_over",
    "evidence_open",
    "evidence_register",
    "target_register",
]
