"""Demo data for ``sanxiang demo``: fictional agencies and people, real laws. Idempotent."""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import NumberingRule
from sanxiang.disclosure.listings import (
    content_sha256,
    latest_snapshot,
    listing_content,
    listing_publish,
)
from sanxiang.disclosure.models import ListingKind
from sanxiang.discretion.models import Benchmark
from sanxiang.discretion.services import benchmark_import, benchmark_publish
from sanxiang.ledger.services import tree_heads_sign
from sanxiang.org.events import org_row_created
from sanxiang.org.models import (
    Agency,
    Article,
    Certificate,
    EnforcementCategory,
    EnforcementItem,
    Officer,
    RandomCheckItem,
    RemedyChannel,
    Role,
    RoleAssignment,
    ServiceGuide,
    SupervisoryBody,
    Unit,
)
from sanxiang.org.remedies import remedy_defaults
from sanxiang.org.services import categories_load, laws_load, officers_import
from sanxiang.review.loading import review_defaults_load

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
# Known to everyone who reads the README: a demo installation is not a production one.
DEMO_PASSWORD = "sanxiang-demo"  # noqa: S105 - printed by `sanxiang demo` on purpose


@dataclass
class DemoSummary:
    """What the demo holds, for printing the log-ins."""

    accounts: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # login, name, agency, roles


#: The year the demo's certificate dates are written for (data/demo/officers.csv).
DEMO_DATES_YEAR = 2026


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _as_of_this_year(row: dict[str, str]) -> dict[str, str]:
    """The demo row with its certificate dates moved by whole years to the year it is loaded,
    so that a demo loaded in any year has the same valid and expired certificates (孙磊's
    expired one included) as one loaded in 2026."""
    years = timezone.localdate().year - DEMO_DATES_YEAR
    if not years:
        return row
    moved = dict(row)
    for column in ("有效期起", "有效期止"):
        moved[column] = _shift_years(date.fromisoformat(row[column]), years).isoformat()
    return moved


@transaction.atomic
def demo_load(*, data_dir: Path = DATA_DIR) -> DemoSummary:
    """Load categories, laws, two agencies with units, their staff and log-ins."""
    categories_load(path=data_dir / "enforcement_categories.csv")
    laws_load(index=data_dir / "laws" / "index.csv")
    spec = json.loads((data_dir / "demo" / "agencies.json").read_text(encoding="utf-8"))
    for item in spec["agencies"]:
        agency, created = Agency.objects.update_or_create(
            credit_code=item["credit_code"],
            defaults={
                key: item[key]
                for key in ("name", "level", "region", "address", "phone", "authority_basis")
            },
        )
        agency.full_clean()
        if created:
            org_row_created(agency)
        agency.authority_articles.set(
            Article.objects.get(law__title=title, number=number)
            for title, number in item["authority_articles"]
        )
        for kind, prefix in item.get("numbering", {}).items():
            NumberingRule.objects.update_or_create(
                agency=agency, kind=kind, defaults={"prefix": prefix}
            )
        review_defaults_load(agency=agency)
        for spec_unit in item["units"]:
            unit, created = Unit.objects.update_or_create(
                agency=agency,
                name=spec_unit["name"],
                defaults={"is_legal_review_body": spec_unit["is_legal_review_body"]},
            )
            if created:
                org_row_created(unit)

    officers_file = data_dir / "demo" / "officers.csv"
    with officers_file.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    known = set(Certificate.objects.values_list("number", flat=True))
    missing = [_as_of_this_year(row) for row in rows if row["执法证号"] not in known]
    if missing:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(missing)
        content = buffer.getvalue().encode("utf-8")
        officers_import(
            actor=None, filename="officers.csv", content=content, max_bytes=len(content)
        )
    logins = {row["执法证号"]: row["登录名"] for row in rows}
    for certificate in Certificate.objects.filter(number__in=logins).select_related("officer"):
        _ensure_login(certificate.officer, logins[certificate.number], superuser=False)

    for person in spec["staff_without_certificate"]:
        unit = Unit.objects.get(agency__name=person["agency"], name=person["unit"])
        officer = Officer.objects.filter(user__username=person["login"]).first()
        if officer is None:
            officer = Officer.objects.create(
                name=person["name"],
                gender=person["gender"],
                unit=unit,
                post=person["post"],
                has_legal_qualification=person.get("has_legal_qualification", False),
            )
            RoleAssignment.objects.bulk_create(
                RoleAssignment(officer=officer, role=role) for role in person["roles"]
            )
            org_row_created(officer)
        _ensure_login(officer, person["login"], superuser=person.get("superuser", False))

    _public_lists_load(data_dir / "demo" / "public_lists.json")
    _discretion_load(data_dir / "discretion")
    _supervisory_bodies_load(spec.get("supervisory_bodies", []))

    tree_heads_sign()  # every log that grew
    summary = DemoSummary()
    for officer in (
        Officer.objects.filter(user__isnull=False)
        .select_related("user", "unit__agency")
        .prefetch_related("roles")
        .order_by("unit__agency__name", "pk")
    ):
        assert officer.user is not None  # noqa: S101 - filtered above
        roles = "、".join(r.get_role_display() for r in officer.roles.all())
        summary.accounts.append(
            (officer.user.username, officer.name, officer.unit.agency.name, roles)
        )
    logger.info("demo data loaded: %d accounts", len(summary.accounts))
    return summary


