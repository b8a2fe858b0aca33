"""Reads of publication records in the office, through the one access gate
(``disclosure/access.py``, DESIGN.md rule 6), and what is overdue."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from sanxiang.disclosure.access import PublicationAction
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer


class PublicationNotFound(DomainError):
    def __init__(self, publication_id: object) -> None:
        super().__init__(
            "未找到该公示，或您无权查看。", log_message=f"publication {publication_id} not in scope"
        )


def publications_for(officer: Officer) -> QuerySet[Publication]:
    """The agency's records for 负责人, 法制审核人员 and 监督人员; others see their unit's."""
    return (
        Publication.objects.visible_to(officer, PublicationAction.VIEW)
        .select_related("case", "agency")
        .order_by(F("status").desc(), "due_on", "-pk")
    )


def publication_get_for(officer: Officer, publication_id: object) -> Publication:
    try:
        pk = int(str(publication_id))
    except ValueError:
        raise PublicationNotFound(publication_id) from None
    publication = publications_for(officer).filter(pk=pk).first()
    if publication is None:
        raise PublicationNotFound(publication_id)
    return publication


def overdue_for(officer: Officer) -> QuerySet[Publication]:
    """预警: records not published by their due date, withdrawals made late, and decisions
    that fell and are still public after their withdrawal was due."""
    today = timezone.localdate()
    late_publication = Q(status=PublicationStatus.PENDING, due_on__lt=today)
    late_withdrawal = Q(
        status=PublicationStatus.WITHDRAWN, withdrawn_at__date__gt=F("withdrawal_due_on")
    )
    # The decision fell (复议/诉讼, recorded on the case) and it is still up after 3 working days.
    withdrawal_overdue = Q(status=PublicationStatus.PUBLISHED, withdrawal_due_on__lt=today)
    return publications_for(officer).filter(late_publication | late_withdrawal | withdrawal_overdue)
