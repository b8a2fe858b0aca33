"""``ledger verify`` reads the rows that make up cases' states per chunk, not per case."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import ready_case


def _party_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        verify_ledger()
    return sum('"cases_party"' in q["sql"] for q in queries.captured_queries)


def test_verify_reads_the_parties_of_many_cases_in_one_query(staff):
    ready_case(staff)
    before = _party_queries()
    for _ in range(4):
        ready_case(staff)
    assert _party_queries() == before


def test_a_case_read_with_prefetched_relations_has_the_digest_its_events_record(staff):
    from sanxiang.ledger.state import state_recipe_for

    case = ready_case(staff)
    recipe = state_recipe_for("cases.case")
    assert recipe is not None

    def prefetched() -> str:
        rows = recipe.rows().prefetch_related(*recipe.related)
        return recipe.digest(rows.get(pk=case.pk))

    recorded = recipe.digest_of(str(case.pk))  # what ledger_append puts in the leaf
    assert prefetched() == recorded
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_party SET address = '别处' WHERE case_id = %s", [case.pk])
    assert prefetched() == recipe.digest_of(str(case.pk)) != recorded
