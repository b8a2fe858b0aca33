from django.apps import AppConfig


class ActsConfig(AppConfig):
    name = "sanxiang.acts"
    verbose_name = "行政许可及其他行政行为"
