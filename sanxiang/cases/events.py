"""The cases app's ledger events and their builders (see ``sanxiang.ledger.events``).

A case's workflow steps are events too: ``cases.case.<action>`` for every action a procedure
declares (``CaseStep``, made from ``PROCEDURES``); like the case's own edits they carry the case
snapshot. The digests that ``sanxiang ledger verify`` recomputes (document inputs, approval
signatures) are computed here, for the builders and the checks alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sanxiang.cases.models import (
    ApprovalSignature,
    Case,
    CaseCircumstance,
    CaseDocument,
    DecisionDiscretion,
    DecisionExtension,
    PartyQueryAttempt,
    PartySignature,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.ledger.canonical import canonical_json, sha256_hex
from sanxiang.ledger.events import Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM
from sanxiang.org.models import Officer

CASE = "cases.case"
DOCUMENT = "cases.casedocument"
PARTY_SIGNATURE = "cases.partysignature"


class CaseEvent(Event):
    # The case as edited, carrying its snapshot.
    OPENED = "cases.case.opened", CASE
    PARTY_ADDED = "cases.case.party_added", CASE
    HANDLERS_SET = "cases.case.handlers_set", CASE
    ASSESSED = "cases.case.assessed", CASE
    BASIS_SET = "cases.case.basis_set", CASE
    PAYMENT_DUE_RECOMPUTED = "cases.case.payment_due_recomputed", CASE
    # Records about the case, each carrying its own content.
    DECISION_EXTENDED = "cases.case.decision_extended", CASE
    CIRCUMSTANCES_SET = "cases.case.circumstances_set", CASE
    PROVISIONAL_DEADLINE_PASSED = "cases.case.provisional_deadline_passed", CASE
    PAYMENT_RECORDED = "cases.case.payment_recorded", CASE
    SCHEDULE_APPROVED = "cases.case.schedule_approved", CASE
    REMEDY_FILED = "cases.case.remedy_filed", CASE
    REMEDY_SUSPENSION = "cases.case.remedy_suspension", CASE
    REMEDY_OUTCOME = "cases.case.remedy_outcome", CASE
    EXECUTION_PERFORMED = "cases.case.execution_performed", CASE
    EXECUTION_COURT_APPLIED = "cases.case.execution_court_applied", CASE
    EXECUTION_COURT_GRANTED = "cases.case.execution_court_granted", CASE
    EXECUTION_COURT_REFUSED = "cases.case.execution_court_refused", CASE
    EXECUTION_COURT_ENFORCED = "cases.case.execution_court_enforced", CASE
    PARTY_CODE_ISSUED = "cases.case.party_code_issued", CASE
    PARTY_CODE_REISSUED = "cases.case.party_code_reissued", CASE
    PARTY_VIEWED = "cases.case.party_viewed", CASE
    # What the 裁量基准 said of the decision (``DecisionDiscretion``, the step's declared effect).
    DISCRETION_RECORDED = "cases.case.discretion_recorded", CASE
    # 不予处罚 (行政处罚法第三十三条): the proposal, its withdrawal, the party's education.
    NO_PENALTY_PROPOSED = "cases.case.no_penalty_proposed", CASE
    NO_PENALTY_WITHDRAWN = "cases.case.no_penalty_withdrawn", CASE
    EDUCATION_RECORDED = "cases.case.education_recorded", CASE
    # Documents, signatures, the party query's lockouts.
    DOCUMENT_GENERATED = "cases.document.generated", DOCUMENT
    DOCUMENT_INPUTS = "cases.document.inputs", DOCUMENT
    DOCUMENT_PDF_MADE = "cases.document.pdf_made", DOCUMENT
    DOCUMENT_DOWNLOADED = "cases.document.downloaded", DOCUMENT
    DOCUMENT_PARTY_DOWNLOADED = "cases.document.party_downloaded", DOCUMENT
    APPROVAL_SIGNED = "cases.approval.signed", "cases.approvalsignature"
    # The party's signature on a version made on the spot, or his refusal before a witness.
    PARTY_SIGNED = "cases.document.party_signed", PARTY_SIGNATURE
    PARTY_REFUSED_TO_SIGN = "cases.document.party_refused_to_sign", PARTY_SIGNATURE
    PARTY_SIGNATURE_VIEWED = "cases.partysignature.viewed", PARTY_SIGNATURE
    LOCKOUT_CLEARED = "cases.partyqueryattempt.lockout_cleared", "cases.partyqueryattempt"


STEP_ACTIONS = sorted({t.action for p in PROCEDURES.values() for t in p.transitions})
# One member per declared workflow action, e.g. ``CaseStep("cases.case.register")``.
CaseStep: type[Event] = Event(  # type: ignore[assignment]
    "CaseStep",
    {a.upper(): (f"cases.case.{a}", CASE) for a in STEP_ACTIONS},  # type: ignore[arg-type]
)

SNAPSHOT_EVENTS = (
    CaseEvent.OPENED,
    CaseEvent.PARTY_ADDED,
    CaseEvent.HANDLERS_SET,
    CaseEvent.ASSESSED,
    CaseEvent.BASIS_SET,
    CaseEvent.PAYMENT_DUE_RECOMPUTED,
)
EXECUTION_EVENTS = (
    CaseEvent.PAYMENT_RECORDED,
    CaseEvent.SCHEDULE_APPROVED,
    CaseEvent.REMEDY_FILED,
    CaseEvent.REMEDY_SUSPENSION,
    CaseEvent.REMEDY_OUTCOME,
    CaseEvent.EXECUTION_PERFORMED,
    CaseEvent.EXECUTION_COURT_APPLIED,
    CaseEvent.EXECUTION_COURT_GRANTED,
    CaseEvent.EXECUTION_COURT_REFUSED,
    CaseEvent.EXECUTION_COURT_ENFORCED,
)
NO_PENALTY_EVENTS = (
    CaseEvent.NO_PENALTY_PROPOSED,
    CaseEvent.NO_PENALTY_WITHDRAWN,
    CaseEvent.EDUCATION_RECORDED,
)


# --- digests -------------------------------------------------------------------------------


def _yuan(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def case_snapshot_sha256(case: Case) -> str:
    """SHA-256 of the case's state as recorded with each step and edit."""
    return content_digest(
        {
            "id": case.pk,
            "procedure": case.procedure,
            "state": case.state,
            "number": case.number,
            "title": case.title,
            "facts": case.facts,
            "fine_yuan": _yuan(case.fine_yuan),
            "registered_on": _day(case.registered_on),
            "decided_on": _day(case.decided_on),
            "hearing_right": case.hearing_right,
            "complex_or_major": case.complex_or_major,
            "penalty_kinds": sorted(case.penalty_kinds),
            "amount_involved_yuan": _yuan(case.amount_involved_yuan),
            "review_flags": sorted(case.review_flags),
            "handlers": sorted(case.handlers.values_list("pk", flat=True)),
            "parties": sorted(case.parties.values_list("pk", flat=True)),
            "violated_articles": sorted(case.violated_articles.values_list("pk", flat=True)),
            "penalty_articles": sorted(case.penalty_articles.values_list("pk", flat=True)),
        }
    )


