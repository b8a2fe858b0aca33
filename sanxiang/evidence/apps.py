from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "sanxiang.evidence"
    verbose_name = "证据与音像记录"

    def ready(self) -> None:
        from django.conf import settings

        from sanxiang.core.work import register
        from sanxiang.evidence.resumable import (
            FINISH_WORK,
            upload_finish_work,
            uploads_expire_periodic,
        )
        from sanxiang.evidence.storage import register_evidence_checks

        register_evidence_checks()
        # A complete resumable upload copied into an object store (minutes for 4 GB).
        register(FINISH_WORK, upload_finish_work)
        # Abandoned uploads (GBs of personal data) go where the job queue runs; with the
        # thread queue an operator's cron runs ``sanxiang evidence_uploads_expire``.
        register(
            "evidence.uploads_expire",
            uploads_expire_periodic,
            cron=settings.SANXIANG_RESUMABLE_EXPIRE_CRON,
        )
