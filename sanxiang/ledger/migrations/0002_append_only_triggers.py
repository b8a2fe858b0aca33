"""Make the ledger tables append-only in the database itself.

UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused by triggers, whatever client runs
them. Someone with the rights to drop a trigger can still change rows; ``sanxiang ledger
verify`` finds that from the hashes and signed tree heads.
"""

from django.db import migrations

TABLES = ("ledger_ledgerentry", "ledger_ledgernode", "ledger_signingkey", "ledger_treehead")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION sanxiang_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
            params=None,  # the % signs are PL/pgSQL's, not query parameters
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sanxiang_ledger_refuse()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_ledger_refuse()"
            )
    else:
        raise RuntimeError(f"no append-only triggers for database {vendor!r}")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS sanxiang_ledger_refuse()")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_log")]
    operations = [migrations.RunPython(create, drop)]
