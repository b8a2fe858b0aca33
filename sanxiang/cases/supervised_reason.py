"""A supervising body's 监督人员 reads a case only after giving the 调阅事由 on its page
(``case_page_open`` records it with the look; the page remembers it for the session). The
case's documents, signatures and archive package are part of that reading: before a reason is
given for the case, they send him to the page, which asks for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sanxiang.cases.access import case_supervised_only
from sanxiang.cases.models import Case
from sanxiang.org.models import Officer


def remembered_key(case_id: int) -> str:
    return f"case_reason:{case_id}"


def reason_first(
    request: HttpRequest, officer: Officer, case_id: int | None
) -> HttpResponse | None:
    """A redirect to the case page when ``officer`` must first give the reason; else None."""
    if case_id is None:
        return None
    case = Case.objects.filter(pk=case_id).only("pk", "agency_id").first()
    if case is None or not case_supervised_only(officer, case):
        return None
    if request.session.get(remembered_key(case_id)):
        return None
    return redirect("cases:detail", case_id)
