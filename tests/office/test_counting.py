"""Several counts in one query: each as the list's own ``count()`` would say."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
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
