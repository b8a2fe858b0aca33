"""事前公开: the lists an agency publishes before it acts, and keeping them current.

The content of each list is built from the master data the system enforces with (执法主体 and
its units, 行政执法事项 with their basis articles, 随机抽查事项, 服务指南, 救济渠道), never typed
twice. A 负责人 publishes a list as a snapshot whose SHA-256 is a ledger event; the portal shows
the newest snapshot.

A published list goes out of date in two ways, each with its own period from
``data/disclosure/republication.csv`` (Shaanxi indicators (21) and (22)):

- a law it cites is amended, replaced or repealed (立改废释): adjust within 10 working days of
  the change taking effect;
- the agency's own duties or powers change (an edit of its master data): within 20 working days.

Both are recorded as ``ListingChange`` rows with their due date, fixed when the change is noticed
(DESIGN.md rule 4), and closed by the next published snapshot. A list that cites a law no longer
in force cannot be published at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import provisional_deadline_note
from sanxiang.core.workdays import Due
from sanxiang.disclosure.events import listing_published
from sanxiang.disclosure.models import (
    ListingChange,
    ListingKind,
    ListingSnapshot,
    RepublicationCause,
    RepublicationPeriod,
)
from sanxiang.disclosure.normalise import strip_bidi_deep
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import SYSTEM, sha256_hex, tree_head_sign
from sanxiang.org.models import (
    Agency,
    Article,
    EnforcementItem,
    Law,
    Officer,
    RandomCheckItem,
    RemedyChannel,
    Role,
    ServiceGuide,
    Unit,
)

logger = logging.getLogger(__name__)


class ListingRefused(DomainError):
    """A list cannot be published as it stands; nothing was changed."""


# --- content -------------------------------------------------------------------------------


def _article(article: Article) -> dict[str, Any]:
    return {
        "law_id": article.law_id,
        "law": article.law.title,
        "law_effective_on": article.law.effective_on.isoformat(),
        "article": article.label,
    }


def _basis(articles: Iterable[Article], note: str) -> dict[str, Any]:
    cited = sorted(articles, key=lambda a: (a.law.title, a.law.effective_on, a.number))
    return {"articles": [_article(a) for a in cited], "note": note}


def _subject(agency: Agency) -> dict[str, Any]:
    units = Unit.objects.filter(agency=agency).order_by("name")
    return {
        "agency": {
            "name": agency.name,
            "credit_code": agency.credit_code,
            "level": agency.get_level_display(),
            "region": agency.region,
            "address": agency.address,
            "phone": agency.phone,
            "functions": agency.functions,
            "authority_basis": agency.authority_basis,
            "basis": _basis(agency.authority_articles.select_related("law"), ""),
        },
        "units": [
            {
                "name": unit.name,
                "address": unit.address or agency.address,
                "phone": unit.phone or agency.phone,
                "duties": unit.duties,
                "legal_review_body": unit.is_legal_review_body,
            }
            for unit in units
        ],
    }


def _items(agency: Agency) -> list[EnforcementItem]:
    return list(
        EnforcementItem.objects.filter(agency=agency, is_active=True)
        .select_related("category", "unit")
        .prefetch_related("basis_articles__law")
        .order_by("code")
    )


def _item_rows(agency: Agency) -> dict[str, Any]:
    return {
        "items": [
            {
                "code": item.code,
                "name": item.name,
                "kind": item.get_kind_display(),
                "category": item.category.name,
                "unit": item.unit.name if item.unit else "",
                "authority": item.authority,
                "duty": item.duty,
                "discretion_basis": item.discretion_basis,
                "basis": _basis(item.basis_articles.all(), item.basis_note),
            }
            for item in _items(agency)
        ]
    }


def _random_checks(agency: Agency) -> dict[str, Any]:
    rows = (
        RandomCheckItem.objects.filter(agency=agency, is_active=True)
        .select_related("unit")
        .prefetch_related("basis_articles__law")
        .order_by("code")
    )
    return {
        "items": [
            {
                "code": row.code,
                "name": row.name,
                "targets": row.targets,
                "population": row.population,
                "ratio_percent": str(row.ratio_percent),
                "cycle": row.cycle,
                "method": row.method,
                "content": row.content,
                "subject": row.unit.name if row.unit else agency.name,
                "basis": _basis(row.basis_articles.all(), row.basis_note),
            }
            for row in rows
        ]
    }


def _guides(agency: Agency) -> dict[str, Any]:
    guides = (
        ServiceGuide.objects.filter(item__agency=agency, item__is_active=True)
        .select_related("item")
        .prefetch_related("item__basis_articles__law")
        .order_by("item__code")
    )
    return {
        "guides": [
            {
                "code": guide.item.code,
                "name": guide.item.name,
                "basis": _basis(guide.item.basis_articles.all(), guide.item.basis_note),
                "accepting_body": guide.accepting_body,
                "approving_body": guide.approving_body,
                "conditions": guide.conditions,
                "materials": guide.materials,
                "procedure": guide.procedure,
                "process_note": guide.process_note,
                "time_limit": guide.time_limit,
                "fees": guide.fees,
                "supervision": guide.supervision,
                "office_hours": guide.office_hours,
                "address": guide.address,
                "phone": guide.phone,
            }
            for guide in guides
        ]
    }


def _remedies(agency: Agency) -> dict[str, Any]:
    return {
        "channels": [
            {
                "kind": channel.get_kind_display(),
                "body": channel.body,
                "address": channel.address,
                "phone": channel.phone,
                "period": channel.period,
                "basis": channel.basis,
                "how": channel.how,
            }
            for channel in RemedyChannel.objects.filter(agency=agency).order_by("kind", "body")
        ]
    }


BUILDERS = {
    ListingKind.SUBJECT: _subject,
    ListingKind.ITEMS: _item_rows,
    ListingKind.RANDOM_CHECKS: _random_checks,
    ListingKind.GUIDES: _guides,
    ListingKind.REMEDIES: _remedies,
}


def listing_content(agency: Agency, kind: str) -> dict[str, Any]:
    """What list ``kind`` of ``agency`` says today, as canonical-JSON-able data, without
    bidirectional control characters (they could make published text read otherwise)."""
    content: dict[str, Any] = strip_bidi_deep(BUILDERS[ListingKind(kind)](agency))
    return content


def content_sha256(content: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(content))


def cited_law_ids(content: Any) -> set[int]:
    """Ids of the laws a list's content cites, wherever the articles appear in it."""
    found: set[int] = set()
    if isinstance(content, dict):
        if "law_id" in content:
            found.add(int(content["law_id"]))
        for value in content.values():
            found |= cited_law_ids(value)
    elif isinstance(content, list):
        for value in content:
            found |= cited_law_ids(value)
    return found


