import logging
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

logger = logging.getLogger("sanxiang.core.partitions")


def _ensure_partitions(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``, make sure this and the coming months have their partitions. A
    failure is logged, not raised: the migration itself succeeded, and rows without a
    partition still land in DEFAULT (``sanxiang partitions ensure`` says more)."""
    from django.db import DatabaseError, connections, transaction

    from sanxiang.core import partitions

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=using):
            results = partitions.ensure(connection)
    except DatabaseError as error:
        logger.warning("partitions not ensured after migrate: %s", error)
        return
    for result in results:
        for month, rows in result.blocked:
            logger.warning(
                "%s: %s rows of %s wait in the DEFAULT partition; month not created",
                result.table,
                rows,
                f"{month:%Y-%m}",
            )


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="sanxiang-partitions")
