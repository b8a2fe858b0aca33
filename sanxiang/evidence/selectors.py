"""Reads of evidence, through the one access gate (``evidence/access.py``, DESIGN.md rule 6):
records of one's own unit without a reason; a 负责人's or 监督人员's wider scope only by
stating a reason, every such look recorded."""

from __future__ import annotations

from django.db.models import QuerySet

from sanxiang.errors import DomainError
from sanxiang.evidence.access import EvidenceAction
from sanxiang.evidence.models import AccessRecord, CustodyTransfer, EvidenceItem, Target
from sanxiang.org.models import Officer


class EvidenceNotFound(DomainError):
    """No such record within the actor's scope (the same answer as a record that is absent)."""

    def __init__(self, item_id: object) -> None:
        super().__init__(
            "未找到该记录，或您无权调阅。", log_message=f"evidence {item_id} not in scope"
        )


def evidence_list_visible(*, officer: Officer, case_number: str) -> QuerySet[EvidenceItem]:
    """Current records of a case within ``officer``'s whole scope (for a reasoned case search,
    which records each of them as looked at)."""
    return evidence_list_for(officer=officer, case_number=case_number, action=EvidenceAction.VIEW)


def evidence_list_for(
    *,
    officer: Officer,
    case_number: str | None = None,
    target_id: int | None = None,
    action: EvidenceAction = EvidenceAction.BROWSE,
) -> QuerySet[EvidenceItem]:
    """Current versions (not superseded) of the records of ``officer``'s own unit (or of his
    whole scope, for ``VIEW``)."""
    items = (
        EvidenceItem.objects.visible_to(officer, action)
        .filter(superseded_by__isnull=True)
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
        EvidenceItem.objects.visible_to(officer, EvidenceAction.VIEW)
        .select_related("collector", "unit__agency", "target", "blob", "custodian")
        .filter(pk=pk)
        .first()
    )
    if item is None:
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
    visible = EvidenceItem.objects.visible_to(officer, EvidenceAction.BROWSE).filter(
        case_number=case_number
    )
    return AccessRecord.objects.filter(item__in=visible).select_related("officer", "item")


def targets_for(*, officer: Officer) -> QuerySet[Target]:
    """Targets with at least one record of ``officer``'s own unit."""
    visible = EvidenceItem.objects.visible_to(officer, EvidenceAction.BROWSE).values("target_id")
    return Target.objects.filter(pk__in=visible).order_by("name")


def target_get_for(*, officer: Officer, target_id: object) -> Target:
    target = (
        targets_for(officer=officer)
        .filter(
            pk=int(str(target_id)) if str(target_id).isascii() and str(target_id).isdigit() else -1
        )
        .first()
    )
    if target is None:
        raise EvidenceNotFound(target_id)
    return target


def is_current(item: EvidenceItem) -> bool:
    """Whether no later version supersedes ``item``."""
    return not EvidenceItem.objects.filter(supersedes=item).exists()
