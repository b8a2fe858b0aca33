from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "sanxiang.complaints"
    verbose_name = "投诉举报"
