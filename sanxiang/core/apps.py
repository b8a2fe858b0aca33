import logging
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

logger = logging.getLogger("sanxiang.core.partitions")


def _ensure_partitions(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``, make sure this and the coming months have their partitions. A
    failure is logged, not raised: the migration itself succeeded, and rows without a
    partition still land in DEFAULT (``sanxiang partitions ensure`` says more)."""
    from django.db import DatabaseError

    from sanxiang.core import partitions

    try:
        partitions.ensure_and_log(using)
    except DatabaseError as error:
        logger.warning("partitions not ensured after migrate: %s", error)


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.backends.signals import connection_created

        from sanxiang.core.db_binding import use_many_values_cursor
        from sanxiang.core.partitions import ensure_periodic
        from sanxiang.core.work import register

        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="sanxiang-partitions")
        connection_created.connect(use_many_values_cursor, dispatch_uid="sanxiang-many-values")
        # ``sanxiang partitions ensure`` on a schedule where the job queue runs, so that the
        # coming months exist without an operator's cron (docs/operations/partitioning.md).
        register("core.partitions", ensure_periodic, cron=settings.SANXIANG_PARTITIONS_CRON)
