from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "sanxiang.alerts"
    verbose_name = "执法监督预警"

    def ready(self) -> None:
        from sanxiang.alerts.services import observe_case_steps

        observe_case_steps()
