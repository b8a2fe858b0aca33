"""What the public may learn about a document from its verification code (no personal data),
and what a party sees of his own case after verification (当事人查询, ``party_access``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from sanxiang.cases.documents import KINDS, PARTY_SIGNED_KINDS
from sanxiang.cases.models import CaseDocument, PartySignature, RecordingMatter
from sanxiang.cases.party_access import (
    GRANT,
    PartyCase,
    PartyGrant,
    PartyQueryRefused,
    party_case_view,
    party_document_open,
    party_query_verify,
)
from sanxiang.cases.recording_rows import PublicMatter, matters_public
from sanxiang.org.selectors import agency_list_public

__all__ = [
    "GRANT",
    "DocumentVerification",
    "PartyCase",
    "PartyGrant",
    "PartyQueryRefused",
    "document_verification_public",
    "party_case_public",
    "party_document_public",
    "party_query_public",
    "recording_lists_public",
]
from sanxiang.ledger.models import LedgerEntry


@dataclass(frozen=True)
class DocumentVerification:
    kind: str
    number: str
    agency: str
    issued_on: date
    version: int
    pdf_sha256: str
    docx_sha256: str
    ledger_index: int | None
    is_latest: bool
    # The PDF's own event, for versions whose PDF was made after the version was recorded
    # (``ledger_index`` then records the Word file).
    pdf_ledger_index: int | None = None
    # For a document the party signs on the spot: "signed", "refused" or "" (not recorded);
    # a signature's image hash, never the image or the witness's name.
    party_signs: bool = False
    party_signature: str = ""
    party_signed_on: date | None = None
    party_signature_sha256: str = ""
    party_signature_ledger_index: int | None = None


def document_verification_public(code: str) -> DocumentVerification | None:
    document = (
        CaseDocument.objects.select_related("case__agency")
        .filter(verification_code=code[:16])
        .first()
    )
    if document is None:
        return None
    entries = {
        e.action: e.index
        for e in LedgerEntry.objects.filter(
            object_type="cases.casedocument",
            object_id=str(document.pk),
            action__in=["cases.document.generated", "cases.document.pdf_made"],
        ).only("action", "index")
    }
    latest = (
        CaseDocument.objects.filter(case_id=document.case_id, kind=document.kind)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    signature = (
        PartySignature.objects.filter(document=document).first()
        if document.kind in PARTY_SIGNED_KINDS
        else None
    )
    signature_index = (
        LedgerEntry.objects.filter(object_type="cases.partysignature", object_id=str(signature.pk))
        .exclude(action="cases.partysignature.viewed")
        .values_list("index", flat=True)
        .first()
        if signature is not None
        else None
    )
    return DocumentVerification(
        party_signs=document.kind in PARTY_SIGNED_KINDS,
        party_signature=signature.outcome if signature else "",
        party_signed_on=timezone.localdate(signature.recorded_at) if signature else None,
        party_signature_sha256=signature.image_sha256 if signature else "",
        party_signature_ledger_index=signature_index,
        kind=KINDS[document.kind].label,
        number=document.case.number or "",
        agency=document.case.agency.name,
        issued_on=timezone.localdate(document.created_at),
        version=document.version,
        pdf_sha256=document.pdf_sha256,
        docx_sha256=document.docx_sha256,
        ledger_index=entries.get("cases.document.generated"),
        is_latest=latest == document.pk,
        pdf_ledger_index=entries.get("cases.document.pdf_made"),
    )


def party_query_public(*, number: str, code: str, client_ip: str) -> PartyGrant:
    """A grant to see the case, or ``PartyQueryRefused`` (the same words for an unknown case
    and a wrong code; a time to retry after too many failures)."""
    return party_query_verify(number=number, code=code, client_ip=client_ip)


def party_case_public(grant: PartyGrant) -> PartyCase | None:
    """The case as its verified party sees it (recorded in the ledger), or None if the code
    the grant came from has been re-issued since."""
    return party_case_view(case_id=grant.case_id, code_id=grant.code_id)


def party_document_public(grant: PartyGrant, document_id: int) -> tuple[str, bytes] | None:
    """A PDF handed to the party of the grant's case, or None (recorded in the ledger)."""
    return party_document_open(
        case_id=grant.case_id, code_id=grant.code_id, document_id=document_id
    )


def remedy_outcomes(agency_id: int, year: int) -> dict[str, int] | None:
    """行政复议、行政诉讼 against the agency's decisions, for its annual report: how many ended
    in the year with each outcome (keys are ``RemedyOutcome`` codes: upheld, revoked, changed,
    illegal, void, dismissed, withdrawn), plus ``filed`` (brought in the year) and ``pending``
    (brought in or before the year, not ended by its last day). None if there is no such
    agency. Aggregate counts only: no case or person is named."""
    from sanxiang.cases.models import Remedy, RemedyOutcome, RemedyStep, RemedyStepKind
    from sanxiang.org.models import Agency

    if not Agency.objects.filter(pk=agency_id).exists():
        return None
    counts = dict.fromkeys(RemedyOutcome.values, 0)
    ended = (
        RemedyStep.objects.filter(
            kind=RemedyStepKind.OUTCOME,
            remedy__case__agency_id=agency_id,
            decided_on__year=year,
        )
        .values("outcome")
        .annotate(n=Count("pk"))
    )
    for row in ended:
        counts[row["outcome"]] = row["n"]
    remedies = Remedy.objects.filter(case__agency_id=agency_id)
    counts["filed"] = remedies.filter(filed_on__year=year).count()
    counts["pending"] = (
        remedies.filter(filed_on__year__lte=year)
        .exclude(
            Exists(
                RemedyStep.objects.filter(
                    remedy=OuterRef("pk"),
                    kind=RemedyStepKind.OUTCOME,
                    decided_on__year__lte=year,
                )
            )
        )
        .count()
    )
    return counts


@dataclass(frozen=True)
class PublicRecordingList:
    agency_id: int
    agency: str
    matters: list[PublicMatter]


def recording_lists_public() -> list[PublicRecordingList]:
    """行政执法音像记录事项清单 (事前公开): each agency's list as it applies (the shipped list
    with the agency's own changes), by agency name."""
    rows = list(RecordingMatter.objects.all())
    return [
        PublicRecordingList(agency.pk, agency.name, matters_public(agency.pk, rows))
        for agency in agency_list_public().order_by("name")
    ]
