import csv
from pathlib import Path

from django.db import migrations
from django.db.models import Max

FILE = Path(__file__).resolve().parents[3] / "data" / "disclosure" / "annual_report.csv"
KEYS = (
    "discretion_no_penalty_within",
    "discretion_no_penalty_outside",
)


def add(apps, schema_editor):
    """The 不予处罚 裁量偏离 figures of the shipped file, for installations whose rows were
    loaded before them (a fresh database has them from 0009 already). The four figures of 0017
    keep their 统计口径 (行政处罚决定 only), so reports published before read as they did."""
    Definition = apps.get_model("disclosure", "AnnualFigureDefinition")
    have = set(Definition.objects.filter(key__in=KEYS).values_list("key", flat=True))
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["key"] in KEYS]
    last = Definition.objects.aggregate(last=Max("position"))["last"] or 0
    Definition.objects.bulk_create(
        Definition(
            key=row["key"].strip(),
            position=last + offset,
            section=row["section"].strip(),
            label=row["label"].strip(),
            unit=row["unit"].strip(),
            definition=row["definition"].strip(),
            source=row["source"].strip(),
        )
        for offset, row in enumerate((r for r in rows if r["key"] not in have), start=1)
    )


def remove(apps, schema_editor):
    apps.get_model("disclosure", "AnnualFigureDefinition").objects.filter(key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0017_discretion_figures"),
    ]

    operations = [migrations.RunPython(add, remove)]
