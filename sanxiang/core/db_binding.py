"""A query with more values than PostgreSQL can bind still runs with prepared statements on.

With prepared statements on (``SANXIANG_DB_PREPARED_STATEMENTS``, the default on PostgreSQL) the
values of a query are sent apart from its text (server-side binding), and PostgreSQL's protocol
takes at most 65,535 of them per query.
Django 5.2 does not split for that limit, so ``filter(pk__in=ids)`` with 70,000 ids (a year's
statistics, an export, a batch over many cases) would fail with "number of parameters must be
between 0 and 65535" where it runs with the setting off. Such a query is sent here as Django
sends every query with the setting off: its values quoted into its text by psycopg's client
side (``ClientCursor.mogrify``, the same quoting), and is not prepared; so is the ``DECLARE`` of a
named cursor (``QuerySet.iterator()``). Nothing else changes.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

#: The most values PostgreSQL's extended protocol binds to one query (a 16-bit count).
MAX_BOUND_VALUES = 65_535

_cursor_classes: tuple[type, type] | None = None


def _many_values_cursors() -> tuple[type, type]:
    """The connection's cursor and its named (server-side, ``.iterator()``) cursor, each
    falling back to client-side quoting past the limit."""
    global _cursor_classes
    if _cursor_classes is None:
        import psycopg

        # Defined only when psycopg 3 is installed, so the stubs do not know them.
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            CursorMixin,
            ServerBindingCursor,
        )

        def quoted(cursor: Any, query: Any, params: Any) -> Any:
            return psycopg.ClientCursor(cursor.connection).mogrify(query, params)

        class ManyValuesCursor(ServerBindingCursor):  # type: ignore[misc]
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                if params is not None and len(params) > MAX_BOUND_VALUES:
                    query, params = quoted(self, query, params), None
                    kwargs["prepare"] = False  # a text of its own each time: never worth it
                return super().execute(query, params, **kwargs)

        class ManyValuesServerCursor(CursorMixin, psycopg.ServerCursor):  # type: ignore[misc]
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                if params is not None and len(params) > MAX_BOUND_VALUES:
                    query, params = quoted(self, query, params), None
                return super().execute(query, params, **kwargs)

        _cursor_classes = (ManyValuesCursor, ManyValuesServerCursor)
    return _cursor_classes


def use_many_values_cursor(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created``: a server-binding PostgreSQL connection gets the cursors above."""
    features: Any = connection.features  # PostgreSQL's own, where vendor says so
    if connection.vendor == "postgresql" and features.uses_server_side_binding:
        cursor, server_cursor = _many_values_cursors()
        connection.connection.cursor_factory = cursor
        connection.connection.server_cursor_factory = server_cursor
