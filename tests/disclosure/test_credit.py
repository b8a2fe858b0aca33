"""公示截止期: how long a penalty stays on the credit websites, by 失信程度 and by the rule in
force on the decision date (发改办财金〔2019〕527号, 发改委令第58号, 发改委令第36号)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from sanxiang.cases.services import case_transition
from sanxiang.disclosure.credit import add_months, credit_term, severity_for
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.services import PublicationRefused, publication_credit_set
from sanxiang.ledger.models import LedgerEntry
from tests.disclosure.test_publications import decided

pytestmark = pytest.mark.django_db


def test_month_arithmetic_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 5, 10), 12) == date(2027, 5, 10)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_the_rule_in_force_on_the_decision_date_decides_the_period():
    # 2019 通知: 严重 at most 3 years, 一般 1 year.
    assert credit_term(date(2022, 6, 1), "serious").until == date(2025, 6, 1)
    assert credit_term(date(2022, 6, 1), "general").until == date(2023, 6, 1)
    # 36号令 from 1 April 2026: 轻微 is not published on credit sites at all.
    assert credit_term(date(2026, 3, 31), "minor").until == date(2027, 3, 31)
    minor = credit_term(date(2026, 4, 1), "minor")
    assert minor.until is None and "不予公示" in minor.basis
    assert credit_term(date(2026, 4, 1), "serious").until == date(2029, 4, 1)


def test_the_most_serious_penalty_kind_decides_the_default():
    assert severity_for(["warning"]) == "minor"
    assert severity_for(["warning", "fine"]) == "general"
    assert severity_for(["fine", "revoke_licence"]) == "serious"
    assert severity_for([]) == "general"


def test_a_fine_is_on_credit_sites_for_a_year_and_exported_with_its_end_date(
    staff, general_case, articles
):
    publication = decided(staff, general_case, articles)
    assert publication.credit_severity == "general"
    assert publication.credit_until == date(2027, 9, 30)
    out = io.StringIO()
    Publication.objects.filter(pk=publication.pk).update(status="published")
    call_command("export", "publications", "--format", "json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["公示截止期"] == "2027-09-30"


def test_an_on_the_spot_warning_is_not_put_on_credit_sites(staff, on_spot_case):
    case = on_spot_case("person", None, warning_only=True)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    publication = Publication.objects.get(case=case)
    assert publication.credit_severity == "minor"
    assert publication.credit_until is None


def test_a_reviewer_changes_the_class_with_reasons_and_it_is_recorded(
    staff, general_case, articles
):
    publication = decided(staff, general_case, articles)
    with pytest.raises(PublicationRefused, match="由负责人或法制审核人员办理"):
        publication_credit_set(
            actor=staff.zhang, publication_id=publication.pk, severity="serious", reason="数额巨大"
        )
    with pytest.raises(PublicationRefused, match="理由"):
        publication_credit_set(
            actor=staff.zhou, publication_id=publication.pk, severity="serious", reason=" "
        )
    publication_credit_set(
        actor=staff.zhou, publication_id=publication.pk, severity="serious", reason="罚款数额巨大"
    )
    publication.refresh_from_db()
    assert publication.credit_severity == "serious"
    assert publication.credit_until == date(2029, 9, 30)
    assert LedgerEntry.objects.filter(action="disclosure.publication.credit_set").count() == 1


def test_the_class_is_exported_and_a_change_is_pushed_to_platforms(staff, general_case, articles):
    from sanxiang.disclosure.models import Delivery, PushTarget
    from sanxiang.disclosure.services import publication_confirm, publication_draft

    PushTarget.objects.create(name="省平台", url="http://127.0.0.1:9/receive")
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    publication_credit_set(
        actor=staff.zhou, publication_id=publication.pk, severity="serious", reason="罚款数额巨大"
    )
    update = Delivery.objects.get(event="update")
    record = json.loads(update.payload)["record"]
    assert (record["失信程度"], record["公示截止期"]) == ("严重失信", "2029-09-30")
    out = io.StringIO()
    call_command("export", "publications", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())[0]["失信程度"] == "严重失信"
