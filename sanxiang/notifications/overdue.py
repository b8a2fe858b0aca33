"""Which publications are overdue today, and whom each concerns (read by the scan)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Q

from sanxiang.cases.models import Case
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.notifications.models import NotificationKind
from sanxiang.notifications.texts import Message, case_name, handlers_of, heads_of
from sanxiang.org.models import Officer


def overdue_publications(today: date) -> Iterator[tuple[Case, Message, list[Officer]]]:
    """Each overdue event: a record not published by its due date (应公示期限), or a decision
    that fell and is still public after its withdrawal was due (应撤下期限). The key names the
    record, what is late and the date it was due."""
    late = Q(status=PublicationStatus.PENDING, due_on__lt=today) | Q(
        status=PublicationStatus.PUBLISHED, withdrawal_due_on__lt=today
    )
    publications = (
        # A recorded act (acts) has no case or handlers: the 工作台's 预警 shows it to the heads.
        Publication.objects.filter(late, case__isnull=False)
        .select_related("case")
        .prefetch_related("case__handlers__roles")
        .order_by("pk")
    )
    for publication in publications.iterator(chunk_size=200):
        case = publication.case
        if case is None:  # excluded by the filter
            continue
        if publication.status == PublicationStatus.PENDING:
            message = Message(
                NotificationKind.PUBLICATION_OVERDUE,
                f"逾期未公示：{case_name(case)}的决定应于 {publication.due_on:%Y年%m月%d日} "
                "前公示，请尽快核对并发布。",
                key=f"publication:{publication.pk}:publish:{publication.due_on.isoformat()}",
            )
        else:
            due = publication.withdrawal_due_on or publication.due_on  # set: the filter above
            message = Message(
                NotificationKind.PUBLICATION_OVERDUE,
                f"逾期未撤下：{case_name(case)}的决定已被撤销、变更或确认违法，公示内容应于 "
                f"{due:%Y年%m月%d日} 前撤下。",
                key=f"publication:{publication.pk}:withdraw:{due.isoformat()}",
            )
        yield case, message, [*handlers_of(case), *heads_of(case)]
