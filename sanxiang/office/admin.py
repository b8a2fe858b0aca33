"""Staff accounts in the admin are master data too: their edits are ledger events."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from sanxiang.ledger.admin_support import LedgeredAdmin

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class LedgeredUserAdmin(LedgeredAdmin, UserAdmin):
    """Django's user screens, with every create, change and delete recorded."""