def document_inputs_sha256(fields: dict[str, Any]) -> str:
    """What ``cases.document.inputs`` carries: the inputs typed for a document version."""
    return content_digest(fields)


def signature_digest(record: ApprovalSignature) -> str:
    return content_digest(
        {"text": record.text, "signature": record.signature, "key": record.key.key_id}
    )


def party_signature_digest(record: PartySignature) -> str:
    """What ``cases.document.party_signed`` / ``party_refused_to_sign`` carry: the version, the
    Word hash it was signed over, and the image's hash or the refusal and its witness."""
    return content_digest(
        {
            "document": record.document_id,
            "document_sha256": record.document_sha256,
            "outcome": record.outcome,
            "image_sha256": record.image_sha256,
            "refusal_reason": record.refusal_reason,
            "witness_name": record.witness_name,
            "witness_identifier": record.witness_identifier,
            "witness_unit": record.witness_unit,
            "recording_id": record.recording_id,
        }
    )


# --- builders ------------------------------------------------------------------------------


def case_event_named(name: str) -> Event:
    """``cases.case.<name>``: a snapshot event (``opened`` …) or a declared workflow step."""
    action = f"{CASE}.{name}"
    if action in {e.value for e in SNAPSHOT_EVENTS}:
        return CaseEvent.named(action)
    return CaseStep.named(action)


