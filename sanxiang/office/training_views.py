"""培训记录: the agency's training hours per officer, and the 负责人's import of a list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sanxiang.core.params import year_param
from sanxiang.ledger.services import actor_for
from sanxiang.org.import_pages import upload_import
from sanxiang.org.models import Officer, Role, TrainingKind
from sanxiang.org.selectors import officer_for_request
from sanxiang.org.training import (
    COLUMNS,
    MAX_BYTES,
    may_manage_training,
    training_year,
    trainings_import,
)

_SEE_ALL = (Role.HEAD, Role.SUPERVISOR, Role.REVIEWER)
# Column headings short enough for a table of hours (the full names are in the page's help).
_SHORT = {
    TrainingKind.SANXIANG: "三项制度",
    TrainingKind.PRE_POST: "岗前",
    TrainingKind.ON_POST: "岗位",
    TrainingKind.REVIEW: "法制审核",
    TrainingKind.OTHER: "其他",
}


def _sees_all(officer: Officer) -> bool:
    return officer.is_active and any(officer.has_role(role) for role in _SEE_ALL)


def _context(officer: Officer, year: int) -> dict[str, object]:
    rows = training_year(agency_id=officer.unit.agency_id, year=year)
    if not _sees_all(officer):
        rows = [row for row in rows if row.officer.pk == officer.pk]
    kinds = [(value, _SHORT[TrainingKind(value)]) for value in TrainingKind.values]
    return {
        "year": year,
        "this_year": timezone.localdate().year,
        "rows": [
            {
                "officer": row.officer,
                "courses": row.courses,
                "hours": row.hours,
                "kinds": [(label, row.by_kind.get(value, 0)) for value, label in kinds],
            }
            for row in rows
        ],
        "kinds": [label for _, label in kinds],
        "trained": sum(1 for row in rows if row.courses),
        "total": len(rows),
        "sees_all": _sees_all(officer),
        "allowed": may_manage_training(officer),
        "columns": COLUMNS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    """The year's hours: everyone of the agency for its 负责人, 法制审核人员 and 监督人员, one's
    own for every other officer; the 负责人 imports lists here."""
    officer = officer_for_request(request)
    today = timezone.localdate()
    year = year_param(request.GET, default=today.year)
    context = _context(officer, year)
    if request.method == "GET":
        return render(request, "office/training.html", context)
    if not may_manage_training(officer):
        raise PermissionDenied("只有本机关负责人可以导入培训记录。")
    result = upload_import(
        request,
        template="office/training.html",
        context=context,
        max_bytes=MAX_BYTES,
        run=lambda filename, content: trainings_import(
            agency=officer.unit.agency,
            filename=filename,
            content=content,
            actor=actor_for(request.user),
            today=today,
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, f"已导入 {result.created} 条培训记录。")
    return redirect(f"{reverse('office:training')}?year={year}")
