"""工作台: what the guards of the candidate cases read of each case (parties, handlers,
documents, legal basis, 执行 records) is read for all candidates in one query the first time
a guard asks, and not at all when none does — with the same answers as reading case by case."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases.batch import relations_on_demand
from sanxiang.cases.models import Case
from sanxiang.cases.selectors import candidate_relations
from sanxiang.cases.services import case_open, case_transition
from tests.cases.conftest import new_case, ready_case
from tests.cases.test_execution import DUE, pay, served

pytestmark = pytest.mark.dates


def desk_reads(client, officer) -> tuple[str, Counter[str]]:
    """The desk's 待我办理 section, and how many queries it sent to each table."""
    client.force_login(officer.user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("office:home")).content.decode()
    tables: Counter[str] = Counter()
    for query in captured.captured_queries:
        found = re.search(r'FROM\s+"?(\w+)"?', query["sql"])
        tables[found.group(1) if found else "?"] += 1
    start = page.index('id="waiting-title"')
    return page[start : page.index("<h3", start + 1)], tables


def steps_of(waiting: str, title: str) -> list[str]:
    """The steps the desk's row of the case with ``title`` offers (none: no row)."""
    for row in re.findall(r"<tr>.*?</tr>", waiting, re.S):
        if f" {title}</a>" in row:
            cell = re.search(r'data-label="现在可办理">(.*?)</td>', row, re.S)
            return cell.group(1).split("、") if cell else []
    return []


def test_the_head_is_offered_registration_only_where_a_party_is_recorded(client, staff):
    with_party = [ready_case(staff, title=f"有当事人{i}") for i in range(3)]
    without = case_open(actor=staff.zhang, new=new_case(title="无当事人"))
    waiting, tables = desk_reads(client, staff.head)
    # 立案 needs the party recorded (its guard reads each candidate's parties): offered on
    # every case with one, not on the case without, which may only be declined.
    for case in with_party:
        assert steps_of(waiting, case.title) == ["立案", "不予立案"]
    assert steps_of(waiting, without.title) == ["不予立案"]
    # The parties of all four candidates in one query.
    assert tables["cases_party"] == 1


def test_each_cases_handlers_are_judged_by_their_own_roles_and_certificates(client, staff):
    # Handlers are read once per officer for all candidates: 张伟 handles all three cases, and
    # each case is still judged by its own second handler.
    fine = ready_case(staff, title="李娜承办")
    with_reviewer = ready_case(staff, title="审核人员承办")
    with_reviewer.handlers.add(staff.zhou)
    uncertified = ready_case(staff, title="王强承办")
    uncertified.handlers.remove(staff.li)
    uncertified.handlers.add(staff.wang)
    waiting, tables = desk_reads(client, staff.head)
    assert steps_of(waiting, fine.title) == ["立案", "不予立案"]
    # 法制审核人员不得承办案件; 王强's certificate is for another category (两名执法人员).
    assert steps_of(waiting, with_reviewer.title) == ["不予立案"]
    assert steps_of(waiting, uncertified.title) == ["不予立案"]
    assert tables["org_officer"] == 1


def test_a_handlers_desk_reads_no_legal_basis_nor_parties_no_guard_of_his_asks_for(client, staff):
    cases = [ready_case(staff, title=f"调查中{i}") for i in range(3)]
    for case in cases:
        case_transition(actor=staff.head, case_id=case.pk, action="register")
    waiting, tables = desk_reads(client, staff.zhang)
    for case in cases:
        assert steps_of(waiting, case.title) == ["调查终结"]
    # 调查终结 is the handlers' step: the handlers are read (once for all candidates); the
    # legal basis and the parties, which none of its guards reads, are not read at all.
    assert tables["org_article"] == 0 and tables["cases_party"] == 0
    assert tables["org_officer"] == 1


def cache_of(case: Case) -> dict[str, Any]:
    """Where Django keeps a case's relations read ahead (``documents_of`` reads it so)."""
    cache: dict[str, Any] = case._prefetched_objects_cache  # type: ignore[attr-defined]
    return cache


def read(case: Case) -> tuple[list[int], list[int], list[int]]:
    """A case's parties, handlers and documents as the guards read them."""
    documents = cache_of(case).get("documents")  # as ``documents_of`` asks
    assert documents is not None
    return (
        [p.pk for p in case.parties.all()],
        sorted(o.pk for o in case.handlers.all()),
        [d.pk for d in documents],
    )


