"""Make the ledger tables append-only in the database itself.

UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused by triggers, whatever client runs
them. Someone with the rights to drop a trigger can still change rows; ``sanxiang ledger
verify`` finds that from the hashes and signed tree heads.
"""

from django.db import migrations

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = ("ledger_ledgerentry", "ledger_ledgernode", "ledger_signingkey", "ledger_treehead")


def create(apps, schema_editor):
    create_append_only(schema_editor, TABLES)


def drop(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_log")]
    operations = [migrations.RunPython(create, drop)]
