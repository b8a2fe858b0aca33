from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sanxiang.notifications"
    verbose_name = "站内通知"

    def ready(self) -> None:
        from sanxiang.cases.workflow import observers as case_observers
        from sanxiang.notifications.triggers import on_case_step, on_review_step
        from sanxiang.review import observers as review_observers

        case_observers.register("notifications", on_case_step)
        review_observers.register("notifications", on_review_step)
