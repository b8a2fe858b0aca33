from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DisclosureConfig(AppConfig):
    name = "sanxiang.disclosure"
    verbose_name = "执法公示"

    def ready(self) -> None:
        from sanxiang.cases.workflow import observers
        from sanxiang.cases.workflow.effects import install_publisher
        from sanxiang.disclosure.services import publication_open, publication_withdrawal_due

        def open_publication(case, actor, effect):  # type: ignore[no-untyped-def]
            publication_open(case, actor, effect)

        def withdrawal_due(case, actor, action):  # type: ignore[no-untyped-def]
            publication_withdrawal_due(case, actor, action)

        # The decision steps declare ``OpenPublication``; the engine calls this to apply it.
        install_publisher(open_publication)

        from sanxiang.acts import publishing
        from sanxiang.disclosure.services import publication_open_for_act

        # A recorded 行政许可 or other act opens its publication the same way (acts/publishing.py).
        publishing.install_publisher(publication_open_for_act)
        observers.register("disclosure_withdrawal", withdrawal_due)

        from sanxiang.disclosure import signals

        signals.connect()

        from sanxiang.disclosure.listings import register_listing_check

        register_listing_check()

        from sanxiang.disclosure.state import register_publication_state

        register_publication_state()

        from sanxiang.disclosure.report_jobs import register_report_jobs

        register_report_jobs()
        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(using: str = "default", plan=None, **kwargs):  # type: ignore[no-untyped-def]
    """Re-create the SQLite search triggers if a later migration rebuilt the table (search.py)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from sanxiang.disclosure.search import ensure_index

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if not any(app == "disclosure" and "search_index" in name for app, name in applied):
        return
    ensure_index(connection)
