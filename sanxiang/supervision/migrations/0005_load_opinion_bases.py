import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "supervision" / "opinion_bases.csv"


def load(apps, schema_editor):
    """The shipped bases of 执法监督意见 (the file as it is when the migration runs)."""
    Basis = apps.get_model("supervision", "OpinionBasis")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        Basis.objects.get_or_create(
            key=row["key"].strip(),
            defaults={
                "kind": row["kind"].strip(),
                "citation": row["citation"].strip(),
                "summary": row["summary"].strip(),
                "answer_workdays": int(row["answer_workdays"] or 0),
                "source": row["source"].strip(),
            },
        )


def unload(apps, schema_editor):
    apps.get_model("supervision", "OpinionBasis").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_opinions")]

    operations = [migrations.RunPython(load, unload)]
