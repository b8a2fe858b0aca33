"""One Merkle log per agency (and one for the installation's own events), split from the one
global log.

Every existing entry keeps its bytes (a leaf is what was hashed and signed) and its
``sequence``; it is placed in its agency's log (``agency`` of the leaf; none: the installation
log) at the next position, in sequence order, and each log's subtree hashes are recomputed from
its leaves. The global log's subtree hashes are removed. Tree heads signed before cannot be
re-signed here (the private key is not the database's): they stay as they are, with no log, as
the legacy archive; ``sanxiang ledger verify`` checks each against the global tree recomputed
from the version 1 leaves in sequence order. New heads are signed per log from the first
append (or ``sanxiang ledger sign``).

The triggers that make the ledger tables append-only are lifted for this migration only and
created again over every ledger table, the new ``ledger_ledgerlog`` included.
"""

import django.db.models.deletion
from django.db import migrations, models

from sanxiang.ledger.triggers import create_append_only, drop_append_only

TABLES = (
    "ledger_ledgerentry",
    "ledger_ledgernode",
    "ledger_signingkey",
    "ledger_treehead",
    "ledger_cosignature",
    "ledger_checkpoint",
)
NEW_TABLES = ("ledger_ledgerlog",)
SEQUENCE = "ledger_entry_sequence"


def lift_triggers(apps, schema_editor):
    drop_append_only(schema_editor, TABLES + NEW_TABLES)


def create_triggers(apps, schema_editor):
    drop_append_only(schema_editor, TABLES + NEW_TABLES)  # SQLite rebuilds dropped some
    create_append_only(schema_editor, TABLES + NEW_TABLES)


def restore_old_triggers(apps, schema_editor):
    drop_append_only(schema_editor, TABLES)
    create_append_only(schema_editor, TABLES)


def split_global_log(apps, schema_editor):
    """Place every entry in its agency's log, in sequence order; recompute each log's nodes.

    Memory stays O(number of logs × log n): one frontier per log, rows read and written in
    chunks.
    """
    import hashlib

    from django.utils import timezone

    entries = apps.get_model("ledger", "LedgerEntry")
    nodes = apps.get_model("ledger", "LedgerNode")
    logs = apps.get_model("ledger", "LedgerLog")
    alias = schema_editor.connection.alias
    nodes.objects.using(alias).all().delete()  # the global tree's; recomputed per log below
    by_key: dict[str, object] = {}
    sizes: dict[str, int] = {}
    frontiers: dict[str, list[bytes]] = {}
    pending = []

    def flush() -> None:
        nodes.objects.using(alias).bulk_create(pending, batch_size=1000)
        pending.clear()

    rows = (
        entries.objects.using(alias)
        .order_by("sequence")
        .values_list("sequence", "agency_id", "leaf")
        .iterator(2000)
    )
    for sequence, agency_id, leaf in rows:
        key = "installation" if agency_id is None else f"agency:{agency_id}"
        log = by_key.get(key)
        if log is None:
            log = logs.objects.using(alias).create(
                key=key, agency_id=agency_id, created_at=timezone.now()
            )
            by_key[key], sizes[key], frontiers[key] = log, 0, []
        index = sizes[key]
        sizes[key] = index + 1
        entries.objects.using(alias).filter(sequence=sequence).update(log=log, index=index)
        # RFC 9162: leaf hash 0x00 ‖ leaf, node hash 0x01 ‖ left ‖ right (as merkle.py).
        value = hashlib.sha256(b"\x00" + leaf.encode("utf-8")).digest()
        level, position, stack = 0, index, frontiers[key]
        pending.append(nodes(log=log, level=0, index=index, hash=value))
        while position & 1:
            value = hashlib.sha256(b"\x01" + stack.pop() + value).digest()
            level, position = level + 1, position >> 1
            pending.append(nodes(log=log, level=level, index=position, hash=value))
        stack.append(value)
        if len(pending) >= 5000:
            flush()
    flush()
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: PostgreSQL refuses the ALTER TABLEs that follow
        # while trigger events are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def create_sequence(apps, schema_editor):
    """PostgreSQL hands out entry ids from a sequence (no lock shared between logs)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint MINVALUE 0 START 0")
    schema_editor.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE(MAX(sequence) + 1, 0), false) "
        "FROM ledger_ledgerentry"
    )


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


def refuse_reverse(apps, schema_editor):
    entries = apps.get_model("ledger", "LedgerEntry")
    if entries.objects.using(schema_editor.connection.alias).exists():
        raise RuntimeError("per-agency logs cannot be merged back into one global log")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_witnesses")]

    operations = [
        migrations.RunPython(lift_triggers, restore_old_triggers),
        migrations.CreateModel(
            name="LedgerLog",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("key", models.CharField(max_length=32, unique=True, verbose_name="日志标识")),
                (
                    "agency_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="执法主体"),
                ),
                ("created_at", models.DateTimeField(verbose_name="创建时间")),
            ],
            options={
                "verbose_name": "记录日志",
                "verbose_name_plural": "记录日志",
                "ordering": ["key"],
            },
        ),
        migrations.RemoveConstraint(model_name="ledgernode", name="ledger_node_unique_position"),
        migrations.AddField(
            model_name="ledgerentry",
            name="log",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="ledger.ledgerlog",
                verbose_name="日志",
                db_index=False,
            ),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="index",
            field=models.BigIntegerField(null=True, verbose_name="日志内位置"),
        ),
        migrations.AddField(
            model_name="ledgernode",
            name="log",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nodes",
                to="ledger.ledgerlog",
                db_index=False,
            ),
        ),
        migrations.AddField(
            model_name="treehead",
            name="log",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tree_heads",
                to="ledger.ledgerlog",
            ),
        ),
        migrations.AddField(
            model_name="cosignature",
            name="log",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cosignatures",
                to="ledger.ledgerlog",
            ),
        ),
        migrations.AddField(
            model_name="checkpoint",
            name="log_name",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="日志名"),
        ),
        migrations.RemoveIndex(model_name="checkpoint", name="checkpoint_by_log"),
        migrations.AddIndex(
            model_name="checkpoint",
            index=models.Index(fields=["log", "log_name", "size"], name="checkpoint_by_log_name"),
        ),
        migrations.RunPython(split_global_log, refuse_reverse),
        migrations.AlterField(
            model_name="ledgerentry",
            name="log",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="ledger.ledgerlog",
                verbose_name="日志",
                db_index=False,
            ),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="index",
            field=models.BigIntegerField(verbose_name="日志内位置"),
        ),
        migrations.AlterField(
            model_name="ledgernode",
            name="log",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nodes",
                to="ledger.ledgerlog",
                db_index=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                fields=("log", "index"), name="ledger_entry_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgernode",
            constraint=models.UniqueConstraint(
                fields=("log", "level", "index"), name="ledger_node_unique_position"
            ),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
        migrations.RunPython(create_triggers, lift_triggers),
    ]
