from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "sanxiang.archive"
    verbose_name = "电子案卷归档"

    def ready(self) -> None:
        from sanxiang.archive.services import archive_seal
        from sanxiang.cases.workflow.effects import install_archiver

        def seal(case, actor):  # type: ignore[no-untyped-def]
            archive_seal(case=case, actor=actor)

        # The 归档 steps declare ``SealArchive``; the engine calls this to apply it.
        install_archiver(seal)

        from sanxiang.archive.checks import register_archive_checks

        register_archive_checks()
