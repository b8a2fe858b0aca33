"""On PostgreSQL, the case page openings (one row per look at a case page) become monthly
partitions on ``accessed_at``, like evidence's access records: every row, index, foreign key and
append-only trigger is kept; the primary key becomes (id, accessed_at) in the database only.
Django's model state is unchanged; on SQLite this does nothing. Reversible (the reverse copies
the rows of every attached partition back into one plain table).
See docs/operations/partitioning.md.
"""

from django.db import migrations

from sanxiang.core.partitions import partition_by_month, unpartition

TABLE = "cases_caseaccess"


def forward(apps, schema_editor):
    partition_by_month(schema_editor, TABLE, "accessed_at")


def backward(apps, schema_editor):
    unpartition(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("cases", "0033_handlers_by_officer_index")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
