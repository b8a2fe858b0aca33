"""An index of the handlers by officer, then case: an officer's handled cases (the access
rule's "cases he handles", 我的案件, the 工作台's 期限) are read from the index alone, without
visiting the table's rows (PostgreSQL: an index-only scan)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0032_decision_discretion_no_penalty"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX case_handlers_officer_case ON cases_case_handlers (officer_id, case_id)",
            "DROP INDEX case_handlers_officer_case",
        ),
    ]
