"""SQL for append-only tables, used by the migrations of every app that keeps such tables."""

from __future__ import annotations

from typing import Any

_FUNCTION = (
    "CREATE OR REPLACE FUNCTION sanxiang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
)


def create_append_only(schema_editor: Any, tables: tuple[str, ...]) -> None:
    """Refuse UPDATE and DELETE on ``tables`` (and TRUNCATE on PostgreSQL)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in tables:
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )
    elif vendor == "postgresql":
        schema_editor.execute(_FUNCTION, params=None)  # the % signs are PL/pgSQL's
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sanxiang_append_only()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_append_only()"
            )
    else:
        raise RuntimeError(f"no append-only triggers for database {vendor!r}")


def drop_append_only(schema_editor: Any, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def create_append_only_fill_once(schema_editor: Any, table: str, column: str) -> None:
    """Like ``create_append_only``, except that ``column`` may be filled once: an UPDATE is let
    through only when it sets ``column`` from '' to a value and leaves every other column as it
    was (e.g. a document version's PDF digest, made after the version was recorded). Deleting,
    changing anything else, or changing the value once set, is refused as before.

    The columns are read from the table as it is when the migration runs.
    """
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        others = [
            c.name
            for c in connection.introspection.get_table_description(cursor, table)
            if c.name != column
        ]
    vendor = connection.vendor
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in others)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"WHEN NOT (OLD.\"{column}\" = '' AND NEW.\"{column}\" <> '' AND {same}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"
        )
    elif vendor == "postgresql":
        same = " AND ".join(f'NEW."{c}" IS NOT DISTINCT FROM OLD."{c}"' for c in others)
        schema_editor.execute(_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {table}_fill_once() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'UPDATE' AND OLD.\"{column}\" = '' AND NEW.\"{column}\" <> '' "
            f"AND {same} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
            params=None,
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_fill_once()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_append_only()"
        )
    else:
        raise RuntimeError(f"no append-only triggers for database {vendor!r}")
