"""Writes of 投诉举报: the public submission, and the agency's steps on a complaint.

Every step is one transaction: the complaint row (locked), an append-only ``ComplaintStep`` and
its ledger event. Statuses: 已登记 → 已受理 / 不予受理 / 已转办; 已转办 (at the new agency) →
the same; 已受理 → 办理中; 已受理 / 办理中 → 已答复 / 已转办. Deadlines come from the rows of
``DeadlineRule`` (``rules.deadline_for``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sanxiang.cases.models import Procedure
from sanxiang.cases.services import NewCase, case_open
from sanxiang.complaints.access import ComplaintAction, visible_to
from sanxiang.complaints.events import ComplaintEvent, complaint_recorded, public_actor
from sanxiang.complaints.models import (
    AWAITING_DECISION,
    CODE_ALPHABET,
    CODE_LENGTH,
    FOR_SUPERVISOR,
    IN_HAND,
    Attachment,
    Complaint,
    ComplaintAccess,
    ComplaintKind,
    ComplaintReadAction,
    ComplaintStep,
    Outcome,
    Stage,
    Status,
    Subject,
    Submission,
)
from sanxiang.complaints.rules import Deadline, deadline_for
from sanxiang.complaints.selectors import complaint_for
from sanxiang.errors import DomainError
from sanxiang.evidence.filetypes import sniff
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import Digests, digest_stream, evidence_storage, store_blob
from sanxiang.org.models import Agency, EnforcementCategory, Officer

logger = logging.getLogger(__name__)

TEXT_MAX = 2000
MAX_FILES = 3
# Photos and documents of what happened; videos go to the agency in person (size).
ALLOWED_TYPES = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/heic": "HEIC 照片",
    "application/pdf": "PDF 文件",
}
# Registrations counted per address and per browser session in a sliding window.
WINDOW = timedelta(hours=1)
PER_ADDRESS = 5
PER_SESSION = 3
PER_ADDRESS_DAY = 20
# Failed tracking lookups per address per hour (the code has 59 bits; this stops scanning).
LOOKUPS_FAILED_PER_ADDRESS = 20


class ComplaintRefused(DomainError):
    """A step or a submission that is refused; nothing was changed."""


class TooMany(ComplaintRefused):
    """A rate limit: the view answers 429."""


def max_bytes() -> int:
    return int(settings.SANXIANG_COMPLAINT_MAX_BYTES)


def client_hash(value: str) -> str:
    """A keyed digest of an address or a session key: countable, not reversible by a reader
    of the table without the installation's secret."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"complaints:{value}".encode(), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class Client:
    """Who is submitting, as the rate limits see him (both as ``client_hash`` digests)."""

    address_hash: str
    session_hash: str


@dataclass
class Upload:
    handle: IO[bytes]
    filename: str


@dataclass
class NewComplaint:
    agency_id: int
    kind: str
    subject: str
    text: str
    category_id: int | None = None
    name: str = ""
    contact: str = ""
    files: list[Upload] = field(default_factory=list)


def code_normalise(raw: str) -> str:
    """A typed tracking code as stored: full-width forms, spaces, hyphens and case ignored."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())[:32]


def code_display(code: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN, as shown (``Complaint.display_code``)."""
    return Complaint(code=code).display_code


