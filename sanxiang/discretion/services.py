"""Writes of 裁量基准: import a file as a draft version, put a version in force (superseding the
one before). Each write is one transaction with its ledger event."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.discretion import events
from sanxiang.discretion.importing import read_benchmark
from sanxiang.discretion.models import (
    Benchmark,
    BenchmarkStatus,
    Circumstance,
    Tier,
    Violation,
)
from sanxiang.errors import DomainError
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.services import SYSTEM, actor_for, sha256_hex
from sanxiang.org.importing import ImportRejected
from sanxiang.org.models import Agency, Officer, Role

logger = logging.getLogger(__name__)


class DiscretionRefused(DomainError):
    """A step on a 裁量基准 the rules do not allow."""


def may_import(officer: Officer) -> bool:
    """The agency's 法制 staff (法制审核人员, or anyone in the 法制机构) and its 负责人 prepare
    the benchmark: it is legal drafting, the 法制机构's work, reviewed before the head signs."""
    return officer.is_active and (
        officer.has_role(Role.HEAD)
        or officer.has_role(Role.REVIEWER)
        or officer.unit.is_legal_review_body
    )


def may_publish(officer: Officer) -> bool:
    """Only the 负责人 puts a version in force: publishing binds every officer of the agency."""
    return officer.is_active and officer.has_role(Role.HEAD)


def _actor(officer: Officer | None) -> str:
    return actor_for(officer.user) if officer is not None else SYSTEM


def benchmark_import(
    *, agency: Agency, filename: str, content: bytes, officer: Officer | None = None
) -> Benchmark:
    """A draft version of ``agency``'s 裁量基准 from a file: every row checked, all or nothing.

    ``officer`` is None for the command line and the demo. Raises ``ImportRejected`` with every
    row's problem (nothing stored) or ``ImportFileError`` when the file cannot be read.
    """
    if officer is not None and (officer.unit.agency_id != agency.pk or not may_import(officer)):
        raise DiscretionRefused(
            "只有本单位法制机构人员、法制审核人员或负责人可以导入裁量基准。",
            log_message=f"officer {officer.pk} may not import benchmarks of agency {agency.pk}",
        )
    checked, errors = read_benchmark(agency=agency, filename=filename, content=content)
    if errors:
        raise ImportRejected(errors)
    assert checked.valid_from is not None  # noqa: S101 - read_benchmark reported it otherwise
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        number = (Benchmark.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
        benchmark = Benchmark.objects.create(
            agency=agency,
            number=number,
            title=checked.title,
            issuer=checked.issuer,
            document_number=checked.document_number,
            source=checked.source,
            valid_from=checked.valid_from,
            both_tier_kind=checked.both_tier_kind,
            file_sha256=sha256_hex(content),
        )
        by_code: dict[str, Violation] = {}
        for position, row in enumerate(checked.violations, start=1):
            assert row.item is not None  # noqa: S101 - read_benchmark reported it otherwise
            violation = Violation.objects.create(
                benchmark=benchmark,
                code=row.code,
                name=row.name,
                keywords=row.keywords,
                item=row.item,
                violated_basis=row.violated_basis,
                penalty_basis=row.penalty_basis,
                statutory_text=row.statutory_text,
                fine_min=row.fine.low,
                fine_max=row.fine.high,
                multiple_base=row.base,
                multiple_min=row.multiple.low,
                multiple_max=row.multiple.high,
                other_penalties=row.other_penalties,
                position=position,
            )
            violation.violated_articles.set(row.violated_articles)
            violation.penalty_articles.set(row.penalty_articles)
            by_code[row.code] = violation
            Tier.objects.bulk_create(
                Tier(
                    violation=violation,
                    name=tier.name,
                    kind=tier.kind,
                    conditions=tier.conditions,
                    fine_min=tier.fine.low,
                    fine_max=tier.fine.high,
                    multiple_min=tier.multiple.low,
                    multiple_max=tier.multiple.high,
                    other_penalties=tier.other_penalties,
                    position=index,
                )
                for index, tier in enumerate(row.tiers, start=1)
            )
        for position, entry in enumerate(checked.circumstances, start=1):
            circumstance = Circumstance.objects.create(
                benchmark=benchmark,
                kind=entry.kind,
                violation=by_code.get(entry.code),
                text=entry.text,
                basis=entry.basis,
                position=position,
            )
            circumstance.articles.set(entry.articles)
        events.benchmark_imported(benchmark, actor=_actor(officer))
    logger.info(
        "benchmark version %s of agency %s imported as draft: %s violations (file %s)",
        benchmark.number,
        agency.pk,
        len(checked.violations),
        benchmark.file_sha256,
    )
    return benchmark


def benchmark_publish(*, benchmark_id: int, officer: Officer | None = None) -> Benchmark:
    """Put a draft version in force; the version in force until then is superseded the day
    before the new one takes effect. Both steps are ledger events with the content digest."""
    with transaction.atomic():
        benchmark = Benchmark.objects.select_for_update().filter(pk=benchmark_id).first()
        if benchmark is None:
            raise DiscretionRefused(
                "未找到该裁量基准版本。", log_message=f"no benchmark {benchmark_id}"
            )
        if officer is not None and (
            officer.unit.agency_id != benchmark.agency_id or not may_publish(officer)
        ):
            raise DiscretionRefused(
                "只有本单位负责人可以发布裁量基准。",
                log_message=f"officer {officer.pk} may not publish benchmark {benchmark_id}",
            )
        if not benchmark.is_draft:
            raise DiscretionRefused(
                "该版本已经发布过，不能再次发布。",
                log_message=f"benchmark {benchmark_id} not draft",
            )
        current = (
            Benchmark.objects.select_for_update()
            .filter(agency_id=benchmark.agency_id, status=BenchmarkStatus.IN_FORCE)
            .first()
        )
        if current is not None and benchmark.valid_from <= current.valid_from:
            raise DiscretionRefused(
                f"新版本的施行日期（{benchmark.valid_from:%Y-%m-%d}）应晚于现行版本的施行日期"
                f"（{current.valid_from:%Y-%m-%d}）。",
                log_message=f"benchmark {benchmark_id} would start before the version in force",
            )
        actor = _actor(officer)
        if current is not None:
            current.status = BenchmarkStatus.SUPERSEDED
            current.valid_to = benchmark.valid_from - timedelta(days=1)
            current.save(update_fields=["status", "valid_to"])
            events.benchmark_status_recorded(
                events.DiscretionEvent.SUPERSEDED, current, actor=actor
            )
        benchmark.status = BenchmarkStatus.IN_FORCE
        benchmark.published_at = timezone.now()
        benchmark.content_sha256 = content_digest(events.benchmark_content(benchmark))
        benchmark.save(update_fields=["status", "published_at", "content_sha256"])
        events.benchmark_status_recorded(events.DiscretionEvent.PUBLISHED, benchmark, actor=actor)
    logger.info(
        "benchmark %s of agency %s in force from %s (superseded %s)",
        benchmark.pk,
        benchmark.agency_id,
        benchmark.valid_from,
        current.pk if current else None,
    )
    return benchmark
