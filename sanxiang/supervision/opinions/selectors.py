"""Who reads which 执法监督意见, and the open and overdue ones.

A supervising body's 监督人员 reads those on the agencies of his body's area; an agency's
负责人 those on his agency's cases; a case's handlers those on their cases. Nobody else."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.opinions.models import (
    AWAITING_ANSWER,
    OPEN,
    Opinion,
    OpinionBasis,
    OpinionStatus,
)


def _related(opinions: QuerySet[Opinion]) -> QuerySet[Opinion]:
    return opinions.select_related("case", "agency", "body", "issued_by")


def opinions_for(officer: Officer) -> QuerySet[Opinion]:
    """Every opinion ``officer`` may read (none if he is not on duty)."""
    if not officer.is_active:
        return Opinion.objects.none()
    # EXISTS rather than a join to the handlers: no DISTINCT to sort the wide rows by.
    handled = Case.handlers.through.objects.filter(
        case_id=OuterRef("case_id"), officer_id=officer.pk
    )
    readable = Q(Exists(handled))
    supervised = supervised_agency_ids(officer)
    if supervised:
        readable |= Q(agency_id__in=sorted(supervised))
    if officer.has_role(Role.HEAD):
        readable |= Q(agency_id=officer.unit.agency_id)
    return _related(Opinion.objects.filter(readable))


def opinion_for(officer: Officer, pk: int) -> Opinion | None:
    return opinions_for(officer).filter(pk=pk).first()


def may_issue(officer: Officer, agency_id: int) -> bool:
    """A 监督人员 of a body whose area includes the agency."""
    return agency_id in supervised_agency_ids(officer)


def may_answer(officer: Officer, opinion: Opinion) -> bool:
    """The 负责人 of the agency the opinion is addressed to, on duty."""
    return (
        officer.is_active
        and officer.has_role(Role.HEAD)
        and officer.unit.agency_id == opinion.agency_id
        and supervisory_body_of(officer) is None
    )


def to_do_for(officer: Officer) -> QuerySet[Opinion]:
    """What waits for ``officer``: for an agency's 负责人 the opinions his agency owes an
    answer to; for a 监督人员 the answers waiting for his body's review. Oldest due first."""
    if not officer.is_active:
        return Opinion.objects.none()
    supervised = supervised_agency_ids(officer)
    if supervised:
        waiting = Q(agency_id__in=sorted(supervised), status=OpinionStatus.ANSWERED)
    elif officer.has_role(Role.HEAD):
        waiting = Q(agency_id=officer.unit.agency_id, status__in=AWAITING_ANSWER)
    else:
        return Opinion.objects.none()
    return _related(Opinion.objects.filter(waiting)).order_by("answer_due_on", "pk")


def open_on_case(officer: Officer, case_id: int) -> list[Opinion]:
    """The opinions on a case not yet accepted, as ``officer`` may read them.

    Asked on every case page, where there is almost never one: a plain look for any open
    opinion on the case comes first, and only if there is one the query that applies who may
    read it (several subqueries and four joins, costing ~5 ms of CPU to build)."""
    if not Opinion.objects.filter(case_id=case_id, status__in=OPEN).exists():
        return []
    return list(opinions_for(officer).filter(case_id=case_id, status__in=OPEN).order_by("pk"))


def overdue_opinions(today: date) -> QuerySet[Opinion]:
    """Opinions whose answer is owed and past its period (any agency: the 预警 rule's view)."""
    return Opinion.objects.filter(status__in=AWAITING_ANSWER, answer_due_on__lt=today)


def opinion_ids_on_case(case_id: int) -> list[int]:
    return list(Opinion.objects.filter(case_id=case_id).values_list("pk", flat=True))


def bases_for(kind: str) -> list[OpinionBasis]:
    return [b for b in OpinionBasis.objects.filter(enabled=True) if b.applies_to(kind)]


def default_period(kind: str) -> int | None:
    """The longest period the enabled bases of ``kind`` set (data), or None."""
    periods = [b.answer_workdays for b in bases_for(kind) if b.answer_workdays]
    return max(periods) if periods else None
