"""Fixtures of the 裁量基准 tests: the articles and 执法事项 the sample file cites, the sample
file itself (data/discretion/) and ways to spoil one of its rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

# The case tests' people, for the tests of choosing a 违法行为 in a case.
from tests.cases.conftest import staff, statutory_catalogue  # noqa: F401
from tests.conftest import make_officer

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "discretion" / "shifan-chengguan-2026.csv"


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def changed(row_number: int, **cells: str) -> bytes:
    """The sample file with the cells of one row (numbered as a spreadsheet shows it) changed."""
    rows = sample_rows()
    rows[row_number - 2].update(cells)
    return as_csv(rows)


def row_of(name: str, code: str = "SR-001") -> int:
    """The spreadsheet row number of a tier of the sample file."""
    for number, row in enumerate(sample_rows(), start=2):
        if row["类型"] == "阶次" and row["编号"] == code and row["名称"] == name:
            return number
    raise LookupError(name)


@pytest.fixture
def laws(db):
    from sanxiang.org.models import Article, Law

    made = {}
    for title, kind, numbers in (
        (
            "城市市容和环境卫生管理条例",
            "admin_regulation",
            ((11, "第十一条"), (14, "第十四条"), (36, "第三十六条")),
        ),
        ("中华人民共和国行政处罚法", "law", ((32, "第三十二条"), (33, "第三十三条"))),
    ):
        law = Law.objects.create(
            title=title,
            kind=kind,
            issuer="测试",
            promulgated_on=date(2017, 3, 1),
            effective_on=date(2017, 3, 1),
            source="测试",
        )
        for number, label in numbers:
            made[(title, number)] = Article.objects.create(
                law=law, number=number, label=label, text=f"{label}条文"
            )
    return made


@pytest.fixture
def items(agency, laws):
    from sanxiang.org.models import EnforcementCategory, EnforcementItem

    category = EnforcementCategory.objects.get(name="城市管理")
    return {
        code: EnforcementItem.objects.create(
            agency=agency, code=code, name=name, kind="penalty", category=category, authority="处罚"
        )
        for code, name in (
            ("CG-CF-001", "对擅自堆放物料影响市容的行政处罚"),
            ("CG-CF-002", "对擅自设置大型户外广告的行政处罚"),
        )
    }


@pytest.fixture
def legal_unit(agency):
    from sanxiang.org.models import Unit

    return Unit.objects.get(agency=agency, name="法制科")


@pytest.fixture
def drafter(legal_unit):
    """A 法制科 member without any special role: drafts the benchmark."""
    return make_officer(
        unit=legal_unit, name="法制员", number=None, roles=(), user=User.objects.create_user("fz")
    )


@pytest.fixture
def head(agency):
    from sanxiang.org.models import Unit

    unit = Unit.objects.get(agency=agency, name="执法一大队")
    return make_officer(
        unit=unit,
        name="负责人",
        number=None,
        roles=("head",),
        user=User.objects.create_user("head"),
    )


@pytest.fixture
def patrol(agency):
    from sanxiang.org.models import Unit

    unit = Unit.objects.get(agency=agency, name="执法一大队")
    return make_officer(
        unit=unit, name="队员", number="99010010001", user=User.objects.create_user("patrol")
    )


@pytest.fixture
def published(agency, items):
    """The sample file imported and put in force (as the demo does)."""
    from sanxiang.discretion.services import benchmark_import, benchmark_publish

    draft = benchmark_import(agency=agency, filename=SAMPLE.name, content=SAMPLE.read_bytes())
    return benchmark_publish(benchmark_id=draft.pk)
