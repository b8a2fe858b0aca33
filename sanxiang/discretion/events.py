"""The discretion app's ledger events and their builders (see ``sanxiang.ledger.events``).

Publishing and superseding carry the digest of the version's content as ``benchmark_content``
computes it (also printed on the portal), so a reader can hold the published text to the log.
"""

from __future__ import annotations

from typing import Any

from sanxiang.discretion.models import Benchmark, TierKind
from sanxiang.ledger.events import Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry


class DiscretionEvent(Event):
    IMPORTED = "discretion.benchmark.imported", "discretion.benchmark"
    PUBLISHED = "discretion.benchmark.published", "discretion.benchmark"
    SUPERSEDED = "discretion.benchmark.superseded", "discretion.benchmark"


def _amount(value: Any) -> str | None:
    return None if value is None else str(value)


def _articles(manager: Any) -> list[str]:
    return sorted(f"{a.law.title}{a.label}" for a in manager.all())


def benchmark_content(benchmark: Benchmark) -> dict[str, Any]:
    """The version as a structure: what its digest covers (metadata, 违法行为, tiers, 情节)."""
    violations = benchmark.violations.prefetch_related(
        "tiers", "violated_articles__law", "penalty_articles__law"
    ).select_related("item")
    content: dict[str, Any] = {
        "agency_id": benchmark.agency_id,
        "number": benchmark.number,
        "title": benchmark.title,
        "issuer": benchmark.issuer,
        "document_number": benchmark.document_number,
        "source": benchmark.source,
        "valid_from": benchmark.valid_from.isoformat(),
        "violations": [
            {
                "code": v.code,
                "name": v.name,
                "keywords": v.keywords,
                "item": v.item.code,
                "violated_basis": v.violated_basis,
                "penalty_basis": v.penalty_basis,
                "violated_articles": _articles(v.violated_articles),
                "penalty_articles": _articles(v.penalty_articles),
                "statutory_text": v.statutory_text,
                "fine": [_amount(v.fine_min), _amount(v.fine_max)],
                "multiple_base": v.multiple_base,
                "multiple": [_amount(v.multiple_min), _amount(v.multiple_max)],
                "other_penalties": v.other_penalties,
                "tiers": [
                    {
                        "name": t.name,
                        "kind": t.kind,
                        "conditions": t.conditions,
                        "fine": [_amount(t.fine_min), _amount(t.fine_max)],
                        "multiple": [_amount(t.multiple_min), _amount(t.multiple_max)],
                        "other_penalties": t.other_penalties,
                    }
                    for t in v.tiers.all()
                ],
            }
            for v in violations
        ],
        "circumstances": [
            {
                "kind": c.kind,
                "violation": c.violation.code if c.violation else None,
                "text": c.text,
                "basis": c.basis,
                "articles": _articles(c.articles),
            }
            for c in benchmark.circumstances.select_related("violation").prefetch_related(
                "articles__law"
            )
        ],
    }
    if benchmark.both_tier_kind != TierKind.ORDINARY:
        # Only an agency's own rule is named, so the digests of versions published before the
        # rule could be set stay what their ledger events say.
        content["both_tier_kind"] = benchmark.both_tier_kind
    return content


@builds(DiscretionEvent.IMPORTED)
def benchmark_imported(benchmark: Benchmark, *, actor: str) -> LedgerEntry:
    """A draft version made from an imported file (the file's digest)."""
    return DiscretionEvent.IMPORTED.append(
        benchmark.pk,
        actor=actor,
        agency_id=benchmark.agency_id,
        content_sha256=benchmark.file_sha256,
    )


@builds(DiscretionEvent.PUBLISHED, DiscretionEvent.SUPERSEDED)
def benchmark_status_recorded(
    event: DiscretionEvent, benchmark: Benchmark, *, actor: str
) -> LedgerEntry:
    """A version put in force, or superseded by the next: the digest of its content."""
    return event.append(
        benchmark.pk,
        actor=actor,
        agency_id=benchmark.agency_id,
        content_sha256=benchmark.content_sha256 or content_digest(benchmark_content(benchmark)),
    )
