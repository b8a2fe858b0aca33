from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "sanxiang.supervision"
    verbose_name = "执法监督"

    def ready(self) -> None:
        # The computed items of 公示 and 全过程记录 register themselves in ``scorers.SCORERS``.
        from sanxiang.cases.page_notes import page_note_provider_install
        from sanxiang.supervision import scorers_publicity  # noqa: F401
        from sanxiang.supervision.opinions.notes import open_opinion_fact_install, opinion_notes

        page_note_provider_install(opinion_notes)
        open_opinion_fact_install()

        from sanxiang.alerts.rules import evaluator_register
        from sanxiang.supervision.opinions.alerting import opinion_overdue

        evaluator_register("opinion_overdue", opinion_overdue)

        from sanxiang.supervision.reporting_alerting import (
            annual_report_overdue,
            report_submission_overdue,
        )

        evaluator_register("annual_report_overdue", annual_report_overdue)
        evaluator_register("report_submission_overdue", report_submission_overdue)

        from sanxiang.supervision.scorecard_jobs import register_scorecard_jobs

        register_scorecard_jobs()

        from sanxiang.core.background import register
        from sanxiang.supervision.opinions.documents import opinion_pdf_ensure

        register("supervision.opinion_pdf", opinion_pdf_ensure)
