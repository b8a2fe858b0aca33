"""Reads for 当事人签名: the version being signed (through the access gate), the signatures of
a case's versions for its page, and the recordings a refusal may refer to."""

from __future__ import annotations

from dataclasses import dataclass

from sanxiang.cases.access import CaseAction
from sanxiang.cases.documents import PARTY_SIGNED_KINDS
from sanxiang.cases.models import Case, CaseDocument, PartySignature, evidence_reference
from sanxiang.cases.selectors import CaseNotFound, case_get_for
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.evidence.selectors import evidence_list_for
from sanxiang.org.models import Officer

RECORDING_KINDS = frozenset({EvidenceKind.AUDIO, EvidenceKind.VIDEO, EvidenceKind.FULL_VIDEO})


@dataclass(frozen=True)
class Signing:
    case: Case
    document: CaseDocument
    signature: PartySignature | None
    is_latest: bool


def signing_for(officer: Officer, case_id: object, document_id: object) -> Signing:
    """The case (if ``officer`` may view it) and its version ``document_id`` of a kind the party
    signs; ``CaseNotFound`` for anything else (another case's version, an unknown id)."""
    case = case_get_for(officer, case_id, CaseAction.VIEW)
    try:
        pk = int(str(document_id))
    except ValueError:
        raise CaseNotFound(case_id) from None
    document = CaseDocument.objects.filter(
        pk=pk, case=case, kind__in=sorted(PARTY_SIGNED_KINDS)
    ).first()
    if document is None:
        raise CaseNotFound(case_id)
    latest = (
        CaseDocument.objects.filter(case=case, kind=document.kind)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    signature = PartySignature.objects.filter(document=document).first()
    return Signing(case=case, document=document, signature=signature, is_latest=latest == pk)


def party_signatures_by_document(case: Case) -> dict[int, PartySignature]:
    """The signature (or refusal) recorded for each version of the case, by version id."""
    # In recording order (``Meta.ordering`` within one case, without its join to the case).
    signatures = PartySignature.objects.filter(case=case).order_by("recorded_at")
    return {s.document_id: s for s in signatures}


def recordings_for(officer: Officer, case: Case) -> list[EvidenceItem]:
    """The case's 录音、录像 the officer may see, which a refusal to sign may refer to."""
    items = evidence_list_for(officer=officer, case_number=evidence_reference(case))
    return list(items.filter(kind__in=sorted(RECORDING_KINDS)))