def _articles(cited: list[list[Any]]) -> list[Article]:
    return [Article.objects.get(law__title=title, number=number) for title, number in cited]


def _public_lists_load(path: Path) -> None:
    """The demo agency's 事前公开 data, published once by its head (as a real agency would)."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    for entry in spec["agencies"]:
        agency = Agency.objects.get(credit_code=entry["credit_code"])
        if agency.functions != entry["functions"]:
            agency.functions = entry["functions"]
            agency.save(update_fields=["functions"])
        for name, fields in entry["units"].items():
            Unit.objects.filter(agency=agency, name=name).update(**fields)
        units = {unit.name: unit for unit in agency.units.all()}
        for row in entry["items"]:
            item, _ = EnforcementItem.objects.update_or_create(
                agency=agency,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "category": EnforcementCategory.objects.get(name=row["category"]),
                    "unit": units[row["unit"]],
                    "authority": row["authority"],
                    "duty": row["duty"],
                    "discretion_basis": row["discretion_basis"],
                },
            )
            item.basis_articles.set(_articles(row["basis"]))
            guide = entry["guides"].get(row["code"])
            if guide is not None:
                ServiceGuide.objects.update_or_create(item=item, defaults=guide)
        for row in entry["random_checks"]:
            check, _ = RandomCheckItem.objects.update_or_create(
                agency=agency,
                code=row["code"],
                defaults={
                    **{k: row[k] for k in ("name", "targets", "population", "cycle", "method")},
                    "content": row["content"],
                    "ratio_percent": Decimal(row["ratio_percent"]),
                    "unit": units[row["unit"]],
                },
            )
            check.basis_articles.set(_articles(row["basis"]))
        defaults = remedy_defaults()
        for row in entry["remedies"]:
            statutory = defaults[row["kind"]]
            RemedyChannel.objects.update_or_create(
                agency=agency,
                kind=row["kind"],
                body=row["body"],
                defaults={
                    "address": row["address"],
                    "phone": row["phone"],
                    "period": statutory.period,
                    "basis": statutory.basis,
                    "how": statutory.how,
                },
            )
        head = (
            Officer.objects.filter(unit__agency=agency, roles__role=Role.HEAD, is_active=True)
            .order_by("pk")
            .first()
        )
        if head is None:
            continue
        for kind in ListingKind:
            if latest_snapshot(agency.pk, kind) is None:
                content = listing_content(agency, kind)
                listing_publish(actor=head, kind=kind, expected_sha256=content_sha256(content))


#: The demo's 裁量基准, loaded through the importer like any agency's file (data/discretion/):
#: the city agency's is illustrative; the market agency's is the real national 首违不罚 and
#: 轻微免罚 list (国市监法〔2025〕10号), its entries under 食品安全法 (data/discretion/README.md).
DISCRETION_FILES = {
    "11990100MB0100011E": "shifan-chengguan-2026.csv",
    "11990100MB0200028P": "samr-shouwei-qingwei-2025.csv",
}


def _discretion_load(directory: Path) -> None:
    """Import and publish each demo agency's 裁量基准 once (a later run finds it in place)."""
    for credit_code, name in DISCRETION_FILES.items():
        agency = Agency.objects.get(credit_code=credit_code)
        if Benchmark.objects.filter(agency=agency).exists():
            continue
        path = directory / name
        draft = benchmark_import(agency=agency, filename=path.name, content=path.read_bytes())
        benchmark_publish(benchmark_id=draft.pk)


def _supervisory_bodies_load(bodies: list[dict[str, Any]]) -> None:
    """The 行政执法监督机构 and the agencies of their areas (a parent is listed before its
    children); their 监督人员 are the staff of the body's agency with the 监督人员 role."""
    for item in bodies:
        body, created = SupervisoryBody.objects.update_or_create(
            name=item["name"],
            defaults={
                "level": item["level"],
                "region": item["region"],
                "agency": Agency.objects.get(name=item["agency"]),
                "parent": SupervisoryBody.objects.get(name=item["parent"])
                if item.get("parent")
                else None,
            },
        )
        body.agencies.set(Agency.objects.filter(name__in=item["agencies"]))
        if created:
            org_row_created(body)


def _ensure_login(officer: Officer, username: str, *, superuser: bool) -> None:
    """Give ``officer`` the demo log-in ``username`` unless it already has one."""
    if officer.user_id is not None:
        return
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, is_staff=superuser, is_superuser=superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
    officer.user = user
    officer.save(update_fields=["user"])
