"""Reads of recorded acts in the office: an officer on duty sees his agency's."""

from __future__ import annotations

from django.db.models import QuerySet

from sanxiang.acts.models import Permit
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role


class PermitNotFound(DomainError):
    def __init__(self, permit_id: object) -> None:
        super().__init__(
            "未找到该行政许可，或您无权查看。", log_message=f"permit {permit_id} not in scope"
        )


def permits_for(officer: Officer) -> QuerySet[Permit]:
    if not officer.is_active:
        return Permit.objects.none()
    return (
        Permit.objects.filter(agency_id=officer.unit.agency_id)
        .select_related("original", "publication")
        .order_by("-decided_on", "-pk")
    )


def permit_get_for(officer: Officer, permit_id: object) -> Permit:
    try:
        pk = int(str(permit_id))
    except ValueError:
        raise PermitNotFound(permit_id) from None
    permit = permits_for(officer).filter(pk=pk).first()
    if permit is None:
        raise PermitNotFound(permit_id)
    return permit


def may_record(officer: Officer) -> bool:
    """Whether the office offers him the form (the service decides again)."""
    return officer.is_active and (officer.has_role(Role.HEAD) or officer.has_role(Role.OFFICER))
