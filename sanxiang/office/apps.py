from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "sanxiang.office"
    verbose_name = "办公"
