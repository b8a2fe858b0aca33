"""Log-in backend: an officer taken off duty (在岗 unticked) can no longer log in or stay in."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from sanxiang.core.http import client_address
from sanxiang.org.officer_rows import login_user


def address_failures(address: str | None) -> int:
    """Failed log-ins from one client address, over all names, within the cool-off."""
    if address is None:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )["failures"]
    return int(total or 0)


def address_locked_out(request: HttpRequest | None) -> bool:
    """Whether the request's client address has failed ``LOGIN_ADDRESS_FAILURE_LIMIT`` times
    (over any names) within the cool-off. django-axes locks one name on one address; this
    stops one address from trying many names."""
    if request is None:
        return False
    return address_failures(client_address(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class ActiveOfficerBackend(ModelBackend):
    """Django's password backend, refusing accounts whose officer record is not 在岗.

    ``user_can_authenticate`` is consulted both at log-in and on every request (``get_user``),
    so deactivating an officer ends his open sessions at their next request. Accounts without
    an officer record (e.g. the first administrator) are judged by ``User.is_active`` alone.
    An address past the per-address limit gets no log-in on any form (office, admin, the
    signing-key confirmation).
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if address_locked_out(request):
            raise PermissionDenied("too many failed log-ins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        try:
            officer = user.officer
        except ObjectDoesNotExist:
            return True
        return bool(officer.is_active)

    def get_user(self, user_id: Any) -> Any:
        # The officer with his unit, agency, roles and certificates: what
        # ``officer_for_request`` needs, read here in one query rather than again by every
        # office view. Read on every request: a deactivated account is refused at its next.
        try:
            user = login_user(int(user_id))
        except (TypeError, ValueError, OverflowError):  # SQLite: no integer that large
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
