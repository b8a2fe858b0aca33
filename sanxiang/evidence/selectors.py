"""Who may see which record (调阅 scope), decided here and nowhere else (DESIGN.md rule 6).

- an officer sees the records of his own unit (承办机构) without giving a reason; lists, target
  pages and access histories show only these;
- a 负责人 may look at every record of his agency, a 监督人员 at every record of every
  agency, but only by stating a reason, and every such look (including listing a case's
  records) is recorded;
- anyone else is told the record does not exist, whether or not it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sanxiang.errors import DomainError
from sanxiang.evidence.models import AccessRecord, CustodyTransfer, EvidenceItem, Target
from sanxiang.org.models import Officer, Role


class EvidenceNotFound(DomainError):
    """No such record within the actor's scope (the same answer as a record that is absent)."""

    def __init__(self, item_id: object) -> None:
        super().__init__(
            "未找到该记录，或您无权调阅。", log_message=f"evidence {item_id} not in scope"
        )


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    reason_required: bool


def access_decision(officer: Officer, item: EvidenceItem) -> AccessDecision:
    """Whether ``officer`` may look at ``item``, and whether he must say why."""
    if not officer.is_active:
        return AccessDecision(False, False)
    if item.unit_id == officer.unit_id:
        return AccessDecision(True, False)
    if officer.has_role(Role.HEAD) and item.agency_id == officer.unit.agency_id:
        return AccessDecision(True, True)
    if officer.has_role(Role.SUPERVISOR):
        return AccessDecision(True, True)
    return AccessDecision(False, False)


def _scope(officer: Officer) -> Q:
    if not officer.is_active:
        return Q(pk__in=[])
    if officer.has_role(Role.SUPERVISOR):
        return Q()
    scope = Q(unit_id=officer.unit_id)
    if officer.has_role(Role.HEAD):
        scope |= Q(agency_id=officer.unit.agency_id)
    return scope


def _own_unit(officer: Officer) -> Q:
    return Q(unit_id=officer.unit_id) if officer.is_active else Q(pk__in=[])


def evidence_list_visible(*, officer: Officer, case_number: str) -> QuerySet[EvidenceItem]:
    """Current records of a case within ``officer``'s whole scope (for a reasoned case search,
    which records each of them as looked at)."""
    return evidence_list_for(officer=officer, case_number=case_number, _scope_q=_scope(officer))


def evidence_list_for(
    *,
    officer: Officer,
    case_number: str | None = None,
    target_id: int | None = None,
    _scope_q: Q | None = None,
) -> QuerySet[EvidenceItem]:
    """Current versions (not superseded) of the records of ``officer``'s own unit."""
    scope = _own_unit(officer) if _scope_q is None else _scope_q
    items = (
        EvidenceItem.objects.filter(scope, superseded_by__isnull=True)
        .select_related("collector", "unit", "target", "blob")
        .order_by("-collected_at", "-pk")
    )
    if case_number:
        items = items.filter(case_number=case_number)
    if target_id is not None:
        items = items.filter(target_id=target_id)
    return items


def evidence_get_for(*, officer: Officer, item_id: object) -> EvidenceItem:
    """One version, if in ``officer``'s scope; else ``EvidenceNotFound``."""
    try:
        pk = int(str(item_id))
    except ValueError:
        raise EvidenceNotFound(item_id) from None
    item = (
        EvidenceItem.objects.select_related(
            "collector", "unit__agency", "target", "blob", "custodian"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None or not access_decision(officer, item).allowed:
        raise EvidenceNotFound(item_id)
    return item


def versions_of(item: EvidenceItem) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(record_id=item.record_id)
        .select_related("created_by")
        .order_by("version")
    )


def current_custodian(record_id: str) -> Officer:
    last = CustodyTransfer.objects.filter(record_id=record_id).select_related("to_officer").last()
    if last is not None:
        return last.to_officer
    return (
        EvidenceItem.objects.select_related("custodian")
        .get(record_id=record_id, version=1)
        .custodian
    )


def custody_history(record_id: str) -> QuerySet[CustodyTransfer]:
    return CustodyTransfer.objects.filter(record_id=record_id).select_related(
        "from_officer", "to_officer"
    )


def access_history_of_record(*, officer: Officer, item: EvidenceItem) -> QuerySet[AccessRecord]:
    """Every look at any version of the record (the caller already holds access to it)."""
    evidence_get_for(officer=officer, item_id=item.pk)
    return AccessRecord.objects.filter(item__record_id=item.record_id).select_related(
        "officer", "item"
    )


def access_history_of_case(*, officer: Officer, case_number: str) -> QuerySet[AccessRecord]:
    """Every look at any record of a case, for records of ``officer``'s own unit."""
    visible = EvidenceItem.objects.filter(_own_unit(officer), case_number=case_number)
    return AccessRecord.objects.filter(item__in=visible).select_related("officer", "item")


def targets_for(*, officer: Officer) -> QuerySet[Target]:
    """Targets with at least one record of ``officer``'s own unit."""
    visible = EvidenceItem.objects.filter(_own_unit(officer)).values("target_id")
    return Target.objects.filter(pk__in=visible).order_by("name")


def target_get_for(*, officer: Officer, target_id: object) -> Target:
    target = (
        targets_for(officer=officer)
        .filter(pk=int(str(target_id)) if str(target_id).isdigit() else -1)
        .first()
    )
    if target is None:
        raise EvidenceNotFound(target_id)
    return target


def is_current(item: EvidenceItem) -> bool:
    """Whether no later version supersedes ``item``."""
    return not EvidenceItem.objects.filter(supersedes=item).exists()
