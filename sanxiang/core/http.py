"""Who is on the other end of a request, and the headers every response carries.

``client_address`` is the one place that decides a client's address; the login lockout
(django-axes, ``AXES_CLIENT_IP_CALLABLE``) and the 当事人查询 limiter (``client_ip``) key on it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def parse_trusted_proxies(raw: str, *, setting: str = "SANXIANG_TRUSTED_PROXIES") -> list[str]:
    """``SANXIANG_TRUSTED_PROXIES`` (or another ``setting`` of that shape): addresses or CIDR
    blocks, comma-separated; a bad entry stops the start with a message naming it (a silent typo
    would trust nobody, or everybody)."""
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ValueError(f"{setting}: {entry!r} is not an IP address or CIDR block") from exc
    return entries


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:51234
        text = text.split(":", 1)[0]
    # fe80::1%eth0: the zone names the proxy's interface, not the client, and no address
    # column (django-axes' included) takes it.
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_in(address: str | None, entries: Sequence[str]) -> bool:
    """Whether ``address`` (as ``client_address`` gives it) is one of ``entries`` (addresses
    or CIDR blocks, as ``parse_trusted_proxies`` checked them)."""
    parsed = _address(address) if address else None
    return parsed is not None and _trusted(parsed, _networks(tuple(entries)))


def _trusted(address: Address, nets: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in nets)


def client_address(request: HttpRequest) -> str | None:
    """The client's address.

    ``REMOTE_ADDR`` (the peer of the connection), unless that peer is one of
    ``settings.TRUSTED_PROXIES``: then ``X-Forwarded-For`` is read from right to left, skipping
    trusted proxies, and the first address that is not one is the client. What a client writes
    into the header himself sits to the left of what the proxies appended, so it is never
    reached. A malformed hop ends the walk at the last trusted address. None when the request
    has no usable peer address (e.g. a test client's ``force_login``).

    This is django-axes' ``AXES_CLIENT_IP_CALLABLE``: its address column takes only addresses.
    """
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    if remote is None:
        return None
    nets = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    client = remote
    if nets and _trusted(remote, nets):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not _trusted(address, nets):
                break
    return str(client)


def client_ip(request: HttpRequest) -> str:
    """``client_address`` as text for records and limits: ``unknown`` when there is none."""
    return client_address(request) or "unknown"


# Scripts and styles only from this site's own files (static/), no inline code, no plugins,
# no framing; forms post only back here. data: images are for the admin's icons.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response but PDFs; ``Cache-Control: no-store`` on the
    office.

    Office pages show personal data of parties and officers: no browser or proxy may keep a
    copy (a shared PC's back button, a caching proxy). The policy can be replaced with
    ``SANXIANG_CONTENT_SECURITY_POLICY``; a response that set its own policy keeps it.
    Sits first in MIDDLEWARE, so static files and error pages get the headers too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "") or CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A PDF shown in the browser is drawn by its built-in viewer, an embedded plugin that
        # ``object-src 'none'`` would block; the policy is for pages, so PDFs go without it.
        if not response.headers.get("Content-Type", "").startswith("application/pdf"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if request.path.startswith("/office/"):
            cache = response.headers.get("Cache-Control", "")
            if "no-store" not in cache:
                response.headers["Cache-Control"] = "no-store"
        return response
