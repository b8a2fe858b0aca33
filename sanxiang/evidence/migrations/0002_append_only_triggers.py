"""Evidence rows are written once: corrections, hand-overs and looks are new rows."""

from django.db import migrations

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = (
    "evidence_blob",
    "evidence_evidenceitem",
    "evidence_custodytransfer",
    "evidence_accessrecord",
)


def create(apps, schema_editor):
    create_append_only(schema_editor, TABLES)


def drop(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_evidence"), ("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
