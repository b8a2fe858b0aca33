"""What a review writes is written once: opinions, answers, minutes and findings are new rows."""

from django.db import migrations

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = (
    "review_round",
    "review_opinion",
    "review_opinionpoint",
    "review_answer",
    "review_committeemeeting",
    "review_meetingparticipant",
    "review_determination",
)


def create(apps, schema_editor):
    create_append_only(schema_editor, TABLES)


def drop(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_review"), ("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
