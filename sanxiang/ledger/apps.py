from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanxiang.ledger"
    verbose_name = "全过程记录日志"