@builds(*SNAPSHOT_EVENTS, *CaseStep)
def case_recorded(case: Case, actor: str, event: Event) -> LedgerEntry:
    """A step or edit of the case, carrying its snapshot as it is now."""
    if event not in SNAPSHOT_EVENTS and event not in CaseStep:
        raise ValueError(f"{event} does not carry the case snapshot")
    return event.append(
        case.pk, actor=actor, agency_id=case.agency_id, content_sha256=case_snapshot_sha256(case)
    )


@builds(*EXECUTION_EVENTS)
def case_execution_recorded(
    case: Case, actor: Officer, event: CaseEvent, content: dict[str, Any]
) -> LedgerEntry:
    """A payment, schedule, remedy or execution step of the case, with what was recorded."""
    if event not in EXECUTION_EVENTS:
        raise ValueError(f"{event} is not an execution record")
    return event.append(
        case.pk,
        actor=actor.ledger_actor,
        agency_id=case.agency_id,
        content_sha256=content_digest({"case": case.pk, **content}),
    )


@builds(CaseEvent.DECISION_EXTENDED)
def decision_extended(extension: DecisionExtension) -> LedgerEntry:
    content = {
        "case": extension.case_id, "days": extension.days, "reason": extension.reason,
        "collective": extension.collective, "previous": extension.previous_due_on.isoformat(),
        "new": extension.new_due_on.isoformat(), "approved_by": extension.approved_by_id,
    }  # fmt: skip
    return CaseEvent.DECISION_EXTENDED.append(
        extension.case_id, actor=extension.approved_by.ledger_actor,
        agency_id=extension.case.agency_id, content_sha256=content_digest(content),
    )  # fmt: skip


def circumstances_content(case: Case, rows: list[CaseCircumstance]) -> dict[str, Any]:
    """What ``cases.case.circumstances_set`` carries: each 情节 with its evidence and note."""
    return {
        "case": case.pk,
        "violation": case.discretion_violation_id,
        "circumstances": [
            {
                "circumstance": row.circumstance_id,
                "evidence": sorted(e.pk for e in row.evidence.all()),
                "documents": sorted(d.pk for d in row.documents.all()),
                "note": row.note,
            }
            for row in sorted(rows, key=lambda r: r.circumstance_id)
        ],
    }


@builds(CaseEvent.CIRCUMSTANCES_SET)
def circumstances_set(case: Case, actor: Officer, rows: list[CaseCircumstance]) -> LedgerEntry:
    """The handlers recorded which 裁量情节 apply (or the 违法行为 changed and some fell away)."""
    return CaseEvent.CIRCUMSTANCES_SET.append(
        case.pk, actor=actor.ledger_actor, agency_id=case.agency_id,
        content_sha256=content_digest(circumstances_content(case, rows)),
    )  # fmt: skip


@builds(CaseEvent.PROVISIONAL_DEADLINE_PASSED)
def provisional_deadline_passed(
    case: Case, actor: Officer, *, action: str, due: date, today: date
) -> LedgerEntry:
    content = {
        "case": case.pk,
        "action": action,
        "due_on": due.isoformat(),
        "on": today.isoformat(),
    }
    return CaseEvent.PROVISIONAL_DEADLINE_PASSED.append(
        case.pk, actor=actor.ledger_actor, agency_id=case.agency_id,
        content_sha256=content_digest(content),
    )  # fmt: skip


