from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "sanxiang.disclosure"
    verbose_name = "执法公示"

    def ready(self) -> None:
        from sanxiang.cases.workflow import observers
        from sanxiang.disclosure.services import publication_open, publication_withdrawal_due

        def open_publication(case, actor, action):  # type: ignore[no-untyped-def]
            publication_open(case, actor, action)

        def withdrawal_due(case, actor, action):  # type: ignore[no-untyped-def]
            publication_withdrawal_due(case, actor, action)

        observers.register("disclosure", open_publication)
        observers.register("disclosure_withdrawal", withdrawal_due)

        from sanxiang.disclosure import signals

        signals.connect()

        from sanxiang.disclosure.listings import register_listing_check

        register_listing_check()
