"""Load an agency's default 法制审核目录清单 and 送审材料 from the cited files in data/review/."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from sanxiang.cases.models import PenaltyKind, Procedure, ReviewFlag
from sanxiang.errors import DomainError
from sanxiang.org.models import Agency
from sanxiang.review.events import review_row_loaded
from sanxiang.review.models import CatalogueRule, MaterialSource, RequiredMaterial, ReviewPolicy

DATA = Path(__file__).resolve().parents[2] / "data" / "review"


class LoadError(DomainError):
    pass


def _yes(value: str, where: str) -> bool:
    if value.strip() not in ("yes", "no"):
        raise LoadError(f"{where}：应填 yes 或 no。", log_message=f"{where}: not yes/no")
    return value.strip() == "yes"


def _choice(value: str, choices: list[str], where: str) -> str:
    value = value.strip()
    if value and value not in choices:
        raise LoadError(f"{where}：“{value}”不是可用的代码。", log_message=f"{where}: {value!r}")
    return value


def _created(obj: CatalogueRule | RequiredMaterial | ReviewPolicy) -> None:
    review_row_loaded(obj)


@transaction.atomic
def review_defaults_load(
    *,
    agency: Agency,
    catalogue: Path = DATA / "catalogue.csv",
    materials: Path = DATA / "materials.csv",
) -> tuple[int, int]:
    """Add the rows whose positions the agency lacks; returns how many of each were added."""
    added_rules = added_materials = 0
    with catalogue.open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{catalogue.name} 第{line}行"
            position = int(row["position"])
            if CatalogueRule.objects.filter(agency=agency, position=position).exists():
                continue
            rule = CatalogueRule(
                agency=agency,
                position=position,
                title=row["title"].strip(),
                procedure=_choice(row["procedure"], Procedure.values, where),
                penalty_kind=_choice(row["penalty_kind"], PenaltyKind.values, where),
                min_amount_yuan=Decimal(row["min_amount_yuan"]) if row["min_amount_yuan"] else None,
                hearing_held=_yes(row["hearing_held"], where),
                case_flag=_choice(row["case_flag"], ReviewFlag.values, where),
                basis=row["basis"].strip(),
                is_active=_yes(row["active"], where),
            )
            rule.full_clean()
            rule.save()
            _created(rule)
            added_rules += 1
    with materials.open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{materials.name} 第{line}行"
            position = int(row["position"])
            if RequiredMaterial.objects.filter(agency=agency, position=position).exists():
                continue
            material = RequiredMaterial(
                agency=agency,
                position=position,
                name=row["name"].strip(),
                procedure=_choice(row["procedure"], Procedure.values, where),
                source=_choice(row["source"], MaterialSource.values, where),
                document_kind=row["document_kind"].strip(),
                only_if_heard=_yes(row["only_if_heard"], where),
            )
            material.full_clean()
            material.save()
            _created(material)
            added_materials += 1
    if not ReviewPolicy.objects.filter(agency=agency).exists():
        policy = ReviewPolicy.objects.create(agency=agency)
        _created(policy)
    return added_rules, added_materials
