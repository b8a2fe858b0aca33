import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "alerts" / "rules.csv"
KEY = "opinion_overdue"


def load(apps, schema_editor):
    """The 预警规则 监督意见逾期未答复 (issue #16), from the rules file as it is now; an
    installation that already has it (loaded by 0002 from a newer file) keeps its own."""
    Rule = apps.get_model("alerts", "AlertRule")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        if row["key"].strip() != KEY:
            continue
        Rule.objects.get_or_create(
            key=KEY,
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
    apps.get_model("alerts", "AlertRule").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_load_rules"), ("supervision", "0004_opinions")]

    operations = [migrations.RunPython(load, unload)]
