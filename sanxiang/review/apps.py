from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    verbose_name = "法制审核"

    def ready(self) -> None:
        from sanxiang.cases.gate import install
        from sanxiang.review.content import register_review_checks, register_review_states
        from sanxiang.review.gate import CatalogueGate
        from sanxiang.review.workflow import register_review_procedure

        install(CatalogueGate())
        register_review_checks()
        register_review_states()
        register_review_procedure()
