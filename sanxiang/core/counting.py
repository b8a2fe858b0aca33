"""Several row counts read in one query.

A page that shows how many rows each of several lists holds (the 工作台, the navigation's
badge) would otherwise send one ``COUNT`` query per list; each costs a round trip and building
its SQL. ``counts_together`` asks them all as scalar subqueries of one ``SELECT``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def counts_together(*querysets: QuerySet[Any]) -> list[int]:
    """How many rows each of ``querysets`` holds (as its ``count()`` says), in one query on
    the first one's database (each compiled for that database). A plain queryset is counted
    without its ordering and related joins; one whose rows are not simply the model's rows (a
    slice, ``union()`` and the like, ``values()``, ``distinct()``, an aggregate's grouping) is
    counted over its own SQL as a subquery, as ``count()`` does."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    db = querysets[0].db
    for number, queryset in enumerate(querysets):
        query = queryset.query
        plain = not (
            query.is_sliced
            or query.combinator
            or query.values_select
            or query.distinct
            or query.group_by is not None
        )
        if plain:
            query = queryset.select_related(None).order_by().values("pk").query
        else:
            # As ``count()`` does (``Query.get_aggregation``): its own SQL as a subquery, less
            # an ordering that does not limit the rows (a ``distinct()`` would select its
            # columns too, and count more rows).
            query = query.clone()
            query.clear_ordering(force=False)
            query.select_related = False
        try:
            sql, part_params = query.get_compiler(using=db).as_sql()
        except EmptyResultSet:  # ``none()``, or a filter no row can match
            parts.append("0")
            continue
        # Django's own SQL of the queryset; every value is in ``params``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{number})")  # noqa: S608
        params.extend(part_params)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(value) for value in row]
