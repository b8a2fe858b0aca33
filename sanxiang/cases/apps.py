from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    verbose_name = "办案"

    def ready(self) -> None:
        from sanxiang.cases.checks import register_document_checks

        register_document_checks()

        from sanxiang.cases.signing import register_signature_check

        register_signature_check()
