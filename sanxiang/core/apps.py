from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_partitions(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``, make sure this and the coming months have their partitions."""
    from django.db import connections

    from sanxiang.core import partitions

    connection = connections[using]
    if connection.vendor == "postgresql":
        partitions.ensure(connection)


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="sanxiang-partitions")
