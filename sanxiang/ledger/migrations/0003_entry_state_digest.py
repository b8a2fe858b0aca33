"""Events carry the digest of their object's state (``sanxiang.ledger.state``).

SQLite adds the column by rebuilding the table, which drops its triggers: they are created
again, so the log stays append-only in the database itself.
"""

from django.db import migrations, models

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = ("ledger_ledgerentry",)


def recreate(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)
    create_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="state_sha256",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="状态 SHA-256"
            ),
        ),
        migrations.RunPython(recreate, recreate),
    ]
