"""法制审核 becomes a sub-process: a case under review is in the one composite state
``under_review``, and what it was in beside it (``review_returned``, ``committee``,
``reviewed``) is now the state of its review (``Review.status``).

The ledger keeps the events recorded before this migration as they were: ``ledger verify``
accepts, for a case in ``under_review``, the digest of its state under the old name its review
stood for (``cases.state.LEGACY_REVIEW_STATES``)."""

from django.db import migrations

# Copied, not imported: a migration keeps the meaning it had when written.
LEGACY = {"review_returned": "returned", "committee": "committee", "reviewed": "passed"}


def merge(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(state__in=sorted(LEGACY)).update(state="under_review")


def split(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Review = apps.get_model("review", "Review")
    back = {status: state for state, status in LEGACY.items()}
    under = Case.objects.filter(state="under_review").values_list("pk", flat=True)
    for case_id, status in Review.objects.filter(case_id__in=list(under)).values_list(
        "case_id", "status"
    ):
        if status in back:
            Case.objects.filter(pk=case_id).update(state=back[status])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_case_step_history"),
        ("review", "0003_review_documents"),
    ]

    operations = [migrations.RunPython(merge, split)]
