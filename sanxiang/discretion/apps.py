from django.apps import AppConfig


class DiscretionConfig(AppConfig):
    name = "sanxiang.discretion"
    verbose_name = "行政处罚裁量基准"
