import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[3] / "data" / "disclosure"


def _rows(name):
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_shipped_periods(apps, schema_editor):
    """The 公示期限 and 公示调整期限 of the shipped files, for the kinds and causes that have no
    row yet (rows an administrator entered to override the files stay as they are). Until now
    the code read the file where no row existed; from here on it reads the rows only."""
    for model, column, name in (
        ("PublicationPeriod", "kind", "periods.csv"),
        ("RepublicationPeriod", "cause", "republication.csv"),
    ):
        Model = apps.get_model("disclosure", model)
        present = set(Model.objects.values_list(column, flat=True))
        Model.objects.bulk_create(
            Model(
                **{column: row[column].strip()},
                working_days=int(row["working_days"]),
                basis=row["basis"].strip(),
            )
            for row in _rows(name)
            if row[column].strip() not in present
        )


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0010_credit_rules'),
    ]

    operations = [
        migrations.RunPython(load_shipped_periods, migrations.RunPython.noop),
    ]
