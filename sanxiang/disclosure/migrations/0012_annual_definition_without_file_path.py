from django.db import migrations

OLD = "在公示期限（data/disclosure/periods.csv）内公示的"
NEW = (
    "在规定的公示期限内公示的（行政许可、行政处罚决定自作出之日起7个工作日内，"
    "其他执法决定按本机关规定的期限）"
)


def reword(apps, schema_editor):
    """The 按时公示 figure's 统计口径 named a file of the program (shown on the annual report,
    page and PDF); say what the period is instead. A row an administrator reworded stays."""
    Definition = apps.get_model("disclosure", "AnnualFigureDefinition")
    Definition.objects.filter(key="publications_on_time", definition=OLD).update(definition=NEW)


def unreword(apps, schema_editor):
    Definition = apps.get_model("disclosure", "AnnualFigureDefinition")
    Definition.objects.filter(key="publications_on_time", definition=NEW).update(definition=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0011_load_publication_periods"),
    ]

    operations = [migrations.RunPython(reword, unreword)]
