"""Read-only views of the ledger for auditors; nothing here can change a row."""

from django.contrib import admin

from sanxiang.ledger.models import (
    Checkpoint,
    Cosignature,
    LedgerEntry,
    LedgerLog,
    SigningKey,
    TreeHead,
    WatchedLog,
    Witness,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "sequence",
        "log",
        "index",
        "recorded_at",
        "actor",
        "agency_id",
        "action",
        "object_type",
        "object_id",
    )
    list_select_related = ("log",)
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor", "content_sha256")


@admin.register(TreeHead)
class TreeHeadAdmin(ReadOnlyAdmin):
    list_display = ("log", "size", "root", "signed_at", "key")
    list_select_related = ("log", "key")


@admin.register(LedgerLog)
class LedgerLogAdmin(ReadOnlyAdmin):
    list_display = ("key", "agency_id", "created_at")


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "algorithm", "created_at")


# Witnesses are configured with `sanxiang ledger witness add|watch` (each an event); shown here.
@admin.register(Witness)
class WitnessAdmin(ReadOnlyAdmin):
    list_display = ("name", "url", "enabled")


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    list_display = ("witness", "log", "size", "root", "received_at")


@admin.register(WatchedLog)
class WatchedLogAdmin(ReadOnlyAdmin):
    list_display = ("name", "key_id", "algorithm", "created_at")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("log", "log_name", "size", "root", "cosigned_at")
