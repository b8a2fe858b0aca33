from django.apps import AppConfig


class SimilarConfig(AppConfig):
    name = "sanxiang.similar"
    verbose_name = "同案同罚"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from sanxiang.disclosure.models import Publication
        from sanxiang.similar.index import on_publication_saved

        post_save.connect(on_publication_saved, sender=Publication, dispatch_uid="similar-index")
