from __future__ import annotations

# ruff: noqa: F811 - the fixtures imported from the case tests are used as fixture arguments
import pytest

from sanxiang.cases.services import case_transition, document_generate
from sanxiang.review.loading import review_defaults_load
from sanxiang.review.models import RequiredMaterial
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    Staff,
    articles,
    attach_record,
    general_case,
    ready_case,
    staff,
    statutory_catalogue,
)
from tests.conftest import prepare_step


@pytest.fixture
def defaults(staff):
    """The agency's catalogue and materials from data/review/ (all general penalties reviewed)."""
    agency = staff.zhang.unit.agency
    for rule in agency_rules(agency):
        rule.delete()
    review_defaults_load(agency=agency)
    return agency


def agency_rules(agency):
    from sanxiang.review.models import CatalogueRule

    return list(CatalogueRule.objects.filter(agency=agency))


def declared_all(agency) -> set[int]:
    return set(
        RequiredMaterial.objects.filter(agency=agency, source="declared").values_list(
            "pk", flat=True
        )
    )


def registered_with_file(staff, case):
    """立案, with a record in the evidence store and the 立案审批表 made."""
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    attach_record(staff, case)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="registration")
    return case


@pytest.fixture
def notified_case(staff, general_case, defaults):
    """立案, evidence and 立案审批表 on file, investigation ended, party notified."""
    registered_with_file(staff, general_case)
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    # The party stated his case (行政处罚法第四十五条), so review need not wait for the period.
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    return case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
