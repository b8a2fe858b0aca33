"""What the public reads of 事后公开 (the portal imports only this module of the app)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from sanxiang.disclosure.models import ActKind, Publication, PublicationStatus
from sanxiang.disclosure.search import recent_matches, search_filter
from sanxiang.ledger.models import LedgerEntry, TreeHead

LIVE = (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN)
NOT_PUBLIC = (PublicationStatus.PENDING, PublicationStatus.EXEMPT)


@dataclass(frozen=True)
class PublicRow:
    id: int
    title: str
    agency: str
    kind: str
    decided_on: date
    withdrawn: bool


@dataclass(frozen=True)
class PublicDecision:
    id: int
    title: str
    agency: str
    kind: str
    decided_on: date
    full_text: bool
    text: str
    sha256: str
    fields: dict[str, str]
    withdrawn: bool
    withdrawal_reason: str
    withdrawal_statement: str
    ledger_index: int | None
    leaf: str
    head_size: int | None
    head_root: str
    head_signed_at: str
    head_key_id: str


def kinds_public() -> list[tuple[str, str]]:
    return list(ActKind.choices)


def publications_public(
    *,
    query: str = "",
    agency_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
    limit: int = 20,
    before: tuple[date, int] | None = None,
    after: tuple[date, int] | None = None,
) -> list[PublicRow]:
    """Published (and withdrawn) decisions, newest first (decision date, then id).

    ``query``: words that must all occur in the title or the public text — any run of two or
    more Chinese characters (违建, 占道), a single character, or a word of letters or digits; a
    withdrawn decision's text is no longer public, so only its title is searched (search.py).

    Paging: ``offset`` counts rows; ``before``/``after`` are keyset cursors, the (decided_on, id)
    of a row already shown: the rows after it in the list (older), or the ``limit`` rows just
    before it (newer), still newest first. A cursor stays fast on any page and stable while
    decisions are published."""
    # Published or withdrawn, said as "not pending or exempt": a negation no index serves, so
    # the database walks the (decided_on, id) index newest first and stops after a page
    # instead of sorting every live row (SQLite's planner would otherwise pick the status index).
    rows = Publication.objects.exclude(status__in=NOT_PUBLIC)
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if kind:
        rows = rows.filter(kind=kind)
    if since:
        rows = rows.filter(decided_on__gte=since)
    if until:
        rows = rows.filter(decided_on__lte=until)
    newest_first = True
    if before is not None:
        day, pk = before
        rows = rows.filter(decided_on__lte=day).filter(
            Q(decided_on__lt=day) | Q(decided_on=day, pk__lt=pk)
        )
    elif after is not None:
        day, pk = after
        rows = rows.filter(decided_on__gte=day).filter(
            Q(decided_on__gt=day) | Q(decided_on=day, pk__gt=pk)
        )
        newest_first = False
    order = ("-decided_on", "-pk") if newest_first else ("decided_on", "pk")
    rows = rows.order_by(*order)
    recent = recent_matches(rows, query, offset + limit) if query else None
    if recent is not None:
        rows, offset = rows.filter(pk__in=recent[offset:]), 0
    else:
        rows = search_filter(rows, query)
    # Only what a row shows: the texts and tokens stay on disk (a page of 20 must not read them).
    rows = rows.select_related("agency").only(
        "pk", "title", "kind", "decided_on", "status", "agency__name"
    )
    found = list(rows[offset : offset + limit])
    if not newest_first:
        found.reverse()
    return [
        PublicRow(
            r.pk,
            r.title,
            r.agency.name,
            r.get_kind_display(),
            r.decided_on,
            r.status == PublicationStatus.WITHDRAWN,
        )
        for r in found
    ]


def publication_public(publication_id: int) -> PublicDecision | None:
    publication = (
        Publication.objects.filter(pk=publication_id, status__in=LIVE)
        .select_related("agency")
        .first()
    )
    if publication is None:
        return None
    withdrawn = publication.status == PublicationStatus.WITHDRAWN
    entry = (
        LedgerEntry.objects.filter(
            object_type="disclosure.publication",
            object_id=str(publication.pk),
            content_sha256=publication.public_sha256,
        )
        .order_by("-sequence")
        .first()
    )
    head = (
        TreeHead.objects.filter(size__gt=entry.sequence)
        .select_related("key")
        .order_by("size")
        .first()
        if entry is not None
        else None
    )
    shown_fields = {k: str(v) for k, v in publication.fields.items() if v}
    return PublicDecision(
        id=publication.pk,
        title=publication.title,
        agency=publication.agency.name,
        kind=publication.get_kind_display(),
        decided_on=publication.decided_on,
        full_text=publication.full_text,
        text="" if withdrawn else publication.public_text,
        sha256="" if withdrawn else publication.public_sha256,
        fields={} if withdrawn else shown_fields,
        withdrawn=withdrawn,
        withdrawal_reason=publication.get_withdrawal_reason_display() if withdrawn else "",
        withdrawal_statement=publication.withdrawal_statement if withdrawn else "",
        ledger_index=entry.sequence if entry is not None and not withdrawn else None,
        leaf=entry.leaf if entry is not None and not withdrawn else "",
        head_size=head.size if head is not None else None,
        head_root=head.root if head is not None else "",
        head_signed_at=head.signed_at.isoformat() if head is not None else "",
        head_key_id=head.key.key_id if head is not None else "",
    )


def leaf_content_sha256(leaf: str) -> str:
    value = json.loads(leaf).get("content_sha256") if leaf else None
    return str(value or "")
