"""The 投诉举报处理期限 of data/complaints/deadlines.csv, for the keys that have no row yet."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[3] / "data" / "complaints" / "deadlines.csv"


def load_shipped_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    present = set(DeadlineRule.objects.values_list("category_code", "kind", "stage"))
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    DeadlineRule.objects.bulk_create(
        DeadlineRule(
            category_code=row["category"].strip(),
            kind=row["kind"].strip(),
            stage=row["stage"].strip(),
            days=int(row["days"]),
            unit=row["unit"].strip(),
            basis=row["basis"].strip(),
        )
        for row in rows
        if (row["category"].strip(), row["kind"].strip(), row["stage"].strip()) not in present
    )


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0001_complaints"),
    ]

    operations = [
        migrations.RunPython(load_shipped_rules, migrations.RunPython.noop),
    ]
