from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "sanxiang.ops"
    verbose_name = "运行监控"

    def ready(self) -> None:
        # Registers the cluster checks. Nothing here may import prometheus_client: its
        # multiprocess mode is chosen when it is first imported (sanxiang serve sets it up).
        from sanxiang.ops import checks  # noqa: F401
