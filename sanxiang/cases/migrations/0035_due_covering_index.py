"""An index of the open cases' due dates carrying their state and key: the 工作台's 期限 counts of
a 承办人's cases (overdue, due within 3 working days) and the navigation's overdue count read
the cases from the index alone, joined to his handler rows, instead of a table page per case
(PostgreSQL: an index-only scan; SQLite ignores the included columns). A plain CREATE INDEX:
on a large installation, a maintenance window (writes to cases wait while it is built)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0034_partition_case_access"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("step_due_on__isnull", False)),
                fields=["step_due_on"],
                include=("state", "id"),
                name="case_due_covering",
            ),
        ),
    ]
