"""The event vocabulary as a whole: every app's events have a builder, no service appends to the
ledger but through one, and the action strings stay what stored ledgers say."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import sanxiang
from sanxiang.ledger.events import ANY, BUILDERS, Event, LedgerEvent

VOCABULARIES = [
    "sanxiang.ledger.events",
    "sanxiang.core.events",
    "sanxiang.org.events",
    "sanxiang.evidence.events",
    "sanxiang.cases.events",
    "sanxiang.review.events",
    "sanxiang.disclosure.events",
    "sanxiang.archive.events",
    "sanxiang.inspections.events",
    "sanxiang.alerts.events",
    "sanxiang.discretion.events",
    "sanxiang.complaints.events",
    "sanxiang.supervision.events",
    "sanxiang.supervision.opinions.events",
    "sanxiang.acts.events",
    "sanxiang.evaluation.events",
]

# Every action string written before the vocabulary existed, and still written: stored ledgers,
# their verifiers and the public proofs name events by them, so none may change.
ACTIONS = [
    "alerts.alert.acknowledged",
    "alerts.alert.escalated",
    "alerts.alert.raised",
    "alerts.alert.resolved",
    "acts.act.recorded",
    "acts.permit.ended",
    "acts.permit.recorded",
    "acts.permits.imported",
    "archive.package.downloaded",
    "archive.package.sealed",
    "auth.user.password_changed",
    "cases.approval.signed",
    "discretion.benchmark.imported",
    "discretion.benchmark.published",
    "discretion.benchmark.superseded",
    "complaints.complaint.accepted",
    "complaints.complaint.case_opened",
    "complaints.complaint.handling",
    "complaints.complaint.refused",
    "complaints.complaint.registered",
    "complaints.complaint.replied",
    "complaints.complaint.transferred",
    "cases.case.assessed",
    "cases.case.basis_set",
    "cases.case.circumstances_set",
    "cases.case.decision_extended",
    "cases.case.execution_court_applied",
    "cases.case.execution_court_enforced",
    "cases.case.execution_court_granted",
    "cases.case.execution_court_refused",
    "cases.case.execution_performed",
    "cases.case.education_recorded",
    "cases.case.handlers_set",
    "cases.case.no_penalty_proposed",
    "cases.case.no_penalty_withdrawn",
    "cases.case.opened",
    "cases.case.party_added",
    "cases.case.party_code_issued",
    "cases.case.party_code_reissued",
    "cases.case.party_viewed",
    "cases.case.discretion_recorded",
    "cases.case.payment_due_recomputed",
    "cases.case.payment_recorded",
    "cases.case.provisional_deadline_passed",
    "cases.case.remedy_filed",
    "cases.case.remedy_outcome",
    "cases.case.remedy_suspension",
    "cases.case.schedule_approved",
    "cases.document.downloaded",
    "cases.document.generated",
    "cases.document.inputs",
    "cases.document.pdf_made",
    "cases.document.party_downloaded",
    "cases.document.party_refused_to_sign",
    "cases.document.party_signed",
    "cases.partyqueryattempt.lockout_cleared",
    "cases.partysignature.viewed",
    "core.calendaryear.imported",
    "core.provisionaldeadline.recomputed",
    "core.provisionaldeadline.recorded",
    "disclosure.annual_report.published",
    "disclosure.delivery.dead",
    "disclosure.delivery.retried",
    "disclosure.delivery.sent",
    "disclosure.listing.published",
    "disclosure.publication.corrected",
    "disclosure.publication.credit_set",
    "disclosure.publication.exempted",
    "disclosure.publication.opened",
    "disclosure.publication.published",
    "disclosure.publication.withdrawal_due",
    "disclosure.publication.withdrawn",
    "evaluation.assignment.answered",
    "evaluation.assignment.scored",
    "evaluation.campaign.closed",
    "evaluation.campaign.created",
    "evaluation.campaign.drawn",
    "evaluation.campaign.frozen",
    "evaluation.campaign.published",
    "evidence.corrected",
    "evidence.created",
    "evidence.downloaded",
    "evidence.exported",
    "evidence.handed_over",
    "evidence.listed",
    "evidence.target.created",
    "evidence.viewed",
    "inspections.beacon.entered",
    "inspections.commitment.recorded",
    "inspections.conflict.recorded",
    "inspections.plan.created",
    "inspections.targets.imported",
    "inspections.task.created",
    "inspections.task.drawn",
    "inspections.task.frozen",
    "ledger.state.anchored",
    "ledger.witness.configured",
    "ledger.witness.cosigned",
    "ledger.witness.received",
    "ledger.witness.watch",
    "org.agency.created",
    "org.apitoken.created",
    "org.apitoken.revoked",
    "org.enforcementcategory.loaded",
    "org.law.loaded",
    "org.officer.created",
    "org.officer.imported",
    "org.officer.password_reset",
    "org.officer.password_set_after_reset",
    "org.signingkey.registered",
    "org.supervisorybody.area_set",
    "org.training.imported",
    "org.supervisorybody.created",
    "org.unit.created",
    "review.cataloguerule.created",
    "review.determination.recorded",
    "review.document.downloaded",
    "review.document.generated",
    "review.requiredmaterial.created",
    "review.review.answered",
    "review.review.committee",
    "review.review.opinion",
    "review.review.submitted",
    "review.reviewpolicy.created",
    "supervision.applicability.applicable",
    "supervision.applicability.not_applicable",
    "supervision.attestation.filed",
    "supervision.attestationreview.confirmed",
    "supervision.attestationreview.returned",
    "supervision.indicatorscore.scored",
    "supervision.interference.recorded",
    "supervision.opinion.accepted",
    "supervision.opinion.answered",
    "supervision.opinion.issued",
    "supervision.opinion.pdf_made",
    "supervision.opinion.returned",
    "supervision.submission.acknowledged",
    "supervision.submission.returned",
    "supervision.submission.submitted",
]


def _enums() -> list[type[Event]]:
    found = {
        value
        for name in VOCABULARIES
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, type) and issubclass(value, Event) and value is not Event
    }
    return sorted(found, key=lambda enum: enum.__name__)


def test_the_action_strings_of_stored_ledgers_are_unchanged():
    fixed = sorted(e.value for enum in _enums() if enum.__name__ != "CaseStep" for e in enum)
    assert fixed == sorted(ACTIONS)


def test_every_event_of_every_app_has_its_builder():
    events = [e for enum in _enums() for e in enum]
    # Written inside the ledger itself (``ledger.services.state_anchor``), not by a builder.
    without = [
        e.value for e in events if e.value not in BUILDERS and e != LedgerEvent.STATE_ANCHORED
    ]
    assert without == []


def test_no_service_appends_to_the_ledger_but_through_a_builder():
    root = Path(sanxiang.__file__).parent
    allowed = {root / "ledger" / "services.py", root / "ledger" / "events.py"}
    callers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in allowed and "ledger_append(" in path.read_text(encoding="utf-8")
    ]
    assert callers == []


def test_an_event_about_any_type_names_its_object_type_and_others_do_not(db):
    with pytest.raises(ValueError, match="object type"):
        LedgerEvent.STATE_ANCHORED.append(1, actor="system")
    with pytest.raises(ValueError, match="object type"):
        LedgerEvent.WITNESS_CONFIGURED.append(1, actor="system", object_type="cases.case")
    assert LedgerEvent.STATE_ANCHORED.object_type == ANY


def test_an_action_string_names_its_member():
    assert LedgerEvent.named("ledger.witness.watch") is LedgerEvent.WITNESS_WATCH
    with pytest.raises(ValueError):
        LedgerEvent.named("ledger.witness.unknown")
