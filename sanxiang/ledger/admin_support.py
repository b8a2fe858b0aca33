"""Admin edits of master data are ledger events too (DESIGN.md rule 1).

Django's admin writes models itself; ``LedgeredAdmin`` appends an event for every object it
creates, changes or deletes (inline rows included), in the admin's own transaction, carrying
the SHA-256 of the object's field values as saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction

from sanxiang.ledger.events import AdminVerb, admin_change_recorded, record_digest

__all__ = ["LedgeredAdmin", "object_type", "record_admin_change", "record_digest"]


def object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def record_admin_change(request: Any, obj: models.Model, verb: str, object_id: Any = None) -> None:
    admin_change_recorded(request, obj, AdminVerb(verb), object_id)


class LedgeredAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every write appends a ledger event."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_admin_change(request, obj, "changed" if change else "created")

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        record_admin_change(request, obj, "deleted", pk)

    def delete_queryset(self, request, queryset):
        # The "delete selected" action runs outside a transaction: make deletion and events one.
        with transaction.atomic():
            doomed = [(obj, obj.pk) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, pk in doomed:
                record_admin_change(request, obj, "deleted", pk)

    def save_formset(self, request, form, formset, change):
        # Deleting an object clears its pk; remember the ids of the rows about to go.
        doomed = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record_admin_change(request, obj, "created")
        for obj, _ in formset.changed_objects:
            record_admin_change(request, obj, "changed")
        for obj in formset.deleted_objects:
            record_admin_change(request, obj, "deleted", doomed.get(id(obj)))
