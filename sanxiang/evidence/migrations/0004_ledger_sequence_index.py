"""Index the ledger sequence of access records and custody transfers (``ledger verify`` looks
each view or transfer event's row up by it). ``AddIndex`` only creates the index: altering the
field instead would make SQLite rebuild the tables and drop their append-only triggers."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_partition_access_records"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accessrecord",
            index=models.Index(fields=["ledger_sequence"], name="evidence_access_ledger_seq"),
        ),
        migrations.AddIndex(
            model_name="custodytransfer",
            index=models.Index(fields=["ledger_sequence"], name="evidence_custody_ledger_seq"),
        ),
    ]