def _code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _lock_client(client: Client) -> None:
    """Serialise registrations from one address, so two at once cannot both pass the limit.
    On SQLite every write transaction already holds the database's lock."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(bytes.fromhex(client.address_hash)[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _throttle_check(client: Client) -> None:
    now = timezone.now()
    registered = Submission.objects.filter(outcome=Outcome.REGISTERED)
    recent = registered.filter(at__gt=now - WINDOW)
    too_many = (
        recent.filter(session_hash=client.session_hash).count() >= PER_SESSION
        or recent.filter(address_hash=client.address_hash).count() >= PER_ADDRESS
        or registered.filter(
            address_hash=client.address_hash, at__gt=now - timedelta(days=1)
        ).count()
        >= PER_ADDRESS_DAY
    )
    if too_many:
        raise TooMany(
            "提交过于频繁，本次投诉举报未登记。请一小时后再试；情况紧急的，请拨打执法机关的联系电话。",
            log_message=f"complaint throttled for address {client.address_hash[:12]}",
        )


def _check_new(new: NewComplaint) -> tuple[Agency, EnforcementCategory | None]:
    problems = []
    if new.kind not in ComplaintKind.values:
        problems.append("请选择投诉或举报。")
    if new.subject not in Subject.values:
        problems.append("请选择所反映的事项。")
    text = new.text.strip()
    if len(text) < 10:
        problems.append("请写明所反映的情况（至少 10 个字）。")
    if len(text) > TEXT_MAX:
        problems.append(f"内容不能超过 {TEXT_MAX} 个字。")
    if len(new.files) > MAX_FILES:
        problems.append(f"附件最多 {MAX_FILES} 个。")
    agency = Agency.objects.filter(pk=new.agency_id).first()
    if agency is None:
        problems.append("请选择受理的执法机关。")
    category = None
    if new.category_id is not None:
        category = EnforcementCategory.objects.filter(pk=new.category_id).first()
        if category is None:
            problems.append("所属领域不正确。")
    if problems or agency is None:
        raise ComplaintRefused("".join(problems), log_message="complaint form invalid")
    return agency, category


def _check_files(files: list[Upload]) -> list[tuple[Upload, str]]:
    """Each file's content type from its bytes; refused when too large, empty or of a type
    not accepted, whatever its name says."""
    checked = []
    limit = max_bytes()
    for upload in files:
        size = upload.handle.seek(0, 2)
        upload.handle.seek(0)
        if size == 0:
            raise ComplaintRefused(
                f"附件“{upload.filename}”是空文件。", log_message="empty attachment"
            )
        if size > limit:
            raise ComplaintRefused(
                f"附件“{upload.filename}”超过 {limit // (1024 * 1024)} MB，未登记。"
                "请压缩后再上传，或联系执法机关提交。",
                log_message=f"attachment of {size} bytes over the limit",
            )
        content_type = sniff(upload.handle.read(64))
        upload.handle.seek(0)
        if content_type not in ALLOWED_TYPES:
            raise ComplaintRefused(
                f"附件“{upload.filename}”的内容不是可接受的格式，未登记。"
                f"可上传：{'、'.join(ALLOWED_TYPES.values())}。",
                log_message=f"attachment of type {content_type} refused",
            )
        checked.append((upload, content_type))
    return checked


def _step(
    complaint: Complaint,
    event: ComplaintEvent,
    *,
    from_status: str,
    actor: Officer | None,
    note: str = "",
) -> None:
    """Save the complaint, append its event and its history row (inside the caller's
    transaction)."""
    complaint.full_clean()
    complaint.save()
    entry = complaint_recorded(
        event,
        complaint,
        actor=actor.ledger_actor if actor is not None else public_actor(complaint),
        note=note,
    )
    ComplaintStep.objects.create(
        complaint=complaint,
        from_status=from_status,
        to_status=complaint.status,
        agency_id=complaint.agency_id,
        officer=actor,
        note=note,
        at=timezone.now(),
        ledger_sequence=entry.sequence,
    )


def complaint_submit(*, new: NewComplaint, client: Client) -> Complaint:
    """Register a complaint from the public form, with its attachments; refused whole (nothing
    stored) when a field, a file or the rate limit says no."""
    agency, category = _check_new(new)
    checked = _check_files(new.files)
    # Before a byte is stored (a throttled flood must not fill the disk); again under the lock.
    _throttle_check(client)
    today = timezone.localdate()
    deadline = deadline_for(
        category_code=category.code if category else "",
        kind=new.kind,
        stage=Stage.ACCEPT,
        start=today,
    )
    # The copies happen outside the transaction; if the registration then fails, the blobs
    # this call created are removed again unless a row refers to them by then.
    stored: list[tuple[Upload, str, Digests, str, bool]] = []
    try:
        for upload, content_type in checked:
            digests = digest_stream(upload.handle)
            name, created = store_blob(upload.handle, digests.sha256)
            stored.append((upload, content_type, digests, name, created))
        complaint = _register(new, agency, category, deadline, stored, client, today)
    except BaseException:
        for _upload, _type, digests, name, created in stored:
            if created:
                _discard_unreferenced(digests.sha256, name)
        raise
    logger.info("complaint %s registered for agency %s", complaint.pk, agency.pk)
    return complaint


def _discard_unreferenced(sha256: str, name: str) -> None:
    try:
        if not Blob.objects.filter(sha256=sha256).exists():
            evidence_storage().delete(name)
    except Exception:  # keep the original error
        logger.warning("could not remove blob %s after a refused complaint", name, exc_info=True)


def _register(
    new: NewComplaint,
    agency: Agency,
    category: EnforcementCategory | None,
    deadline: Deadline,
    stored: list[tuple[Upload, str, Digests, str, bool]],
    client: Client,
    today: date,
) -> Complaint:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _lock_client(client)
                _throttle_check(client)
                complaint = Complaint(
                    code=_code_new(),
                    agency=agency,
                    kind=new.kind,
                    subject=new.subject,
                    category=category,
                    text=new.text.strip(),
                    name=" ".join(new.name.split())[:50],
                    contact=" ".join(new.contact.split())[:100],
                    for_supervisor=new.subject in FOR_SUPERVISOR,
                    status=Status.REGISTERED,
                    registered_at=timezone.now(),
                    received_on=today,
                    accept_due=deadline.due,
                    accept_basis=deadline.basis,
                )
                _step(complaint, ComplaintEvent.REGISTERED, from_status="", actor=None)
                for upload, content_type, digests, name, _created in stored:
                    blob, _ = Blob.objects.get_or_create(
                        sha256=digests.sha256,
                        defaults={
                            "sm3": digests.sm3,
                            "size": digests.size,
                            "content_type": content_type,
                            "storage_name": name,
                        },
                    )
                    Attachment.objects.create(
                        complaint=complaint, blob=blob, filename=upload.filename[:255]
                    )
                Submission.objects.create(
                    at=timezone.now(),
                    address_hash=client.address_hash,
                    session_hash=client.session_hash,
                    outcome=Outcome.REGISTERED,
                )
        except IntegrityError:
            if Complaint.objects.filter(code=complaint.code).exists():
                continue  # the drawn code was taken (about 1 in 2^59): draw again
            raise
        return complaint
    raise RuntimeError("could not draw a free tracking code")


def complaint_lookup(*, code: str, client: Client) -> Complaint | None:
    """The complaint with this tracking code, or None; failures count against the address,
    and too many refuse further lookups for an hour."""
    typed = code_normalise(code)
    since = timezone.now() - WINDOW
    failed = Submission.objects.filter(
        outcome=Outcome.LOOKUP_FAILED, address_hash=client.address_hash, at__gt=since
    ).count()
    if failed >= LOOKUPS_FAILED_PER_ADDRESS:
        raise TooMany(
            "查询失败次数过多，请一小时后再试。",
            log_message=f"complaint lookup throttled for {client.address_hash[:12]}",
        )
    found = Complaint.objects.filter(code=typed).first() if len(typed) == CODE_LENGTH else None
    if found is None:
        Submission.objects.create(
            at=timezone.now(),
            address_hash=client.address_hash,
            session_hash=client.session_hash,
            outcome=Outcome.LOOKUP_FAILED,
        )
        logger.info("complaint lookup failed from %s", client.address_hash[:12])
    return found


# --- the agency's steps ------------------------------------------------------------------------


def _locked(actor: Officer, complaint_id: int, action: ComplaintAction) -> Complaint:
    complaint = visible_to(actor, action).select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise ComplaintRefused(
            "未找到该投诉举报，或您无权办理。",
            log_message=f"complaint {complaint_id} not for officer {actor.pk} ({action})",
        )
    return complaint


def _expect(complaint: Complaint, allowed: tuple[str, ...], what: str) -> None:
    if complaint.status not in allowed:
        raise ComplaintRefused(
            f"该投诉举报当前为“{complaint.get_status_display()}”，不能{what}。",
            log_message=f"complaint {complaint.pk} is {complaint.status}, not for {what}",
        )


def _required(text: str, label: str, limit: int = TEXT_MAX) -> str:
    text = text.strip()
    if not text:
        raise ComplaintRefused(f"请填写{label}。", log_message=f"{label} missing")
    if len(text) > limit:
        raise ComplaintRefused(f"{label}不能超过 {limit} 个字。", log_message=f"{label} too long")
    return text


def _category_code(complaint: Complaint) -> str:
    return complaint.category.code if complaint.category_id and complaint.category else ""


def complaint_accept(*, actor: Officer, complaint_id: int, note: str = "") -> Complaint:
    """受理: the reply is due from today by the rule of the complaint's field and kind."""
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.DECIDE)
        _expect(complaint, AWAITING_DECISION, "受理")
        before = complaint.status
        today = timezone.localdate()
        deadline = deadline_for(
            category_code=_category_code(complaint),
            kind=complaint.kind,
            stage=Stage.REPLY,
            start=today,
        )
        complaint.status = Status.ACCEPTED
        complaint.decided_on = today
        complaint.reply_due = deadline.due
        complaint.reply_basis = deadline.basis
        _step(
            complaint, ComplaintEvent.ACCEPTED, from_status=before, actor=actor, note=note.strip()
        )
    return complaint