def latest_snapshot(agency_id: int, kind: str) -> ListingSnapshot | None:
    return (
        ListingSnapshot.objects.filter(agency_id=agency_id, kind=kind).order_by("-number").first()
    )


# --- keeping lists current -----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    working_days: int
    basis: str


def period_for(cause: str) -> Period:
    """The table administrators edit (loaded from data/disclosure/republication.csv,
    ``disclosure.periods``)."""
    row = RepublicationPeriod.objects.filter(cause=cause).first()
    if row is not None:
        return Period(row.working_days, row.basis)
    raise ListingRefused("未设置公示信息调整期限。", log_message=f"no republication period {cause}")


def _due(occurred_on: date, cause: str) -> tuple[Due, int, str]:
    """The re-publication due date: provisional (暂定, weekends only) where the period runs
    into a year whose holiday schedule is not entered yet; recomputed when it is."""
    period = period_for(cause)
    due = get_calendar().add_workdays_provisional(occurred_on, period.working_days)
    return due, period.working_days, period.basis


def _note(
    agency_id: int, kind: str, cause: str, subject: str, what: str, occurred_on: date
) -> ListingChange | None:
    if ListingChange.objects.filter(
        agency_id=agency_id, kind=kind, cause=cause, subject=subject, resolved_at__isnull=True
    ).exists():
        return None
    due, working_days, basis = _due(occurred_on, cause)
    due_on = due.on
    change = ListingChange.objects.create(
        agency_id=agency_id,
        kind=kind,
        cause=cause,
        subject=subject,
        what=what[:300],
        occurred_on=occurred_on,
        due_on=due_on,
        due_basis=basis[:300],
    )
    provisional_deadline_note(
        instance=change, field="due_on", start=occurred_on, workdays=working_days, due=due,
        actor=SYSTEM, agency_id=agency_id,
    )  # fmt: skip
    logger.info("listing %s of agency %s out of date: %s", kind, agency_id, subject)
    return change


