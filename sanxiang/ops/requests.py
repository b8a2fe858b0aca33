"""The first middleware: a request id, one log line and one latency sample per request, and the
probes a load balancer and Prometheus call.

``X-Request-ID`` from the load balancer is kept when it is 1–128 characters of letters, digits
and ``._:-`` (anything else is replaced by a new id, never echoed); the response carries the id
in ``X-Request-ID`` and every log record of the request has it (``sanxiang.core.logs``).

``/healthz``, ``/readyz`` and ``/metrics`` are answered here, before sessions, CSRF, the host
check, the HTTPS redirect and the log-in: a probe never makes a session, never counts as a
record view, and a load balancer asking by IP address over plain HTTP still gets its answer.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from sanxiang.core.request_context import RequestInfo, current

logger = logging.getLogger("sanxiang.request")

REQUEST_ID_HEADER = "X-Request-ID"
#: Which app node answered (``SANXIANG_NODE_NAME``), for a load balancer's operator and the tests.
NODE_HEADER = "X-Sanxiang-Node"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
PROBES = ("/healthz", "/readyz", "/metrics")


def request_id_from(request: HttpRequest) -> str:
    """The load balancer's id when it is well-formed, else a new one (32 hex digits)."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if isinstance(given, str) and _VALID_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """A label with few values: the URL pattern's name, never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        # Imported here, in the serving process: prometheus_client picks its multiprocess mode
        # when first imported, after ``sanxiang serve`` has set PROMETHEUS_MULTIPROC_DIR.
        from sanxiang.ops import metrics, probes

        self.get_response = get_response
        self.metrics = metrics
        self.probes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/healthz": probes.healthz,
            "/readyz": probes.readyz,
            "/metrics": metrics.metrics_view,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        info = RequestInfo(
            request_id=request_id_from(request),
            method=request.method or "",
            path=request.path,
            request=request,
        )
        # Left set until the response is closed (``_request_done``): Django logs a 4xx after
        # the middleware has returned, and a streamed body is read after that.
        current.set(info)
        probe = self.probes.get(request.path_info)
        if probe is not None:
            response = probe(request)
            route = request.path_info.lstrip("/")
        else:
            response = self.get_response(request)
            route = route_of(request)
        info.route = route
        response[REQUEST_ID_HEADER] = info.request_id
        if settings.SANXIANG_NODE_NAME:
            response[NODE_HEADER] = settings.SANXIANG_NODE_NAME
        seconds = time.perf_counter() - started
        self.metrics.request_observe(route, response.status_code, seconds)
        if probe is None and settings.SANXIANG_REQUEST_LOG:
            logger.info(
                "%s %s %s",
                info.method,
                info.path,
                response.status_code,
                extra={
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
        return response


@receiver(request_finished)
def _request_done(sender: object, **kwargs: object) -> None:
    current.set(None)
