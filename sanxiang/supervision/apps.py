from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "sanxiang.supervision"
    verbose_name = "执法监督"

    def ready(self) -> None:
        from sanxiang.cases.page_notes import page_note_provider_install
        from sanxiang.supervision.opinions.notes import opinion_notes

        page_note_provider_install(opinion_notes)

        from sanxiang.alerts.rules import evaluator_register
        from sanxiang.supervision.opinions.alerting import opinion_overdue

        evaluator_register("opinion_overdue", opinion_overdue)

        from sanxiang.supervision.scorecard_jobs import register_scorecard_jobs

        register_scorecard_jobs()
