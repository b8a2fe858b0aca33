from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    verbose_name = "办案"

    def ready(self) -> None:
        from sanxiang.cases.checks import register_document_checks, register_party_signature_checks

        register_document_checks()
        register_party_signature_checks()

        from sanxiang.cases.signing import register_signature_check

        register_signature_check()

        from sanxiang.cases.evidence_files import register_evidence_files

        register_evidence_files()

        from sanxiang.cases.state import register_case_state

        register_case_state()

        from sanxiang.cases.pdf import document_pdf_ensure
        from sanxiang.core.background import register

        register("cases.document_pdf", document_pdf_ensure)

        from sanxiang.cases.services import payment_deadlines_recompute
        from sanxiang.core.signals import calendar_year_entered

        def recompute(sender, year, actor, **kwargs):  # type: ignore[no-untyped-def]
            payment_deadlines_recompute(year=year, actor=actor)

        calendar_year_entered.connect(recompute, dispatch_uid="cases-payment-deadlines", weak=False)
