"""The ``sanxiang`` command: django-admin with Sanxiang's settings.

Commands that read or write Sanxiang's tables first check that the database has them: on a
database that ``sanxiang migrate`` has not set up (or not brought up to this version) they print
one line saying so, in Chinese and English, and exit with status 2 instead of a traceback.
"""

from __future__ import annotations

import os
import sys

# Commands that work without Sanxiang's tables (they create or inspect the schema, or need no
# database at all); every other command needs a migrated database.
WITHOUT_SCHEMA = frozenset({
    "check", "collectstatic", "compilemessages", "createcachetable", "dbshell", "diffsettings",
    "findstatic", "help", "inspectdb", "makemessages", "makemigrations", "migrate",
    "optimizemigration", "redact", "sendtestemail", "shell", "showmigrations", "sqlflush",
    "sqlmigrate", "sqlsequencereset", "squashmigrations", "startapp", "startproject", "test",
    "testserver", "version",
})  # fmt: skip
# Sub-commands that need no database either: checking an archive package works offline.
WITHOUT_SCHEMA_ACTIONS = frozenset({("archive", "verify")})
HELP_FLAGS = frozenset({"-h", "--help", "--version"})

NOT_INITIALISED = (
    "数据库尚未初始化：请先运行 sanxiang migrate / "
    "database not initialised: run `sanxiang migrate` first"
)


def schema_problem() -> str | None:
    """Why the database cannot serve this version of Sanxiang yet, or None when it can.

    Needs Django set up. Reads only: the migration table and the migration files.
    """
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        if not executor.recorder.has_table():
            return NOT_INITIALISED
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            f"无法连接数据库，请检查 DATABASE_URL 与数据库服务 / "
            f"cannot reach the database (check DATABASE_URL and the server): {reason}"
        )
    finally:
        # The command opens its own; `sanxiang serve` must not fork workers holding this one.
        connection.close()
    if not plan:
        return None
    if not executor.loader.applied_migrations:
        return NOT_INITIALISED
    return (
        f"数据库结构落后于本版本：有 {len(plan)} 个迁移尚未应用，请先运行 sanxiang migrate / "
        f"database schema is behind this version ({len(plan)} unapplied migrations): "
        "run `sanxiang migrate` first"
    )


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``sanxiang workdays add 2025-09-30 3``."""
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    from django.core.management import execute_from_command_line

    if args and args[0] == "restore":
        # Builds an installation that does not exist yet: no settings, no database.
        from sanxiang.backup.restore import main as restore_main

        raise SystemExit(restore_main(args[1:]))
    if args and args[0] == "cluster":
        # Starts the installation's servers first: no settings, no database yet.
        from sanxiang.cluster.site import main as cluster_main

        raise SystemExit(cluster_main(args[1:]))
    offline = tuple(args[:2]) in WITHOUT_SCHEMA_ACTIONS
    if args and args[0] not in WITHOUT_SCHEMA and not offline and not HELP_FLAGS.intersection(args):
        import django
        from django.core.management import get_commands

        django.setup()
        # Unknown names are left to Django, which suggests the closest command.
        problem = schema_problem() if args[0] in get_commands() else None
        if problem:
            sys.stderr.write(problem + "\n")
            raise SystemExit(2)
    execute_from_command_line(["sanxiang", *args])


if __name__ == "__main__":
    main()
