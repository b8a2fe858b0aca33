"""On PostgreSQL, the access records (one row per look at a record) become monthly partitions
on ``accessed_at``; every row, index, foreign key and append-only trigger is kept, and the
primary key becomes (id, accessed_at) in the database only. Django's model state is unchanged;
on SQLite this migration does nothing. Reversible: the reverse copies the rows of every attached
partition back into one plain table (a partition detached for archiving stays as it is).
See docs/operations/partitioning.md.
"""

from django.db import migrations

from sanxiang.core.partitions import partition_by_month, unpartition

TABLE = "evidence_accessrecord"


def forward(apps, schema_editor):
    partition_by_month(schema_editor, TABLE, "accessed_at")


def backward(apps, schema_editor):
    unpartition(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
