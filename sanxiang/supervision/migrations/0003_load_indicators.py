import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "supervision" / "indicators.csv"


def load(apps, schema_editor):
    """The shipped 指标体系 (the file as it is when the migration runs)."""
    Indicator = apps.get_model("supervision", "Indicator")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        Indicator.objects.get_or_create(
            number=int(row["number"]),
            defaults={
                "primary": row["primary"].strip(),
                "secondary": row["secondary"].strip(),
                "requirement": row["requirement"].strip(),
                "text": row["text"].strip(),
                "points": Decimal(row["points"]),
                "scoring": row["scoring"].strip(),
            },
        )


def unload(apps, schema_editor):
    apps.get_model("supervision", "Indicator").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_indicator_scorecard")]

    operations = [migrations.RunPython(load, unload)]
