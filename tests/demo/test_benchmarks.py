"""The 裁量基准 ``sanxiang demo`` ships (data/discretion/): each imports through the importer
without a problem and cites only articles of the 法律法规库 loaded from data/laws/."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanxiang.demo.services import DISCRETION_FILES, demo_load
from sanxiang.discretion.importing import read_benchmark
from sanxiang.discretion.models import Benchmark, BenchmarkStatus
from sanxiang.org.models import Agency, Article

DISCRETION = Path(__file__).resolve().parents[2] / "data" / "discretion"


@pytest.mark.django_db
def test_every_shipped_demo_benchmark_imports_cleanly_and_cites_only_library_articles():
    demo_load()
    for credit_code, name in DISCRETION_FILES.items():
        agency = Agency.objects.get(credit_code=credit_code)
        checked, errors = read_benchmark(
            agency=agency, filename=name, content=(DISCRETION / name).read_bytes()
        )
        assert errors == [], name
        cited = {
            article.pk
            for violation in checked.violations
            for article in (*violation.violated_articles, *violation.penalty_articles)
        } | {article.pk for c in checked.circumstances for article in c.articles}
        assert cited, name
        assert Article.objects.filter(pk__in=cited).count() == len(cited)
        in_force = Benchmark.objects.get(agency=agency, status=BenchmarkStatus.IN_FORCE)
        assert in_force.title == checked.title


@pytest.mark.django_db
def test_the_market_agency_publishes_the_real_national_list_citing_the_food_safety_law():
    demo_load()
    benchmark = Benchmark.objects.get(
        agency__credit_code="11990100MB0200028P", status=BenchmarkStatus.IN_FORCE
    )
    assert (benchmark.issuer, benchmark.document_number) == (
        "国家市场监督管理总局",
        "国市监法〔2025〕10号",
    )
    cited = {
        (article.law.title, article.number)
        for violation in benchmark.violations.all()
        for article in violation.penalty_articles.select_related("law")
    }
    assert ("中华人民共和国食品安全法", 124) in cited
    assert {title for title, _ in cited} == {"中华人民共和国食品安全法"}
    # The city agency's file says on its face that it is illustrative.
    city = Benchmark.objects.get(agency__credit_code="11990100MB0100011E")
    assert "示范数据" in city.title
