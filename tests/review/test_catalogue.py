"""The review catalogue as data: each default rule has a case that meets it and one that doesn't."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from sanxiang.cases.gate import review_gate
from sanxiang.cases.models import Case, Procedure
from sanxiang.cases.services import case_transition
from sanxiang.review.catalogue import CaseFacts, rule_matches
from sanxiang.review.loading import DATA, review_defaults_load
from sanxiang.review.models import CatalogueRule, RequiredMaterial
from tests.cases.conftest import attach_hearing_recording, ready_case
from tests.conftest import prepare_step

ROWS = list(csv.DictReader((DATA / "catalogue.csv").open(encoding="utf-8")))


def only(agency, position: int) -> CatalogueRule:
    CatalogueRule.objects.filter(agency=agency).exclude(position=position).update(is_active=False)
    return CatalogueRule.objects.get(agency=agency, position=position)


def heard(staff, case):
    """Take a case through a real hearing (行政处罚法第六十四条), in 2026's calendar."""
    Case.objects.filter(pk=case.pk).update(hearing_right=True)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                              (staff.zhang, "notify")):  # fmt: skip
            prepare_step(actor, case.pk, action)
            case_transition(actor=actor, case_id=case.pk, action=action)
    with time_machine.travel(date(2026, 5, 22), tick=False):
        case_transition(actor=staff.zhang, case_id=case.pk, action="request_hearing")
        case_transition(actor=staff.zhang, case_id=case.pk, action="notice_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        attach_hearing_recording(staff, case)
        case_transition(actor=staff.head, case_id=case.pk, action="hold_hearing")


def meeting(rule: dict[str, str], staff, *, meets: bool):
    """A case that meets the rule's conditions, or misses exactly one of them."""
    procedure = rule["procedure"] or Procedure.PENALTY_GENERAL
    if not meets and rule["procedure"]:
        procedure = (
            Procedure.PENALTY_GENERAL
            if rule["procedure"] == Procedure.COERCIVE_MEASURE
            else Procedure.COERCIVE_MEASURE
        )
    case = ready_case(staff, procedure=procedure)
    changes: dict[str, object] = {}
    if rule["penalty_kind"]:
        changes["penalty_kinds"] = [rule["penalty_kind"]] if meets else ["warning"]
    if rule["case_flag"]:
        changes["review_flags"] = (
            [rule["case_flag"]] if meets or rule["hearing_held"] == "yes" else []
        )
    if changes:
        Case.objects.filter(pk=case.pk).update(**changes)
    if rule["hearing_held"] == "yes" and meets:
        heard(staff, case)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("row", ROWS, ids=[r["position"] for r in ROWS])
def test_each_default_rule_catches_its_cases_and_only_those(row, staff, defaults):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.get_or_create(agency=defaults, kind="coercive", prefix="测城强措")
    rule = only(defaults, int(row["position"]))
    assert rule.basis == row["basis"]
    need = review_gate().need(meeting(row, staff, meets=True))
    assert need.required and f"第{rule.position}项 {rule.title}" in need.reason
    assert not review_gate().need(meeting(row, staff, meets=False)).required


def test_conditions_of_a_rule_all_have_to_hold():
    rule = CatalogueRule(
        procedure="penalty_general", min_amount_yuan=Decimal("100000"), penalty_kind="fine"
    )
    facts = CaseFacts("penalty_general", 1, Decimal("100000"), frozenset({"fine"}), False,
                      frozenset())  # fmt: skip
    assert rule_matches(rule, facts)
    assert not rule_matches(rule, CaseFacts("penalty_general", 1, Decimal("99999.99"),
                                            frozenset({"fine"}), False, frozenset()))  # fmt: skip
    assert not rule_matches(rule, CaseFacts("penalty_general", 1, None, frozenset({"fine"}),
                                            False, frozenset()))  # fmt: skip
    assert not rule_matches(rule, CaseFacts("coercive_measure", 1, Decimal("200000"),
                                            frozenset({"fine"}), False, frozenset()))  # fmt: skip


def test_loading_again_keeps_what_the_administrator_changed(staff, defaults):
    rule = CatalogueRule.objects.get(agency=defaults, position=2)
    rule.is_active = False
    rule.save()
    RequiredMaterial.objects.filter(agency=defaults, position=3).delete()
    assert review_defaults_load(agency=defaults) == (0, 1)
    assert not CatalogueRule.objects.get(agency=defaults, position=2).is_active


def test_the_catalogue_is_published_on_the_portal(client, staff, defaults):
    page = client.get("/gongshi/review-catalogue/").content.decode()
    assert defaults.name in page
    assert "法定简易程序以外的行政处罚" in page
    assert "行政处罚法第五十八条第一款第三项" in page
