"""Who may see or act on a complaint, decided in one place (like ``cases/access.py``).

- ``VIEW``: an active officer (执法人员 or 负责人) of the agency the complaint is with now; a
  complaint about an officer's conduct or about the agency itself only its 负责人 (the officer
  complained about must not read it; the supervising body is told through ``for_supervisor``).
- ``HANDLE`` (办理: 开始办理, 转为案源登记): as ``VIEW``.
- ``DECIDE`` (受理, 不予受理, 转办, 答复: what the agency tells the complainant): the agency's
  负责人 only: each is the agency's answer in its own name, and in the case procedures the
  负责人 likewise approves the 立案 of a clue.

Another agency's complaint gets the same answer as a missing one.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from sanxiang.complaints.models import FOR_SUPERVISOR, Complaint
from sanxiang.org.models import Officer, Role


class ComplaintAction(StrEnum):
    VIEW = "view"
    HANDLE = "handle"
    DECIDE = "decide"


def visible_to(officer: Officer, action: ComplaintAction) -> QuerySet[Complaint]:
    """The complaints ``officer`` may perform ``action`` on."""
    none = Complaint.objects.none()
    if not officer.is_active:
        return none
    head = officer.has_role(Role.HEAD)
    mine = Complaint.objects.filter(agency_id=officer.unit.agency_id)
    if head:
        return mine
    if action == ComplaintAction.DECIDE or not officer.has_role(Role.OFFICER):
        return none
    return mine.filter(~Q(subject__in=FOR_SUPERVISOR))
