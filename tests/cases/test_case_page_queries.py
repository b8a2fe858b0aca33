"""The case page answers in a fixed number of queries, however many parties, handlers,
documents, payments and logged events the case has: officers notice it as speed, and a case
grows all of these over its life."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases.models import Case, CaseDocument, Party, Payment
from sanxiang.cases.services import case_transition
from sanxiang.ledger.services import ledger_append
from tests.cases.conftest import ready_case
from tests.cases.test_execution import served
from tests.conftest import credit_code, make_officer

# Before issue #12 the page ran 28 queries for a new case, 43 once registered and 59 once
# served; since then 26 to 30, the 执行 records and guards reading rows loaded once, plus 4 for
# recording who opened the page (CaseAccess) and asking whether he may audit it. #13 added 2:
# the case's evidence list, and the 指定承办人 picker reading each colleague's roles and
# certificates with their categories to say who may not handle the case and why. The second
# round of #13 took 11 away: the page's single facts (查询码, signing rule, 暂定 mark, signing
# key, whether extensions and signatures exist) read as subqueries of the case's own query, the
# timeline's names joined to its entries, the calendar read only when a date is counted, and
# the handlers taken from the picker's officers. #16 added 1: the open 执法监督意见 for the
# page's notice. The desk speed work took 2: the access record's INSERT without BEGIN and
# COMMIT around it. Its cache round took 1: the officer's row read with the log-in's user.
# Stop 31 took 11 from a served case with a payment: the 执行 records, party signatures and
# open 执法监督意见 it has none of skipped (the case's fetch says so), both article lists read in
# one query; the viewer's roles, certificates and categories read with the log-in's user (3
# fewer), the handlers' in one query (2 fewer), the calendar's two tables in one.
CEILING = 15


def page_queries(client, case: Case) -> list[str]:
    """The SQL of one GET of the case page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def grow(staff, case: Case, django_user_model, *, parties: int, handlers: int) -> None:
    """More of everything the page lists: parties, certified handlers, document versions,
    payments and ledger events on the case."""
    Party.objects.bulk_create(
        Party(
            case=case,
            kind="organisation",
            name=f"某公司{i}",
            identifier=credit_code(i),
            address="测试市",
        )
        for i in range(parties)
    )
    for i in range(handlers):
        user = django_user_model.objects.create_user(f"extra{i}", password="correct horse battery")
        case.handlers.add(
            make_officer(
                unit=staff.zhang.unit, user=user, name=f"执法员{i}", number=f"9901009{i:04d}"
            )
        )
    for kind in ("decision", "advance_notice", "service_proof"):
        start = CaseDocument.objects.filter(case=case, kind=kind).count()
        CaseDocument.objects.bulk_create(
            CaseDocument(
                case=case, kind=kind, version=start + v, docx_sha256="0" * 64, pdf_sha256="0" * 64,
                verification_code=secrets.token_hex(6), created_by=staff.zhang,
            )
            for v in range(1, 4)
        )  # fmt: skip
    for day in (21, 22):
        Payment.objects.create(
            case=case, amount_yuan=Decimal("10"), paid_on=date(2026, 5, day), channel="bank",
            receipt_number=f"R{day}", recorded_by=staff.zhang,
        )  # fmt: skip
    for _ in range(10):
        ledger_append(
            actor=f"user:{staff.li.user_id}", action="cases.case.party_viewed",
            object_type="cases.case", object_id=case.pk, agency_id=case.agency_id,
        )  # fmt: skip


def test_the_case_page_of_a_new_case_stays_under_the_ceiling(client, staff):
    case = ready_case(staff)
    client.force_login(staff.zhang.user)
    new = page_queries(client, case)
    assert len(new) <= CEILING, "\n".join(new)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    registered = page_queries(client, case)
    assert len(registered) <= CEILING, "\n".join(registered)


@pytest.mark.dates
def test_the_case_page_costs_the_same_with_one_party_or_ten(
    client, staff, general_case, articles, django_user_model
):
    case = served(staff, general_case, articles)
    # One payment already (a case with none skips reading them: the page's fetch says so).
    Payment.objects.create(
        case=case, amount_yuan=Decimal("10"), paid_on=date(2026, 5, 20), channel="bank",
        receipt_number="R20", recorded_by=staff.zhang,
    )  # fmt: skip
    client.force_login(staff.zhang.user)
    client.get(reverse("cases:detail", args=[case.pk]))  # warm per-process caches
    before = page_queries(client, case)
    grow(staff, case, django_user_model, parties=9, handlers=3)
    after = page_queries(client, case)
    assert len(after) == len(before), "\n".join(after)
    assert len(after) <= CEILING, "\n".join(after)


def test_the_article_selects_write_the_same_html_as_djangos(db, articles):
    from django import forms

    from sanxiang.cases.forms import BasisForm

    def html(widget_class, **data):
        form = BasisForm(**data)
        for name in ("violated", "penalty"):
            form.fields[name].widget.__class__ = widget_class
        return str(form.as_p())

    for data in (
        {"initial": {"violated": [articles[14]], "penalty": [articles[36]]}},
        {"data": {"violated": [str(articles[14].pk), "x"], "penalty": []}},
    ):
        fast = html(type(BasisForm().fields["violated"].widget), **data)
        assert fast == html(forms.SelectMultiple, **data)
        assert " selected" in fast
