"""A related list loaded by other means than ``prefetch_related``, left as it would leave it.

Where rows are read by a hand-written query (several relations in one, or a "has none" known
from another query), ``instance.<relation>.all()``, ``.exists()`` and ``.count()`` should then
answer from them without a query, and what asks the database again (``.filter()``, ``.last()``)
should ask as after the prefetch.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet


def fill_prefetched(
    instance: Model, relation: str, rows: list[Any], queryset: QuerySet[Any] | None = None
) -> None:
    """``instance.<relation>`` loaded with ``rows``, as prefetching it with ``queryset`` (the
    relation's own queryset when None) fills its cache: a later query of the relation reads
    ``queryset``'s rows of ``instance``, in its order."""
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    manager: Any = getattr(instance, relation)
    if queryset is None:
        cache.pop(relation, None)  # else the manager answers with the cached queryset
        loaded = manager.get_queryset()
    else:
        loaded = manager._apply_rel_filters(queryset)
    loaded._result_cache = rows
    loaded._prefetch_done = True
    cache[relation] = loaded
