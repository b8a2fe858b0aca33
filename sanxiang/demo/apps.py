from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sanxiang.demo"
    verbose_name = "演示数据"
