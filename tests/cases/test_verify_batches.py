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


def _signatures_problems_and_queries() -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        report = verify_ledger()
    reads = sum('"cases_approvalsignature"' in q["sql"] for q in queries.captured_queries)
    return report.problems, reads


def test_verify_reads_a_batch_of_signatures_in_one_query_and_still_finds_an_altered_one(
    staff, general_case
):
    from sanxiang.cases.models import ApprovalSignature, CaseRules
    from sanxiang.cases.services import case_transition
    from sanxiang.cases.signing import approval_text
    from tests.cases.test_signatures import new_key, sign
    from tests.ledger.conftest import lift_triggers

    CaseRules.objects.create(agency=staff.head.unit.agency, approvals_signed=True)
    private = new_key(staff.head)
    for action in ("register", "withdraw"):
        general_case.refresh_from_db()
        case_transition(
            actor=staff.head,
            case_id=general_case.pk,
            action=action,
            signed=sign(private, approval_text(general_case, action, staff.head)),
        )
    _, second = ApprovalSignature.objects.order_by("pk")
    problems, reads = _signatures_problems_and_queries()
    assert problems == [] and reads == 1  # two signatures' events, one query
    lift_triggers(("cases_approvalsignature",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_approvalsignature SET text = %s WHERE id = %s",
            [second.text + " ", second.pk],
        )
    problems, reads = _signatures_problems_and_queries()
    assert reads == 1
    assert (
        [p for p in problems if "approval signature" in p]
        == [p for p in problems if f"approval signature {second.pk} " in p]
        != []
    )
