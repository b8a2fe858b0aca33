"""React to edits of master data that published lists are built from (事前公开 kept current).

org sits below disclosure and must not call it, so disclosure listens to org's model signals;
the handlers run inside the edit's own transaction, so a change is noted exactly when the edit
is saved (DESIGN.md: a lower app refers to a higher one only by reacting to events).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from sanxiang.disclosure import listings
from sanxiang.org.models import Agency, Article, EnforcementItem, Law, RandomCheckItem


def _agency_id(instance: Any) -> int | None:
    agency = getattr(instance, "ledger_agency_id", None)
    return int(agency) if agency is not None else None


def master_data_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    agency_id = _agency_id(instance)
    if agency_id is not None:
        listings.note_duty_change(agency_id, listings.AFFECTS[sender])


def basis_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or kwargs.get("reverse"):
        return
    master_data_changed(type(instance), instance)


def law_saved(sender: type, instance: Law, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if created:
        # A new version of a law replaces the older versions from the day it takes effect.
        older_versions = Law.objects.filter(
            title=instance.title, effective_on__lt=instance.effective_on
        )
        for older in older_versions:
            listings.note_law_change(older, occurred_on=instance.effective_on)
    listings.note_law_change(instance)


def article_saved(sender: type, instance: Article, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw") or created:
        return
    listings.note_law_change(
        instance.law,
        occurred_on=timezone.localdate(),
        what=f"所引用的《{instance.law.title}》{instance.label}条文已修改",
    )


def connect() -> None:
    for model in listings.AFFECTS:
        post_save.connect(master_data_changed, sender=model, dispatch_uid=f"listing-{model}")
        post_delete.connect(master_data_changed, sender=model, dispatch_uid=f"listing-d-{model}")
    for through in (
        EnforcementItem.basis_articles.through,
        RandomCheckItem.basis_articles.through,
        Agency.authority_articles.through,
    ):
        m2m_changed.connect(basis_changed, sender=through, dispatch_uid=f"listing-m2m-{through}")
    post_save.connect(law_saved, sender=Law, dispatch_uid="listing-law")
    post_save.connect(article_saved, sender=Article, dispatch_uid="listing-article")
