"""What the public reads of 事后公开 (the portal imports only this module of the app)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sanxiang.core.beijing import beijing_iso
from sanxiang.disclosure.annual import AnnualFigures, report_context
from sanxiang.disclosure.exporting import COLUMNS, exchange_row
from sanxiang.disclosure.models import (
    ActKind,
    AnnualReport,
    ListingKind,
    ListingSnapshot,
    Publication,
    PublicationStatus,
    PublicationVersion,
)
from sanxiang.disclosure.search import recent_matches, search_filter
from sanxiang.ledger.canonical import canonical_json
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
    ledger_index: int | None  # the position in its agency's log (``ledger_log``)
    ledger_log: int | None
    leaf: str
    head_size: int | None
    head_root: str
    head_signed_at: str
    head_key_id: str
    # 行政许可 only: 有效, or 已撤销 / 已注销 once a later decision ended it (acts); else "".
    standing: str = ""


def kinds_public() -> list[tuple[str, str]]:
    return list(ActKind.choices)


def _live(
    *, query: str, agency_id: int | None, kind: str, since: date | None, until: date | None
) -> QuerySet[Publication]:
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
    # A withdrawn decision's text is no longer public: only its title is searched (search.py).
    return search_filter(rows, query)


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
    rows = _live(query="", agency_id=agency_id, kind=kind, since=since, until=until)
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


def _anchor(
    object_type: str, object_id: int, content_sha256: str
) -> tuple[LedgerEntry | None, TreeHead | None]:
    """The newest ledger event recording this content, and the first signed head holding it."""
    entry = (
        LedgerEntry.objects.filter(
            object_type=object_type, object_id=str(object_id), content_sha256=content_sha256
        )
        .order_by("-sequence")
        .first()
    )
    head = (
        TreeHead.objects.filter(log_id=entry.log_id, size__gt=entry.index)
        .select_related("key")
        .order_by("size")
        .first()
        if entry is not None
        else None
    )
    return entry, head


def publication_public(publication_id: int) -> PublicDecision | None:
    publication = (
        Publication.objects.filter(pk=publication_id, status__in=LIVE)
        .select_related("agency", "permit")
        .first()
    )
    if publication is None:
        return None
    withdrawn = publication.status == PublicationStatus.WITHDRAWN
    entry, head = _anchor("disclosure.publication", publication.pk, publication.public_sha256)
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
        ledger_index=entry.index if entry is not None and not withdrawn else None,
        ledger_log=entry.agency_id if entry is not None else None,
        leaf=entry.leaf if entry is not None and not withdrawn else "",
        head_size=head.size if head is not None else None,
        head_root=head.root if head is not None else "",
        head_signed_at=beijing_iso(head.signed_at) if head is not None else "",
        head_key_id=head.key.key_id if head is not None else "",
        standing=publication.permit.get_standing_display() if publication.permit else "",
    )


def leaf_content_sha256(leaf: str) -> str:
    value = json.loads(leaf).get("content_sha256") if leaf else None
    return str(value or "")


# --- 事前公开 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicListing:
    """The newest published version of one agency's list, with what proves it unaltered."""

    agency: str
    kind: str
    label: str
    number: int
    published_on: date
    content: dict[str, Any]
    canonical: str
    sha256: str
    ledger_index: int | None  # the position in its agency's log (``ledger_log``)
    ledger_log: int | None
    leaf: str
    head_size: int | None
    head_root: str
    head_signed_at: str
    head_key_id: str


def listing_kinds_public() -> list[tuple[str, str]]:
    return list(ListingKind.choices)


def listings_public(kind: str) -> list[PublicListing]:
    """Each agency's newest published version of list ``kind`` (an unknown kind: none)."""
    if kind not in ListingKind.values:
        return []
    newest = (
        ListingSnapshot.objects.filter(kind=kind, agency=OuterRef("agency"))
        .order_by("-number")
        .values("pk")[:1]
    )
    snapshots = (
        ListingSnapshot.objects.filter(kind=kind, pk=Subquery(newest))
        .select_related("agency")
        .order_by("agency__name")
    )
    found = []
    for snapshot in snapshots:
        entry, head = _anchor("disclosure.listing", snapshot.pk, snapshot.sha256)
        found.append(
            PublicListing(
                agency=snapshot.agency.name,
                kind=snapshot.kind,
                label=snapshot.get_kind_display(),
                number=snapshot.number,
                published_on=timezone.localtime(snapshot.published_at).date(),
                content=snapshot.content,
                canonical=canonical_json(snapshot.content).decode("utf-8"),
                sha256=snapshot.sha256,
                ledger_index=entry.index if entry is not None else None,
                ledger_log=entry.agency_id if entry is not None else None,
                leaf=entry.leaf if entry is not None else "",
                head_size=head.size if head is not None else None,
                head_root=head.root if head is not None else "",
                head_signed_at=beijing_iso(head.signed_at) if head is not None else "",
                head_key_id=head.key.key_id if head is not None else "",
            )
        )
    return found


@dataclass(frozen=True)
class PublicAnnualReportRow:
    id: int
    agency: str
    year: int
    published_at: datetime


@dataclass(frozen=True)
class PublicAnnualReport:
    id: int
    agency: str
    year: int
    published_at: datetime
    figures: AnnualFigures
    snapshot: str  # the exact published JSON, which hashes to ``sha256``
    sha256: str
    ledger_index: int | None


