"""A document version's PDF is made after the version is recorded (``cases.pdf``): its digest
may be filled once. The version stays append-only otherwise.

On SQLite, altering a column rebuilds the table and drops its triggers (here, and already when
``0022`` added a column with a default): they are created again, in their fill-once form.
"""

from django.db import migrations, models

from sanxiang.ledger.triggers import (
    create_append_only,
    create_append_only_fill_once,
    drop_append_only,
)

TABLE = "cases_casedocument"


def forwards(apps, schema_editor):
    drop_append_only(schema_editor, (TABLE,))
    create_append_only_fill_once(schema_editor, TABLE, "pdf_sha256")


def backwards(apps, schema_editor):
    drop_append_only(schema_editor, (TABLE,))
    create_append_only(schema_editor, (TABLE,))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_recording_matters"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casedocument",
            name="pdf_sha256",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]
