"""Recorded acts are never edited (a permit's standing may be filled once, by its 撤销 or 注销),
and the fields of the other kinds of act are loaded from data/acts/fields.csv."""

import csv
from pathlib import Path

from django.db import migrations

from sanxiang.ledger.triggers import (
    create_append_only,
    create_append_only_fill_once,
    drop_append_only,
)

FIELDS = Path(__file__).resolve().parents[3] / "data" / "acts" / "fields.csv"


def create(apps, schema_editor):
    create_append_only(schema_editor, ("acts_otheract",))
    create_append_only_fill_once(schema_editor, "acts_permit", "standing")


def drop(apps, schema_editor):
    drop_append_only(schema_editor, ("acts_otheract", "acts_permit"))


def load_fields(apps, schema_editor):
    ActField = apps.get_model("acts", "ActField")
    present = set(ActField.objects.values_list("kind", "key"))
    with FIELDS.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ActField.objects.bulk_create(
        ActField(
            kind=row["kind"].strip(),
            key=row["key"].strip(),
            position=int(row["position"]),
            label=row["label"].strip(),
            required=row["required"].strip() == "1",
            max_length=int(row["max_length"]),
            public=row["public"].strip() == "1",
            basis=row["basis"].strip(),
        )
        for row in rows
        if (row["kind"].strip(), row["key"].strip()) not in present
    )


class Migration(migrations.Migration):
    dependencies = [("acts", "0001_permits_and_other_acts"), ("ledger", "0002_append_only_triggers")]
    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(load_fields, migrations.RunPython.noop),
    ]
