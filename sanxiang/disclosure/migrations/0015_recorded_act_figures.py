"""The 统计年报 counts the 行政许可 and other acts recorded in ``acts``: the 行政许可 row, which
said 未记录, now counts (its text is updated unless an administrator edited it), and the rows
by type are added after it, for installations whose rows were loaded before them."""

import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "disclosure" / "annual_report.csv"
KEYS = (
    "permits_refused",
    "permits_ended",
    "acts_expropriation",
    "acts_confirmation",
    "acts_benefit",
    "acts_adjudication",
    "acts_other",
)
OLD_PERMIT_DEFINITION = "本系统不办理行政许可，无此项数据（显示“未记录”，不作为零）"


def add(apps, schema_editor):
    Definition = apps.get_model("disclosure", "AnnualFigureDefinition")
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["key"]: row for row in csv.DictReader(handle)}
    permit = Definition.objects.filter(key="acts_permit").first()
    if permit is not None and permit.definition == OLD_PERMIT_DEFINITION:
        shipped = rows["acts_permit"]
        permit.label = shipped["label"].strip()
        permit.definition = shipped["definition"].strip()
        permit.source = shipped["source"].strip()
        permit.save(update_fields=["label", "definition", "source"])
    position = permit.position if permit is not None else 4
    have = set(Definition.objects.filter(key__in=KEYS).values_list("key", flat=True))
    if len(have) == len(KEYS):
        return
    # Make room after the 行政许可 row, keeping the order of the rest.
    for row in Definition.objects.filter(position__gt=position).order_by("-position"):
        row.position += len(KEYS)
        row.save(update_fields=["position"])
    Definition.objects.bulk_create(
        Definition(
            key=key,
            position=position + offset,
            section=rows[key]["section"].strip(),
            label=rows[key]["label"].strip(),
            unit=rows[key]["unit"].strip(),
            definition=rows[key]["definition"].strip(),
            source=rows[key]["source"].strip(),
        )
        for offset, key in enumerate(KEYS, start=1)
        if key not in have
    )


def remove(apps, schema_editor):
    apps.get_model("disclosure", "AnnualFigureDefinition").objects.filter(key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0014_publication_of_recorded_acts"),
        ("acts", "0002_append_only_and_fields"),
    ]

    operations = [migrations.RunPython(add, remove)]
