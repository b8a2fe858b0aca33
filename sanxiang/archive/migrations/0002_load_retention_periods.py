"""The 保管期限 of data/archive/retention.csv, for the procedures that have no row yet."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[3] / "data" / "archive" / "retention.csv"


def load_shipped_retention(apps, schema_editor):
    RetentionPeriod = apps.get_model("archive", "RetentionPeriod")
    present = set(RetentionPeriod.objects.values_list("procedure", flat=True))
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    RetentionPeriod.objects.bulk_create(
        RetentionPeriod(
            procedure=row["procedure"].strip(),
            retention=row["retention"].strip(),
            basis=row["basis"].strip(),
        )
        for row in rows
        if row["procedure"].strip() not in present
    )


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0001_case_archive"),
    ]

    operations = [
        migrations.RunPython(load_shipped_retention, migrations.RunPython.noop),
    ]