def complaint_refuse(*, actor: Officer, complaint_id: int, reasons: str) -> Complaint:
    """不予受理, with the reasons the complainant reads."""
    reasons = _required(reasons, "不予受理的理由")
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.DECIDE)
        _expect(complaint, AWAITING_DECISION, "作出不予受理决定")
        before = complaint.status
        complaint.status = Status.REFUSED
        complaint.decided_on = timezone.localdate()
        complaint.answer = reasons
        _step(complaint, ComplaintEvent.REFUSED, from_status=before, actor=actor, note=reasons)
    return complaint


def complaint_transfer(
    *, actor: Officer, complaint_id: int, agency_id: int, reasons: str
) -> Complaint:
    """转办 to the agency that is responsible: the complaint moves there and its acceptance
    clock starts again from today; this agency no longer sees it."""
    reasons = _required(reasons, "转办理由", 500)
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.DECIDE)
        _expect(complaint, AWAITING_DECISION + IN_HAND, "转办")
        target = Agency.objects.filter(pk=agency_id).first()
        if target is None or target.pk == complaint.agency_id:
            raise ComplaintRefused(
                "请选择本机关以外的执法机关。", log_message=f"bad transfer target {agency_id}"
            )
        if complaint.case_id is not None:
            raise ComplaintRefused(
                "已转为案源登记的投诉举报不能转办，请按案件移送办理。",
                log_message=f"complaint {complaint.pk} has case {complaint.case_id}",
            )
        before = complaint.status
        today = timezone.localdate()
        deadline = deadline_for(
            category_code=_category_code(complaint),
            kind=complaint.kind,
            stage=Stage.ACCEPT,
            start=today,
        )
        note = f"转至{target.name}：{reasons}"
        complaint.agency = target
        complaint.status = Status.TRANSFERRED
        complaint.received_on = today
        complaint.accept_due = deadline.due
        complaint.accept_basis = deadline.basis
        complaint.decided_on = None
        complaint.reply_due = None
        complaint.reply_basis = ""
        _step(complaint, ComplaintEvent.TRANSFERRED, from_status=before, actor=actor, note=note)
    return complaint


