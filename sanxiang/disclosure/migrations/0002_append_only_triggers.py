"""A confirmed public text is written once: corrections are new versions."""

from django.db import migrations

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = ("disclosure_publicationversion",)


def create(apps, schema_editor):
    create_append_only(schema_editor, TABLES)


def drop(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_publications"), ("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
