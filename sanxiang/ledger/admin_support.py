"""Admin edits of master data are ledger events too (DESIGN.md rule 1).

Django's admin writes models itself; ``LedgeredAdmin`` appends an event for every object it
creates, changes or deletes (inline rows included), in the admin's own transaction, carrying
the SHA-256 of the object's field values as saved.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models, transaction

from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import actor_for, ledger_append


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def record_digest(obj: models.Model) -> str:
    """SHA-256 of the canonical JSON of ``obj``'s concrete field values."""
    values = {
        field.attname: _plain(getattr(obj, field.attname)) for field in obj._meta.concrete_fields
    }
    return hashlib.sha256(canonical_json(values)).hexdigest()


def object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def _agency_of(obj: models.Model) -> int | None:
    agency = getattr(obj, "ledger_agency_id", None)
    return agency() if callable(agency) else agency


def record_admin_change(request: Any, obj: models.Model, verb: str, object_id: Any = None) -> None:
    ledger_append(
        actor=actor_for(request.user),
        action=f"{object_type(obj)}.{verb}",
        object_type=object_type(obj),
        object_id=str(object_id if object_id is not None else obj.pk),
        agency_id=_agency_of(obj),
        content_sha256=record_digest(obj),
    )


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
