import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "alerts" / "rules.csv"


def load(apps, schema_editor):
    """The shipped 预警规则 (the file as it is when the migration runs)."""
    Rule = apps.get_model("alerts", "AlertRule")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        Rule.objects.get_or_create(
            key=row["key"].strip(),
            defaults={
                "name": row["name"].strip(),
                "threshold": int(row["threshold"] or 0),
                "unit": row["unit"].strip(),
                "audience": row["audience"].strip(),
                "escalate_after": int(row["escalate_after"] or 0),
                "basis": row["basis"].strip(),
            },
        )


def unload(apps, schema_editor):
    apps.get_model("alerts", "AlertRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_alerts")]

    operations = [migrations.RunPython(load, unload)]
