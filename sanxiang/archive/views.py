"""The office download of a case's 电子案卷 package (thin: the service checks and records)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from sanxiang.archive.services import package_open
from sanxiang.cases.supervised_reason import reason_first
from sanxiang.core.downloads import attachment
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


@login_required
def package_download(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The package, for an officer who may see the case; each download is recorded. A case out
    of scope and a case without a package both answer 404, in Chinese."""
    officer = officer_for_request(request)
    if (first := reason_first(request, officer, case_id)) is not None:
        return first
    try:
        archive, data = package_open(actor=officer, case_id=case_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    name = _UNSAFE.sub("_", archive.case.number or str(archive.case_id))
    response = StreamingHttpResponse(data, content_type="application/zip")
    # The headers every download carries (core/downloads.py), on a streamed body.
    headers = attachment(b"", filename=f"电子案卷-{name}.zip", content_type="application/zip")
    for header in ("Content-Disposition", "Cache-Control"):
        response[header] = headers[header]
    response["Content-Length"] = str(archive.size)
    return response
