"""Keep a staff session alive while it is used, without writing it on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REFRESH_SECONDS = 60


class SessionActivityMiddleware:
    """Renew the session's expiry at most once a minute.

    With ``SESSION_SAVE_EVERY_REQUEST`` every page view would be a database write; marking the
    session modified once a minute keeps the idle timeout (to the minute) and spares the rest.
    Must sit after ``SessionMiddleware`` so the session is saved on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_seen", 0)) >= REFRESH_SECONDS:
                session["_seen"] = now
        return response


class PasswordChangeRequiredMiddleware:
    """After an administrator's reset, the office shows only the password form until the
    officer has set his own (``Officer.password_must_change``). Log-out stays open; the admin
    and the public pages are not affected, the office is. Must sit after
    ``AuthenticationMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.core.exceptions import ObjectDoesNotExist
        from django.shortcuts import redirect
        from django.urls import reverse

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path.startswith("/office/"):
            try:
                must_change = bool(user.officer.password_must_change)
            except ObjectDoesNotExist:
                must_change = False
            allowed = {reverse("office:password"), reverse("office:logout")}
            if must_change and request.path not in allowed:
                return redirect("office:password")
        return self.get_response(request)
