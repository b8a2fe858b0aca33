# ruff: noqa: F811 - the fixtures imported from the review tests are used as fixture arguments
"""Cases read together (the 工作台's candidates, ``cases.batch``): whether each needs 法制审核 and
its review are read once for all of them — the same answers as one by one, in the same few
queries however many cases there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.cases.batch import read_together
from sanxiang.cases.models import Case
from sanxiang.cases.no_penalty import proposal_of
from sanxiang.review.facts import matched_rules, review_need, review_of
from tests.cases.conftest import ready_case
from tests.review.conftest import defaults, notified_case  # noqa: F401 - fixtures


def answers(cases: list[Case]) -> list[tuple[object, ...]]:
    return [
        (review_need(c), review_of(c), [r.pk for r in matched_rules(c)], proposal_of(c))
        for c in cases
    ]


def fresh(ids: list[int]) -> list[Case]:
    return [Case.objects.get(pk=pk) for pk in ids]


def test_cases_read_together_answer_as_one_by_one_in_the_same_queries_for_one_or_many(
    staff, notified_case
):
    ids = [notified_case.pk, ready_case(staff).pk, ready_case(staff, title="无照经营").pk]
    one_by_one = answers(fresh(ids))
    assert review_need(notified_case).required  # the notice pinned the finding: it must pass review

    together = fresh(ids)
    read_together(together)
    with CaptureQueriesContext(connection) as many:
        assert answers(together) == one_by_one
    alone = fresh(ids[:1])
    read_together(alone)
    with CaptureQueriesContext(connection) as single:
        assert answers(alone) == one_by_one[:1]
    assert len(many) == len(single) <= 4, [q["sql"] for q in many.captured_queries]
