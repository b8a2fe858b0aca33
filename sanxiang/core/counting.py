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
    the first one's database. A sliced queryset counts at most its slice's rows, as its
    ``count()`` would; for the others their ordering and related joins are left out."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for number, queryset in enumerate(querysets):
        if not queryset.query.is_sliced:
            queryset = queryset.select_related(None).order_by().values("pk")
        try:
            sql, part_params = queryset.query.sql_with_params()
        except EmptyResultSet:  # ``none()``, or a filter no row can match
            parts.append("0")
            continue
        # Django's own SQL of the queryset; every value is in ``params``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{number})")  # noqa: S608
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(value) for value in row]
