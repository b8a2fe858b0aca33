"""Who may read /metrics (and the details of a failed /readyz)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest

from sanxiang.core.http import address_in, client_address

# Headers a reverse proxy adds. A request that came through a proxy Sanxiang does not trust
# (SANXIANG_TRUSTED_PROXIES) looks as if it came from the proxy's address (often loopback), so
# such a request is never let in by its address, only by the token.
_FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _bearer_ok(request: HttpRequest) -> bool:
    token = settings.SANXIANG_METRICS_TOKEN
    given = str(request.META.get("HTTP_AUTHORIZATION", ""))
    if not token or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").strip().encode(), token.encode())


def metrics_allowed(request: HttpRequest) -> bool:
    """The bearer token, or a client address in ``SANXIANG_METRICS_ALLOW`` that reached this
    node directly or through a trusted proxy."""
    if _bearer_ok(request):
        return True
    peer = str(request.META.get("REMOTE_ADDR", ""))
    proxied = any(request.META.get(name) for name in _FORWARDING_HEADERS)
    if proxied and not address_in(peer, settings.TRUSTED_PROXIES):
        return False
    return address_in(client_address(request), settings.SANXIANG_METRICS_ALLOW)
