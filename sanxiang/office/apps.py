from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "sanxiang.office"
    verbose_name = "办公"

    def ready(self) -> None:
        from sanxiang.office.admin_labels import name_axes_in_chinese

        name_axes_in_chinese()
