from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sanxiang.portal"
    verbose_name = "执法公示网站"
