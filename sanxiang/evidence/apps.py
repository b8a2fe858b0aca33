from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "sanxiang.evidence"
    verbose_name = "证据与音像记录"

    def ready(self) -> None:
        from sanxiang.evidence.storage import register_evidence_checks

        register_evidence_checks()
