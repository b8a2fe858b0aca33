"""Existing installations take the new scoring of the 指标体系's items.

The table was loaded from data/supervision/indicators.csv when 0003 ran; since then items have
become computed (``auto:<key>``) or attested (``attest``). An item whose scoring in this
installation is still the shipped ``manual`` takes the file's new value; one an administrator
changed in 管理后台 is left as it is. Reversing restores ``manual`` on the items this changed.
"""

import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[3] / "data" / "supervision" / "indicators.csv"


def _scoring() -> dict[int, str]:
    with FILE.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return {int(row["number"]): row["scoring"].strip() for row in csv.DictReader(lines)}


def reload(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    for number, scoring in _scoring().items():
        if scoring != "manual":
            Indicator.objects.filter(number=number, scoring="manual").update(scoring=scoring)


# Computed since 0003 loaded the table (stop 26's file): their scoring is not this migration's.
EARLIER = {36, 37, 41, 57, 68, 86, 87, 108, 114, 145, 146, 147, 150, 164}


def unload(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    for number, scoring in _scoring().items():
        if scoring != "manual" and number not in EARLIER:
            Indicator.objects.filter(number=number, scoring=scoring).update(scoring="manual")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0008_attestations")]

    operations = [migrations.RunPython(reload, unload)]