def complaint_start(*, actor: Officer, complaint_id: int, note: str = "") -> Complaint:
    """开始办理 an accepted complaint."""
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.HANDLE)
        _expect(complaint, (Status.ACCEPTED,), "开始办理")
        complaint.status = Status.HANDLING
        _step(
            complaint,
            ComplaintEvent.HANDLING,
            from_status=Status.ACCEPTED,
            actor=actor,
            note=note.strip(),
        )
    return complaint


def complaint_reply(*, actor: Officer, complaint_id: int, reply: str) -> Complaint:
    """答复: the text the complainant reads on the tracking page."""
    reply = _required(reply, "答复内容")
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.DECIDE)
        _expect(complaint, IN_HAND, "答复")
        before = complaint.status
        complaint.status = Status.REPLIED
        complaint.replied_on = timezone.localdate()
        complaint.answer = reply
        _step(complaint, ComplaintEvent.REPLIED, from_status=before, actor=actor, note=reply)
    return complaint


def complaint_case_open(
    *,
    actor: Officer,
    complaint_id: int,
    title: str,
    category_id: int,
    violation_on: date | None = None,
) -> Complaint:
    """转为案源登记: a 行政处罚 case (一般程序) opened through ``cases.services.case_open`` with
    the complaint as its 案件来源; an accepted complaint is then 办理中."""
    title = _required(title, "案由", 200)
    with transaction.atomic():
        complaint = _locked(actor, complaint_id, ComplaintAction.HANDLE)
        _expect(complaint, IN_HAND, "转为案源登记")
        if complaint.subject != Subject.VIOLATION:
            raise ComplaintRefused(
                "只有反映违法行为的投诉举报可以转为案源登记。",
                log_message=f"complaint {complaint.pk} is about {complaint.subject}",
            )
        if complaint.case_id is not None:
            raise ComplaintRefused(
                "该投诉举报已转为案源登记。", log_message=f"complaint {complaint.pk} has a case"
            )
        category = EnforcementCategory.objects.filter(pk=category_id).first()
        if category is None:
            raise ComplaintRefused("请选择执法类别。", log_message=f"bad category {category_id}")
        received = timezone.localtime(complaint.registered_at).date()
        case = case_open(
            actor=actor,
            new=NewCase(
                procedure=Procedure.PENALTY_GENERAL,
                title=title,
                source=f"投诉举报（跟踪码 {code_display(complaint.code)}）",
                category=category,
                violation_on=violation_on or received,
                clue_received_on=received,
                facts=complaint.text[:2000],
            ),
        )
        before = complaint.status
        complaint.case = case
        complaint.status = Status.HANDLING
        _step(
            complaint,
            ComplaintEvent.CASE_OPENED,
            from_status=before,
            actor=actor,
            note=f"已转为案源登记：{title}",
        )
    return complaint