# Which published lists an edit of each kind of master data can change.
AFFECTS: dict[type, tuple[ListingKind, ...]] = {
    Agency: (ListingKind.SUBJECT,),
    Unit: (ListingKind.SUBJECT, ListingKind.ITEMS, ListingKind.RANDOM_CHECKS),
    EnforcementItem: (ListingKind.ITEMS, ListingKind.GUIDES),
    ServiceGuide: (ListingKind.GUIDES,),
    RandomCheckItem: (ListingKind.RANDOM_CHECKS,),
    RemedyChannel: (ListingKind.REMEDIES,),
}


def note_duty_change(agency_id: int, kinds: Iterable[str]) -> list[ListingChange]:
    """After an edit of the agency's master data: which published lists now say something else.

    Only lists already published and now different from their newest snapshot are noted; an
    edit that changes nothing public (or is undone before anyone publishes) is not a change.
    """
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return []
    noted = []
    for kind in kinds:
        snapshot = latest_snapshot(agency_id, kind)
        if snapshot is None or content_sha256(listing_content(agency, kind)) == snapshot.sha256:
            continue
        change = _note(
            agency_id,
            kind,
            RepublicationCause.DUTY,
            "duty",
            f"{ListingKind(kind).label}所依据的机构职能或执法事项已变更",
            timezone.localdate(),
        )
        if change is not None:
            noted.append(change)
    return noted


