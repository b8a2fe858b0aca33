"""Addresses on the public portal as the public reaches them (``SANXIANG_PUBLIC_URL``).

Documents leave the server (a printed 决定书's QR code, a pushed message, a link on an office
page that may be served under another host name), so they name the portal by the installation's
configured public address, never by a host written in the code or taken from the request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def public_base() -> str:
    """The portal's public address without a trailing slash, e.g. ``https://zhifa.example.gov.cn``."""
    return str(settings.SANXIANG_PUBLIC_URL).rstrip("/")


def public_url(path: str) -> str:
    """``path`` (absolute, starting with ``/``) on the public address."""
    return public_base() + path


def public_reverse(viewname: str, *args: Any) -> str:
    """``reverse(viewname, args)`` on the public address."""
    return public_url(reverse(viewname, args=args or None))