# --- reads ---------------------------------------------------------------------------------------


def complaint_page_open(*, actor: Officer, complaint_id: int) -> Complaint | None:
    """The complaint, if ``actor`` may view it, after recording that he opened its page
    (``ComplaintAccess``); None (and no row) when it is out of his scope."""
    with transaction.atomic():
        complaint = complaint_for(actor, complaint_id)
        if complaint is None:
            return None
        ComplaintAccess.objects.create(
            complaint=complaint,
            officer=actor,
            actor=actor.ledger_actor,
            action=ComplaintReadAction.VIEW,
        )
    return complaint


def complaint_attachment_open(
    *, actor: Officer, complaint_id: int, attachment_id: int
) -> Attachment | None:
    """One attachment of a complaint ``actor`` may view, after recording the download."""
    with transaction.atomic():
        complaint = complaint_for(actor, complaint_id)
        found = complaint.attachments.filter(pk=attachment_id).first() if complaint else None
        if complaint is None or found is None:
            return None
        ComplaintAccess.objects.create(
            complaint=complaint,
            attachment=found,
            officer=actor,
            actor=actor.ledger_actor,
            action=ComplaintReadAction.DOWNLOAD,
        )
    return found


# The longest look-back of the limits above (registrations per address per day).
SUBMISSIONS_KEPT = timedelta(days=1)


def complaint_submissions_prune(*, dry_run: bool = False) -> int:
    """Remove the rate limits' rows older than any limit looks back (``SUBMISSIONS_KEPT``):
    counts of tries, not complaints — each complaint is its own row and ledger event. For
    ``sanxiang prune``; returns how many, or would."""
    old = Submission.objects.filter(at__lt=timezone.now() - max(WINDOW, SUBMISSIONS_KEPT))
    return old.count() if dry_run else old.delete()[0]
