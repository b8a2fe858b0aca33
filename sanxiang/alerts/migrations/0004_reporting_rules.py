import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "alerts" / "rules.csv"
KEYS = ("annual_report_overdue", "report_submission_overdue")


def load(apps, schema_editor):
    """The 预警规则 of 报送 (统计年报逾期未公开, 统计年报或自评逾期未报送; issue #16), from the
    rules file as it is now; an installation that already has them keeps its own."""
    Rule = apps.get_model("alerts", "AlertRule")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        if row["key"].strip() not in KEYS:
            continue
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
    apps.get_model("alerts", "AlertRule").objects.filter(key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_opinion_overdue_rule"), ("supervision", "0007_reporting")]

    operations = [migrations.RunPython(load, unload)]
