from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "sanxiang.disclosure"
    verbose_name = "执法公示"

    def ready(self) -> None:
        from sanxiang.cases.workflow import observers
        from sanxiang.disclosure.services import publication_open

        def open_publication(case, actor, action):  # type: ignore[no-untyped-def]
            publication_open(case, actor, action)

        observers.register("disclosure", open_publication)

        from sanxiang.disclosure import signals

        signals.connect()

        from sanxiang.disclosure.listings import register_listing_check

        register_listing_check()
