"""Several counts in one query: each as the list's own ``count()`` would say."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.db.models.sql import Query
from django.test.utils import CaptureQueriesContext

from sanxiang.core.counting import counts_together
from sanxiang.org.models import Officer, Role


def test_each_count_is_its_lists_count_and_all_are_one_query(staff):
    users = get_user_model().objects.all()
    lists = [
        Officer.objects.select_related("unit").order_by("name"),  # joins and order left out
        Officer.objects.filter(roles__role=Role.OFFICER),
        users.order_by("pk")[:2],  # at most its slice
        users.none(),
        users.filter(pk__in=[]),  # matches nothing: Django sends no SQL for it
        users.filter(username="no-such-user"),
    ]
    expected = [queryset.count() for queryset in lists]
    assert expected[0] > expected[1] > 2 and expected[2] == 2  # the lists differ
    with CaptureQueriesContext(connection) as captured:
        assert counts_together(*lists) == expected
    assert len(captured.captured_queries) == 1
    assert counts_together() == []


def test_values_distinct_union_and_grouped_lists_count_as_their_count_says(staff):
    officers = Officer.objects.all()
    users = get_user_model().objects.order_by()
    lists = [
        officers.values("unit").distinct(),  # fewer rows than officers
        officers.values_list("unit", flat=True).order_by("unit").distinct(),
        # (parts without an ORDER BY, which SQLite refuses in a compound statement)
        users.filter(username__startswith="z").union(users.filter(is_staff=False)),
        officers.values("unit").annotate(n=Count("pk")),  # one row a unit
        officers.distinct().order_by("name"),
    ]
    expected = [queryset.count() for queryset in lists]
    assert expected[0] < officers.count()  # the lists differ from a plain count
    assert expected[3] == expected[0]
    with CaptureQueriesContext(connection) as captured:
        assert counts_together(*lists) == expected
    assert len(captured.captured_queries) == 1


def test_the_counts_are_compiled_for_the_querysets_database(staff):
    # A queryset of another database is compiled for that one, not for "default".
    compiled_for: list[object] = []
    real = Query.get_compiler

    def spy(query, using=None, *args, **kwargs):
        compiled_for.append(using)
        return real(query, "default", *args, **kwargs)

    elsewhere = Officer.objects.using("elsewhere").all()
    expected = [Officer.objects.count()]
    with (
        mock.patch.object(Query, "get_compiler", spy),
        mock.patch("sanxiang.core.counting.connections", {"elsewhere": connection}),
    ):
        assert counts_together(elsewhere) == expected
    assert compiled_for == ["elsewhere"]
