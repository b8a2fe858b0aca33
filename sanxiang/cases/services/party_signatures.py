"""当事人签名: the party signs a document version made on the spot on the officer's phone, or
his refusal is recorded with a witness or a recording; each is one append-only row and one
ledger event, bound to the version's Word hash as ``cases.document.generated`` recorded it.

A signature is for one version: a new version of the document needs a new signature, and a
version signed (or refused) once is never recorded again.
"""

from __future__ import annotations

import io

from django.db import IntegrityError, transaction

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.documents import KINDS, PARTY_SIGNED_KINDS
from sanxiang.cases.events import (
    DOCUMENT,
    CaseEvent,
    party_signature_recorded,
    party_signature_viewed,
)
from sanxiang.cases.models import (
    Case,
    CaseDocument,
    PartySignature,
    PartySignatureOutcome,
    evidence_reference,
    provisional_reference,
)
from sanxiang.cases.services._common import CaseRefused, _case_for_update
from sanxiang.cases.signature_image import signature_image_check
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.evidence.storage import blob_name, open_blob, store_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Officer

RECORDING_KINDS = (EvidenceKind.AUDIO, EvidenceKind.VIDEO, EvidenceKind.FULL_VIDEO)
# 行政强制法第十八条第八项、第九项; 行政处罚法第五十二条 (拒绝签收的，应当在决定书上注明).
REFUSAL_BASIS = "行政强制法第十八条第八项、第九项，行政处罚法第五十二条"


# A case 结案 or ended without one (撤案、不予立案、移送、转为一般程序) takes no more signatures.
CLOSED_STATES = frozenset({"closed", "withdrawn", "transferred", "not_registered", "converted"})


class PartySignatureExists(CaseRefused):
    """This version's signature (or refusal) is already recorded."""


def _document(case: Case, document_id: int) -> CaseDocument:
    document = CaseDocument.objects.filter(pk=document_id, case=case).first()
    if document is None:
        raise CaseRefused(
            "本案没有该文书版本。", log_message=f"document {document_id} not of case {case.pk}"
        )
    return document


def _signable(case: Case, document: CaseDocument, actor: Officer) -> str:
    """Refuse unless the party may sign this version now; the Word hash it is signed over."""
    label = KINDS[document.kind].label
    if not case_allows(actor, CaseAction.CHANGE, case):
        raise CaseRefused(
            "只有本案承办人或负责人可以记录当事人签名。", log_message=f"{actor.pk} not handler"
        )
    if document.kind not in PARTY_SIGNED_KINDS:
        raise CaseRefused(
            f"{label}不是现场交当事人签名的文书。",
            log_message=f"document {document.pk} ({document.kind}) not signed by the party",
        )
    if case.state in PROCEDURES[case.procedure].terminal | CLOSED_STATES:
        raise CaseRefused(
            "案件已结案或归档，不能再记录当事人签名。", log_message=f"case {case.pk} closed"
        )
    latest = CaseDocument.objects.filter(case=case, kind=document.kind).order_by("-version")[0]
    if latest.pk != document.pk:
        raise CaseRefused(
            f"{label}已有新版本（第 {latest.version} 版），请让当事人在最新版本上签名。",
            log_message=f"document {document.pk} superseded by {latest.pk}",
        )
    if PartySignature.objects.filter(document=document).exists():
        raise PartySignatureExists(
            f"该版本{label}已记录当事人签名或拒绝签名，不能重复记录；"
            "文书重新生成新版本后，须由当事人重新签名。",
            log_message=f"document {document.pk} already signed",
        )
    generated = (
        LedgerEntry.objects.filter(
            action=CaseEvent.DOCUMENT_GENERATED, object_type=DOCUMENT, object_id=str(document.pk)
        )
        .values_list("content_sha256", flat=True)
        .first()
    )
    if generated is None or generated != document.docx_sha256:
        raise CaseRefused(
            "该文书的记录与全过程记录不一致，不能签名，请联系系统管理员。",
            log_message=f"document {document.pk}: generated event missing or differs",
        )
    return generated


def _create(**values: object) -> PartySignature:
    try:
        with transaction.atomic():
            return PartySignature.objects.create(**values)
    except IntegrityError:  # the same version recorded by a concurrent request
        raise PartySignatureExists(
            "该版本文书已记录当事人签名或拒绝签名，不能重复记录。",
            log_message=f"document {values['document']} signed concurrently",
        ) from None