@builds(CaseEvent.PARTY_CODE_ISSUED, CaseEvent.PARTY_CODE_REISSUED)
def party_code_issued(case: Case, actor: Officer, event: CaseEvent, code_id: int) -> LedgerEntry:
    # Which issue this was, never the code or a hash of it (50 bits can be searched).
    content = {"case": case.pk, "party_code": code_id, "issued_by": actor.pk}
    return event.append(
        case.pk, actor=actor.ledger_actor, agency_id=case.agency_id,
        content_sha256=content_digest(content),
    )  # fmt: skip


@builds(CaseEvent.PARTY_VIEWED)
def party_viewed(case: Case, actor: str, shown: object) -> LedgerEntry:
    """The party looked at his case (``shown``: what the page showed, as plain values)."""
    return CaseEvent.PARTY_VIEWED.append(
        case.pk, actor=actor, agency_id=case.agency_id, content_sha256=content_digest(shown)
    )


@builds(CaseEvent.LOCKOUT_CLEARED)
def lockout_cleared(attempt: PartyQueryAttempt, actor: str, cleared: list[int]) -> LedgerEntry:
    agency = attempt.case.agency_id if attempt.case is not None else None
    return CaseEvent.LOCKOUT_CLEARED.append(
        attempt.pk, actor=actor, agency_id=agency,
        content_sha256=content_digest({"attempt": attempt.pk, "cleared": cleared}),
    )  # fmt: skip


@builds(CaseEvent.DOCUMENT_GENERATED, CaseEvent.DOCUMENT_INPUTS)
def document_generated(document: CaseDocument, actor: Officer) -> list[LedgerEntry]:
    """A new document version; what was typed for it (笔录内容、送达方式 …) is recorded too,
    so it cannot change unseen."""
    agency = document.case.agency_id
    entries = [
        CaseEvent.DOCUMENT_GENERATED.append(
            document.pk, actor=actor.ledger_actor, agency_id=agency,
            content_sha256=document.docx_sha256,
        )
    ]  # fmt: skip
    if document.fields:
        entries.append(
            CaseEvent.DOCUMENT_INPUTS.append(
                document.pk, actor=actor.ledger_actor, agency_id=agency,
                content_sha256=document_inputs_sha256(document.fields),
            )
        )  # fmt: skip
    return entries


@builds(CaseEvent.DOCUMENT_PDF_MADE)
def document_pdf_made(document: CaseDocument) -> LedgerEntry:
    """The PDF form of a version, converted from its recorded Word form after generation."""
    return CaseEvent.DOCUMENT_PDF_MADE.append(
        document.pk, actor=SYSTEM, agency_id=document.case.agency_id,
        content_sha256=document.pdf_sha256,
    )  # fmt: skip


@builds(CaseEvent.DOCUMENT_DOWNLOADED, CaseEvent.DOCUMENT_PARTY_DOWNLOADED)
def document_downloaded(
    document: CaseDocument, actor: str, event: CaseEvent, digest: str
) -> LedgerEntry:
    """A stored version opened, by an officer or by the party (``digest``: the form sent)."""
    if event not in (CaseEvent.DOCUMENT_DOWNLOADED, CaseEvent.DOCUMENT_PARTY_DOWNLOADED):
        raise ValueError(f"{event} is not a download")
    return event.append(
        document.pk, actor=actor, agency_id=document.case.agency_id, content_sha256=digest
    )


@builds(CaseEvent.APPROVAL_SIGNED)
def approval_signed(record: ApprovalSignature, actor: Officer) -> LedgerEntry:
    return CaseEvent.APPROVAL_SIGNED.append(
        record.pk, actor=actor.ledger_actor, agency_id=record.case.agency_id,
        content_sha256=signature_digest(record),
    )  # fmt: skip


