"""Who may read /metrics (and the details of a failed /readyz)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest

from sanxiang.core.http import address_in

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


def _forwarded_client_allowed(request: HttpRequest) -> bool:
    """For a request whose peer is a trusted proxy: the right-most ``X-Forwarded-For`` hop
    that is not a trusted proxy is in ``SANXIANG_METRICS_ALLOW``.

    Stricter than ``client_address``, which falls back to the proxy's own address when the
    header is missing, malformed or names only trusted proxies: a proxy that sends
    ``X-Real-IP`` or ``Forwarded`` instead, or nothing, would then make every visitor look like
    the proxy (often loopback, which is allowed). Here those cases are refused.
    """
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if address_in(hop, settings.TRUSTED_PROXIES):
            continue
        return address_in(hop, settings.SANXIANG_METRICS_ALLOW)  # a malformed hop: False
    return False


def metrics_allowed(request: HttpRequest) -> bool:
    """The bearer token, or a client address in ``SANXIANG_METRICS_ALLOW``: the peer's, when it
    reached this node directly; behind a trusted proxy, only the client its
    ``X-Forwarded-For`` names (no header, no address: only the token lets in)."""
    if _bearer_ok(request):
        return True
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if address_in(peer, settings.TRUSTED_PROXIES):
        return _forwarded_client_allowed(request)
    if any(request.META.get(name) for name in _FORWARDING_HEADERS):
        return False  # through a proxy Sanxiang does not trust
    return address_in(peer, settings.SANXIANG_METRICS_ALLOW)
