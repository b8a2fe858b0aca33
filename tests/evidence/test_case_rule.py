"""Case evidence belongs to a case its registrant handles: the service refuses any other, not
only the upload form (issue #13, 证据归属案件). The numbers here are real cases' (the evidence
store's own tests file under fictitious ones, tests/evidence/conftest.py)."""

# ruff: noqa: F811 - fixtures imported from the case tests are used as fixture arguments
from __future__ import annotations

import pytest

from sanxiang.cases.models import Case, evidence_reference
from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.evidence.models import Blob, EvidenceItem
from sanxiang.evidence.services import EvidenceRefused, evidence_register
from tests.cases.conftest import ready_case, staff, statutory_catalogue  # noqa: F401
from tests.evidence.conftest import metadata, upload


def register(staff, officer, case_number: str):
    return evidence_register(
        actor=officer,
        upload=upload(),
        metadata=metadata(staff, case_number=case_number, collector=officer),
    )


def test_case_evidence_is_filed_under_a_case_its_registrant_handles_before_and_after_registration(
    staff,
):
    case = ready_case(staff)
    before = register(staff, staff.zhang, evidence_reference(case))
    assert before.case_number == f"未编号案件-{case.pk}"
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    after = register(staff, staff.li, case.number)
    assert after.case_number == case.number


def test_a_case_number_typed_with_other_brackets_files_under_the_case_as_numbered(staff):
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    typed = case.number.replace("〔", "[").replace("〕", "]")
    assert register(staff, staff.zhang, typed).case_number == case.number


def test_evidence_under_a_number_no_case_has_is_refused_and_nothing_is_stored(staff):
    ready_case(staff)
    items, blobs = EvidenceItem.objects.count(), Blob.objects.count()
    with pytest.raises(EvidenceRefused, match="没有这个案件"):
        register(staff, staff.zhang, "示城执罚〔2026〕404号")
    assert (EvidenceItem.objects.count(), Blob.objects.count()) == (items, blobs)


def test_an_officer_who_does_not_handle_the_case_cannot_file_evidence_under_it(staff):
    case = ready_case(staff)
    # 王强 is an officer of the same agency, 刘志强 its 负责人: neither handles the case.
    for officer in (staff.wang, staff.head):
        with pytest.raises(EvidenceRefused, match="不是本案承办人"):
            register(staff, officer, evidence_reference(case))
    assert not EvidenceItem.objects.filter(case_number=evidence_reference(case)).exists()


def test_a_case_that_has_ended_takes_no_more_evidence(staff):
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    register(staff, staff.zhang, case.number)
    ended = sorted(PROCEDURES[case.procedure].terminal)[0]
    Case.objects.filter(pk=case.pk).update(state=ended)
    with pytest.raises(EvidenceRefused, match="案件已结束"):
        register(staff, staff.zhang, case.number)
