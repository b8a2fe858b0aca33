"""Every table a migration made append-only still refuses UPDATE and DELETE after all later
migrations ran — on SQLite, altering a column rebuilds the table and drops its triggers, so a
later migration that forgets to create them again would silently make records editable."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection

import sanxiang

pytestmark = pytest.mark.django_db


def append_only_tables() -> set[str]:
    """The tables passed to ``create_append_only`` (or its fill-once form) in any migration."""
    tables: set[str] = set()
    root = Path(sanxiang.__file__).parent
    for path in sorted(root.glob("*/migrations/0*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(root.parent).with_suffix("").parts)
        )
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ("create_append_only", "create_append_only_fill_once"):
                continue
            # The argument as written (a tuple, a constant of the migration, a sum of them).
            code = compile(ast.Expression(node.args[1]), str(path), "eval")
            value = eval(code, vars(module))  # noqa: S307 - our own migration source
            tables.update([value] if isinstance(value, str) else value)
    return tables


def test_every_append_only_table_keeps_its_triggers_after_all_migrations():
    tables = append_only_tables()
    assert {"cases_casedocument", "cases_steptaken"} <= tables
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {(t, n) for t, n in cursor.fetchall()}
            missing = [
                t for t in sorted(tables)
                if (t, f"{t}_no_update") not in triggers or (t, f"{t}_no_delete") not in triggers
            ]  # fmt: skip
        else:
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            )
            triggers = {(t, n) for t, n in cursor.fetchall()}
            missing = [t for t in sorted(tables) if (t, f"{t}_append_only") not in triggers]
    assert missing == []