def test_relations_read_on_demand_answer_as_reading_case_by_case(staff, django_assert_num_queries):
    for i in range(3):
        ready_case(staff, title=f"案件{i}")
    case_open(actor=staff.zhang, new=new_case(title="无当事人"))
    expected = {
        case.pk: (
            [p.pk for p in case.parties.all()],
            sorted(o.pk for o in case.handlers.all()),
            [d.pk for d in case.documents.order_by("kind", "-version")],
        )
        for case in Case.objects.all()
    }
    assert len(expected) == 4 and any(not parties for parties, _, _ in expected.values())
    cases = list(Case.objects.order_by("pk"))
    relations_on_demand(cases, candidate_relations())
    # Nothing read until asked; asking whether a relation is loaded reads nothing either.
    with django_assert_num_queries(0):
        assert "parties" not in cache_of(cases[0])
        assert cache_of(cases[0]).get("no such relation") is None
    # Each relation: one query for the four cases (the handlers, then their roles,
    # certificates and the certificates' categories in one), then none.
    with django_assert_num_queries(1 + 2 + 1):
        answers = {case.pk: read(case) for case in cases}
    assert answers == expected
    with django_assert_num_queries(0):
        assert [case.parties.exists() for case in cases] == [
            bool(expected[case.pk][0]) for case in cases
        ]
        for case in cases:
            for officer in case.handlers.all():
                list(officer.roles.all())
                list(officer.certificates.all())
    # One officer, one instance with his roles and certificates, whichever case he handles.
    assert len({id(o) for case in cases for o in case.handlers.all() if o == staff.zhang}) == 1


def test_execution_records_are_read_only_of_the_candidates_that_hold_any(client, staff, articles):
    paid = served(staff, ready_case(staff, title="已缴清"), articles)
    pay(staff, paid, "1000", DUE, "非税-2026-0101")
    unpaid = served(staff, ready_case(staff, title="未缴纳"), articles)
    waiting, tables = desk_reads(client, staff.zhang)
    # 执行完毕 once the fine is paid in full (its guard reads the payments); 催告 of the party
    # who has not paid once the time to pay is over (行政强制法第三十五条), not of the one who has.
    assert "执行完毕" in steps_of(waiting, paid.title)
    assert "送达催告书" not in steps_of(waiting, paid.title)
    assert "执行完毕" not in steps_of(waiting, unpaid.title)
    assert "送达催告书" in steps_of(waiting, unpaid.title)
    # Which candidates hold 执行 records, in one query; then the payments of the one that
    # holds any. Neither holds a schedule, 复议/诉讼 or 执行 step: those are not read.
    assert tables["cases_payment"] == 2
    assert tables["cases_paymentschedule"] == tables["cases_remedy"] == 0
    assert tables["cases_executionstep"] == 0


def test_a_relation_known_empty_reads_the_database_when_asked_anew(staff, articles):
    # The candidates holding no payment get theirs loaded empty without a query; what asks the
    # database again (``.filter()``, ``.order_by()``) asks it, as after a prefetch, and finds a
    # payment recorded since (not an empty answer of its own).
    unpaid = served(staff, ready_case(staff, title="未缴纳"), articles)
    cases = list(Case.objects.filter(pk=unpaid.pk))
    relations_on_demand(cases, candidate_relations())
    assert list(cases[0].payments.all()) == []
    recorded = pay(staff, unpaid, "1000", DUE, "非税-2026-0102")
    assert list(cases[0].payments.filter(receipt_number="非税-2026-0102")) == [recorded]
    assert list(cases[0].payments.order_by("pk")) == [recorded]


def test_relations_on_demand_behave_as_djangos_cache_for_what_else_asks_it(staff):
    # Asked whether loaded, popped, listed, pickled, or prefetched again by Django: the same
    # answers as the rows read case by case.
    import pickle

    from django.db.models import prefetch_related_objects

    for i in range(2):
        ready_case(staff, title=f"案件{i}")
    expected = {case.pk: [p.pk for p in case.parties.all()] for case in Case.objects.all()}
    cases = list(Case.objects.order_by("pk"))
    relations_on_demand(cases, candidate_relations())
    cache = cache_of(cases[0])
    assert list(cache) == [] and "parties" not in cache and cache.pop("parties", None) is None
    copied = pickle.loads(pickle.dumps(cases[1]))  # noqa: S301 (our own bytes)
    assert [p.pk for p in copied.parties.all()] == expected[cases[1].pk]
    prefetch_related_objects(cases, "parties")
    assert {case.pk: [p.pk for p in case.parties.all()] for case in cases} == expected
    # A relation dropped (as a related manager's add/remove does) is read again, fresh.
    cache_of(cases[0]).pop("parties")
    assert [p.pk for p in cases[0].parties.all()] == expected[cases[0].pk]