@builds(CaseEvent.PARTY_SIGNED, CaseEvent.PARTY_REFUSED_TO_SIGN)
def party_signature_recorded(record: PartySignature, actor: Officer) -> LedgerEntry:
    """The party signed a document version on the officer's phone, or refused to sign."""
    event = (
        CaseEvent.PARTY_SIGNED if record.outcome == "signed" else CaseEvent.PARTY_REFUSED_TO_SIGN
    )
    return event.append(
        record.pk, actor=actor.ledger_actor, agency_id=record.case.agency_id,
        content_sha256=party_signature_digest(record),
    )  # fmt: skip


@builds(CaseEvent.PARTY_SIGNATURE_VIEWED)
def party_signature_viewed(record: PartySignature, actor: Officer) -> LedgerEntry:
    """An officer opened the drawn signature (the image's hash: what was shown)."""
    return CaseEvent.PARTY_SIGNATURE_VIEWED.append(
        record.pk, actor=actor.ledger_actor, agency_id=record.case.agency_id,
        content_sha256=record.image_sha256,
    )  # fmt: skip


def proposal_sha256(case: Case) -> str:
    """SHA-256 of what a case proposes to decide — facts, parties, penalty, circumstances —
    without its state, so a reviewer can tell whether it changed since it was submitted."""
    parties = sorted(case.parties.values_list("kind", "name", "identifier", "address"))
    return sha256_hex(
        canonical_json(
            {
                "id": case.pk,
                "title": case.title,
                "facts": case.facts,
                "fine_yuan": str(case.fine_yuan) if case.fine_yuan is not None else None,
                "penalty_kinds": sorted(case.penalty_kinds),
                "amount_involved_yuan": (
                    str(case.amount_involved_yuan)
                    if case.amount_involved_yuan is not None
                    else None
                ),
                "review_flags": sorted(case.review_flags),
                "hearing_right": case.hearing_right,
                "complex_or_major": case.complex_or_major,
                "handlers": sorted(case.handlers.values_list("pk", flat=True)),
                "parties": [list(p) for p in parties],
                "violated_articles": sorted(case.violated_articles.values_list("pk", flat=True)),
                "penalty_articles": sorted(case.penalty_articles.values_list("pk", flat=True)),
            }
        )
    )


def discretion_record_digest(record: DecisionDiscretion) -> str:
    """What ``cases.case.discretion_recorded`` carries: the version, 违法行为, tier, fine and
    outcome the decision was recorded with."""
    content = {
        "case": record.case_id, "decided_on": record.decided_on.isoformat(),
        "benchmark": record.benchmark_id, "violation": record.violation_id,
        "code": record.violation_code, "tier": record.tier_id,
        "fine_yuan": _yuan(record.fine_yuan), "outcome": record.outcome,
    }  # fmt: skip
    if record.no_penalty:
        # Named only for 不予处罚 decisions, so the digests of the earlier rows stay as logged.
        content["no_penalty"] = True
    return content_digest(content)


@builds(CaseEvent.DISCRETION_RECORDED)
def discretion_recorded(record: DecisionDiscretion, actor: Officer) -> LedgerEntry:
    return CaseEvent.DISCRETION_RECORDED.append(
        record.case_id, actor=actor.ledger_actor, agency_id=record.agency_id,
        content_sha256=discretion_record_digest(record),
    )  # fmt: skip


@builds(*NO_PENALTY_EVENTS)
def case_no_penalty_recorded(
    case: Case, actor: Officer, event: CaseEvent, content: dict[str, Any]
) -> LedgerEntry:
    """A 不予处罚 proposal, its withdrawal or the party's education, with what was recorded."""
    if event not in NO_PENALTY_EVENTS:
        raise ValueError(f"{event} is not a 不予处罚 record")
    return event.append(
        case.pk,
        actor=actor.ledger_actor,
        agency_id=case.agency_id,
        content_sha256=content_digest({"case": case.pk, **content}),
    )