def law_change_date(law: Law) -> date | None:
    """When ``law`` stopped being the text to cite: repealed, or replaced by a newer version."""
    newer = (
        Law.objects.filter(title=law.title, effective_on__gt=law.effective_on)
        .order_by("effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    candidates = [d for d in (law.ceased_on, newer) if d is not None]
    if not candidates and not law.is_in_force:
        return timezone.localdate()
    return min(candidates) if candidates else None


def note_law_change(law: Law, *, occurred_on: date | None = None, what: str = "") -> list[Any]:
    """A cited law was amended, replaced, repealed or its text changed: flag every list citing it.

    ``occurred_on`` is when the change took effect (an article edited today: today).
    """
    when = occurred_on or law_change_date(law)
    if when is None:
        return []
    noted = []
    latest: dict[tuple[int, str], ListingSnapshot] = {}
    for snapshot in ListingSnapshot.objects.order_by("agency_id", "kind", "number"):
        latest[(snapshot.agency_id, snapshot.kind)] = snapshot
    for (agency_id, kind), snapshot in sorted(latest.items()):
        if law.pk not in cited_law_ids(snapshot.content):
            continue
        change = _note(
            agency_id,
            kind,
            RepublicationCause.LAW,
            f"law:{law.pk}",
            what or f"所引用的《{law.title}》已于{when:%Y年%m月%d日}修改、废止或失效",
            when,
        )
        if change is not None:
            noted.append(change)
    return noted


# --- publishing ----------------------------------------------------------------------------


def _may_publish(actor: Officer, agency: Agency) -> None:
    if not actor.is_active or actor.unit.agency_id != agency.pk:
        raise ListingRefused("您无权公示其他执法主体的信息。", log_message="other agency")
    if not actor.has_role(Role.HEAD):
        raise ListingRefused("事前公开信息经负责人审核后公示。", log_message=f"{actor.pk} not head")


def listing_problems(agency: Agency, kind: str, content: dict[str, Any]) -> list[str]:
    """Why the list cannot be published as it stands (empty: it can)."""
    problems = []
    today = timezone.localdate()
    for law in Law.objects.filter(pk__in=cited_law_ids(content)).order_by("title"):
        ceased = law_change_date(law)
        if ceased is not None and ceased <= today:
            problems.append(
                f"引用的《{law.title}》（{law.effective_on:%Y年%m月%d日}施行的版本）已不再有效，"
                "请改为引用现行有效的条文"
            )
    empty = {
        ListingKind.ITEMS: ("items", "尚未登记任何行政执法事项"),
        ListingKind.RANDOM_CHECKS: ("items", "尚未登记任何随机抽查事项"),
        ListingKind.GUIDES: ("guides", "尚未为任何执法事项编写服务指南"),
        ListingKind.REMEDIES: ("channels", "尚未登记行政复议、行政诉讼渠道"),
    }.get(ListingKind(kind))
    if empty is not None and not content[empty[0]]:
        problems.append(empty[1])
    if kind == ListingKind.ITEMS:
        problems += [
            f"事项“{row['name']}”没有写明依据"
            for row in content["items"]
            if not row["basis"]["articles"] and not row["basis"]["note"]
        ]
    return problems


def listing_publish(*, actor: Officer, kind: str, expected_sha256: str) -> ListingSnapshot:
    """Publish what the head saw: the list as it is now, if it is still what he reviewed."""
    if kind not in ListingKind.values:
        raise ListingRefused("没有这种公示清单。", log_message=f"unknown listing {kind!r}")
    agency = actor.unit.agency
    _may_publish(actor, agency)
    with transaction.atomic():
        # One publisher at a time per agency (the agency row is the lock on every database).
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        content = listing_content(agency, kind)
        digest = content_sha256(content)
        if digest != expected_sha256:
            raise ListingRefused(
                "清单内容在您核对后发生了变化，请重新核对后再公示。",
                log_message=f"listing {kind} of {agency.pk} changed since review",
            )
        problems = listing_problems(agency, kind, content)
        if problems:
            raise ListingRefused(
                "不能公示：" + "；".join(problems) + "。",
                log_message=f"listing {kind} of {agency.pk}: {len(problems)} problems",
            )
        previous = latest_snapshot(agency.pk, kind)
        snapshot = ListingSnapshot.objects.create(
            agency=agency,
            kind=kind,
            number=(previous.number + 1) if previous else 1,
            content=content,
            sha256=digest,
            published_by=actor,
        )
        ListingChange.objects.filter(agency=agency, kind=kind, resolved_at__isnull=True).update(
            resolved_by=snapshot, resolved_at=timezone.now()
        )
        listing_published(snapshot, actor.ledger_actor)
    # Anchor it in a signed tree head now, so the portal's proof can be checked at once.
    tree_head_sign()
    logger.info("listing %s of agency %s published as v%s", kind, agency.pk, snapshot.number)
    return snapshot


# --- reads for the office ------------------------------------------------------------------


def open_changes(agency_id: int) -> QuerySet[ListingChange]:
    return ListingChange.objects.filter(agency_id=agency_id, resolved_at__isnull=True)


def overdue_changes(agency_id: int) -> QuerySet[ListingChange]:
    """预警: lists not adjusted by their due date."""
    return open_changes(agency_id).filter(due_on__lt=timezone.localdate())


def register_listing_check() -> None:
    """``sanxiang ledger verify`` recomputes each published list's SHA-256 from its row."""
    from sanxiang.ledger.content import batch_key, register_event_check

    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        batch = cache.get(batch_key("disclosure.listing"))
        if batch is not None:
            snapshot = batch.get(entry.object_id)
        else:
            snapshot = ListingSnapshot.objects.filter(pk=entry.object_id).first()
        if snapshot is None:
            return f"listing snapshot {entry.object_id} no longer exists"
        if content_sha256(snapshot.content) != entry.content_sha256:
            return f"listing snapshot {snapshot.pk} no longer has the content its event recorded"
        return None

    def prefetch(entries: list[Any]) -> dict[str, ListingSnapshot]:
        ids = {entry.object_id for entry in entries}
        return {str(s.pk): s for s in ListingSnapshot.objects.filter(pk__in=ids)}

    register_event_check("disclosure.listing", check, prefetch=prefetch)