def annual_reports_public() -> list[PublicAnnualReportRow]:
    """Published 行政执法统计年报, newest year first."""
    return [
        PublicAnnualReportRow(r.pk, r.agency.name, r.year, r.published_at)
        for r in AnnualReport.objects.select_related("agency").order_by("-year", "agency__name")
    ]


def annual_report_public(report_id: int) -> PublicAnnualReport | None:
    """One published report as it was frozen — never recomputed from today's records."""
    report = AnnualReport.objects.filter(pk=report_id).select_related("agency").first()
    if report is None:
        return None
    entry = LedgerEntry.objects.filter(
        object_type="disclosure.annualreport",
        object_id=str(report.pk),
        content_sha256=report.sha256,
    ).first()
    return PublicAnnualReport(
        id=report.pk,
        agency=report.agency.name,
        year=report.year,
        published_at=report.published_at,
        figures=AnnualFigures.from_json(json.loads(report.snapshot)),
        snapshot=report.snapshot,
        sha256=report.sha256,
        ledger_index=entry.index if entry is not None else None,
    )


def annual_report_context_public(report: PublicAnnualReport) -> dict[str, object]:
    """The published figures laid out for the page: sections and the charts as inline SVG."""
    return report_context(report.figures)


# Data exchange (the JSON API): the same publications, with the 双公示 fields of the exports.


@dataclass(frozen=True)
class PublicVersion:
    number: int
    sha256: str
    confirmed_at: datetime


@dataclass(frozen=True)
class PublicRecord:
    """One publication for exchange with other platforms. A withdrawn one keeps only what its
    notice shows: no fields, no text digest, no ledger reference."""

    id: int
    title: str
    agency_id: int
    agency: str
    kind: str
    kind_label: str
    decided_on: date
    published_at: datetime | None
    withdrawn: bool
    withdrawn_at: datetime | None
    withdrawal_reason: str
    withdrawal_statement: str
    sha256: str
    exchange: dict[str, str] | None  # exporting.COLUMNS → value
    ledger_index: int | None


def _record(publication: Publication, ledger_index: int | None) -> PublicRecord:
    withdrawn = publication.status == PublicationStatus.WITHDRAWN
    row = exchange_row(
        publication.pk,
        publication.fields,
        publication.status,
        publication.public_sha256,
        publication.kind,
        publication.credit_until,
        publication.credit_severity,
    )
    return PublicRecord(
        id=publication.pk,
        title=publication.title,
        agency_id=publication.agency_id,
        agency=publication.agency.name,
        kind=publication.kind,
        kind_label=publication.get_kind_display(),
        decided_on=publication.decided_on,
        published_at=publication.published_at,
        withdrawn=withdrawn,
        withdrawn_at=publication.withdrawn_at if withdrawn else None,
        withdrawal_reason=publication.get_withdrawal_reason_display() if withdrawn else "",
        withdrawal_statement=publication.withdrawal_statement if withdrawn else "",
        sha256="" if withdrawn else publication.public_sha256,
        exchange=None if withdrawn else dict(zip(COLUMNS, row, strict=True)),
        ledger_index=None if withdrawn else ledger_index,
    )


def _ledger_indexes(publications: list[Publication]) -> dict[int, int]:
    """The newest ledger entry recording each publication's current public text, in one query."""
    wanted = {str(p.pk): p.public_sha256 for p in publications if p.public_sha256}
    found: dict[int, int] = {}
    entries = LedgerEntry.objects.filter(
        object_type="disclosure.publication", object_id__in=list(wanted)
    ).values_list("object_id", "content_sha256", "index")
    for object_id, digest, index in entries:  # one publication's events: one agency's log
        if digest == wanted[object_id]:
            found[int(object_id)] = max(index, found.get(int(object_id), -1))
    return found


def publication_records_public(
    *,
    query: str = "",
    agency_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
    after: tuple[date, int] | None = None,
    limit: int = 20,
) -> list[PublicRecord]:
    """Like ``publications_public``, newest first, but paged by key: ``after`` is the
    (decided_on, id) of the last row already seen, so a page costs the same at row 1,000,000
    as at row 1 and rows published meanwhile neither repeat nor shift the pages."""
    rows = _live(query=query, agency_id=agency_id, kind=kind, since=since, until=until)
    if after is not None:
        day, pk = after
        # decided_on <= day is what an index on decided_on can seek to; the OR alone is only
        # a filter, and PostgreSQL would read every newer row first (1 s at 1,000,000 rows).
        rows = rows.filter(decided_on__lte=day).filter(Q(decided_on__lt=day) | Q(pk__lt=pk))
    page = list(rows.select_related("agency").order_by("-decided_on", "-pk")[:limit])
    indexes = _ledger_indexes(page)
    return [_record(p, indexes.get(p.pk)) for p in page]


def publication_record_public(publication_id: int) -> PublicRecord | None:
    publication = (
        Publication.objects.filter(pk=publication_id, status__in=LIVE)
        .select_related("agency")
        .first()
    )
    if publication is None:
        return None
    return _record(publication, _ledger_indexes([publication]).get(publication.pk))


def publication_versions_public(publication_id: int) -> list[PublicVersion]:
    """Each confirmed public text's number, digest and time; none once withdrawn."""
    return [
        PublicVersion(number, digest, confirmed_at)
        for number, digest, confirmed_at in PublicationVersion.objects.filter(
            publication_id=publication_id, publication__status=PublicationStatus.PUBLISHED
        )
        .order_by("number")
        .values_list("number", "sha256", "confirmed_at")
    ]
