"""Log-in backend: an officer taken off duty (在岗 unticked) can no longer log in or stay in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist


class ActiveOfficerBackend(ModelBackend):
    """Django's password backend, refusing accounts whose officer record is not 在岗.

    ``user_can_authenticate`` is consulted both at log-in and on every request (``get_user``),
    so deactivating an officer ends his open sessions at their next request. Accounts without
    an officer record (e.g. the first administrator) are judged by ``User.is_active`` alone.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        try:
            officer = user.officer
        except ObjectDoesNotExist:
            return True
        return bool(officer.is_active)

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        user = model._default_manager.select_related("officer").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
