import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "evaluation" / "standard.csv"
SOURCE = (
    "类别取自 issue #16 所列（主体、事实、证据、程序、依据、裁量、文书、送达、归档）；"
    "各项依据见“依据”栏；分值和扣分办法为本平台示范值（data/evaluation/README.md）。"
)


def load(apps, schema_editor):
    """The shipped 评查标准 as version 2026-1 (the file as it is when the migration runs)."""
    Standard = apps.get_model("evaluation", "Standard")
    Item = apps.get_model("evaluation", "StandardItem")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    standard, created = Standard.objects.get_or_create(
        version="2026-1", defaults={"title": "行政处罚案卷评查标准", "source": SOURCE}
    )
    if not created:
        return
    for position, row in enumerate(csv.DictReader(lines), start=1):
        Item.objects.create(
            standard=standard,
            position=position,
            number=row["number"].strip(),
            category=row["category"].strip(),
            description=row["description"].strip(),
            points=Decimal(row["points"].strip()),
            deduction=row["deduction"].strip(),
            basis=row["basis"].strip(),
        )


def unload(apps, schema_editor):
    apps.get_model("evaluation", "Standard").objects.filter(version="2026-1").delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_evaluation")]

    operations = [migrations.RunPython(load, unload)]