def party_signature_record(
    *, actor: Officer, case_id: int, document_id: int, image: bytes
) -> PartySignature:
    """Store the party's drawn signature (a checked PNG) for one version and record it.

    The image is checked before anything is stored; it is stored content-addressed beside the
    documents, and the row and its ``cases.document.party_signed`` event carry its SHA-256 and
    the version's Word hash."""
    checked = signature_image_check(image)
    image_sha256 = sha256_hex(checked.data)
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        document = _document(case, document_id)
        document_sha256 = _signable(case, document, actor)
        store_blob(io.BytesIO(checked.data), image_sha256)
        record = _create(
            case=case, document=document, document_sha256=document_sha256,
            outcome=PartySignatureOutcome.SIGNED, image_sha256=image_sha256,
            image_width=checked.width, image_height=checked.height, recorded_by=actor,
        )  # fmt: skip
        party_signature_recorded(record, actor)
    return record


def party_signature_refusal_record(
    *,
    actor: Officer,
    case_id: int,
    document_id: int,
    reason: str,
    witness_name: str = "",
    witness_identifier: str = "",
    witness_unit: str = "",
    recording_id: str = "",
) -> PartySignature:
    """The party refused to sign this version: what happened, and the witness who saw it or
    the recording of it registered as evidence of the case (行政强制法第十八条第八项、第九项)."""
    reason, witness_name = reason.strip(), witness_name.strip()
    witness_identifier, witness_unit = witness_identifier.strip(), witness_unit.strip()
    recording_id = recording_id.strip()
    if not reason:
        raise CaseRefused("请写明当事人拒绝签名的情况。", log_message="refusal without reason")
    if len(reason) > 200 or len(witness_name) > 64 or len(witness_unit) > 100:
        raise CaseRefused("填写的内容过长，请精简。", log_message="refusal fields too long")
    if len(witness_identifier) > 32 or len(recording_id) > 36:
        raise CaseRefused("身份证件号码或证据编号过长。", log_message="refusal ids too long")
    if not witness_name and not recording_id:
        raise CaseRefused(
            "当事人拒绝签名的，须有见证人（写明姓名），或者以录音录像记录并登记为本案证据"
            f"（{REFUSAL_BASIS}）。",
            log_message="refusal without witness or recording",
        )
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        document = _document(case, document_id)
        document_sha256 = _signable(case, document, actor)
        if witness_name and witness_name in set(case.handlers.values_list("name", flat=True)):
            raise CaseRefused(
                "见证人应当是本案执法人员以外的人员。", log_message="handler as witness"
            )
        if (
            recording_id
            and not EvidenceItem.objects.filter(
                record_id=recording_id,
                agency_id=case.agency_id,
                case_number__in={evidence_reference(case), provisional_reference(case.pk)},
                kind__in=RECORDING_KINDS,
            ).exists()
        ):
            raise CaseRefused(
                f"本案证据中没有记录编号为“{recording_id}”的录音或录像。",
                log_message=f"case {case.pk}: recording {recording_id!r} not found",
            )
        record = _create(
            case=case, document=document, document_sha256=document_sha256,
            outcome=PartySignatureOutcome.REFUSED, refusal_reason=reason,
            witness_name=witness_name, witness_identifier=witness_identifier,
            witness_unit=witness_unit, recording_id=recording_id, recorded_by=actor,
        )  # fmt: skip
        party_signature_recorded(record, actor)
    return record


def party_signature_open(*, actor: Officer, signature_id: int) -> tuple[PartySignature, bytes]:
    """The drawn signature's image, if ``actor`` may view its case; each look is recorded."""
    record = (
        PartySignature.objects.select_related("case")
        .filter(
            pk=signature_id,
            outcome=PartySignatureOutcome.SIGNED,
            case__in=Case.objects.visible_to(actor, CaseAction.VIEW),
        )
        .first()
    )
    if record is None:
        raise CaseRefused(
            "未找到该签名，或您无权查看。",
            log_message=f"party signature {signature_id} not for {actor.pk}",
        )
    with transaction.atomic():
        party_signature_viewed(record, actor)
    with open_blob(blob_name(record.image_sha256)) as handle:
        return record, handle.read()
