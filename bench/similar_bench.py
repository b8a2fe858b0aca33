"""同案同罚 at scale: the similar-case query for a draft decision, against a plain PostgreSQL
full-text query on the same data in the same run; the index's build time and size.

Data (bench data, bulk-inserted, not made through the services): ``disclosure_bench.generate``
writes N published decisions with realistic redacted texts (违建, 占道经营, 户外广告, 油烟,
渣土, 噪声, 无照经营, 绿化; 24 agencies; three years). On PostgreSQL it writes ``--distinct``
texts in Python (default 100,000) and the N rows from them by one ``INSERT … SELECT``, each row
with its own date, decision number (title, text and search tokens) and fields, a text's copies
years apart. The database parses each text's tokens once: a row's ``search_vector`` is its
text's pieces joined with its own number's and date's by ``||`` (the column is made a plain one
for the load, as PostgreSQL 15 cannot make it generated again without parsing every row; the
tokens and the vector of 300 random rows are checked against ``search.index_text`` and
``to_tsvector``), and the table's secondary indexes are dropped for the load and made after it.
(Parsing ~1,000 tokens per row, ``to_tsvector`` was ~1.4 ms of a row's ~1.6 ms under load: the
``INSERT … SELECT`` wrote 215 rows/s at the previous stop.) This bench then gives each decision's
case the articles of its kind of violation (违法依据 and 处罚依据: one law per kind) and the
penalty kind 罚款, and on PostgreSQL copies the fine from the text into the published fields
(``罚款金额（元）``), all by SQL (one pass over the decisions per table). Each kind of violation is also a 违法行为 of a 裁量基准 (one
published bench version, tiers 从轻 < 1,000 ≤ 一般 < 10,000 ≤ 从重 yuan) chosen on its cases
(``discretion_violation``, by SQL), so the structural key carries the 违法行为.
``sanxiang similar reindex --bulk``'s function then builds the index (timed; ``--rowwise``: the
row-by-row rebuild), and its tables' size is
printed; the decided tiers are then set on the index rows by SQL from the fines (bench data has
no ``DecisionDiscretion`` rows: the decision step writes those).

The query: ``similar.selectors.similar_to(case)`` for draft cases (facts made by the same
generator, of one agency, with their kind's articles and a fine), in this process, timed over
``--queries`` drafts: candidates (full-text lookups of the draft's four rarest terms, same key,
same articles, same procedure, same 违法行为), BM25 + structure over them, and the band of amounts (same
违法行为 and tier).

Baselines on PostgreSQL, same data, same drafts, same agency, top 10:

- ``plainto_tsquery``: ``search_vector @@ plainto_tsquery('simple', <the draft's bigrams>)``
  ordered by ``ts_rank`` — PostgreSQL's own full-text search over the disclosure index
  (``to_tsvector('simple', search_tokens)``: character bigrams, as there is no Chinese parser);
  plainto_tsquery ANDs every bigram, so it needs the draft's whole wording;
- ``OR`` query: ``to_tsquery('simple', 'b1 | b2 | …')`` of the draft's distinct bigrams, ordered
  by ``ts_rank`` — what a "more like this" with PostgreSQL's own ranking costs.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/similar_bench.py
--count 100000`` (default 1,000,000 on PostgreSQL, 20,000 on SQLite). ``--eval`` also prints
retrieval quality on the hand-labelled set (data/similar-eval: recall@5 and nDCG@10 of the
product's ranking against BM25 alone and a reversed ranking, ``similar.evaluation``); ``--eval``
without ``--count`` runs only that, in a fresh database, in seconds.

Results: docs/operations/similar.md ("Measurements"). Last runs, 2026-12-06. 1,000,000
decisions (200,000 texts; load 7–15 while loading, 3–5 during the queries): INSERT … SELECT
640 rows/s, bulk index 1,235/s into 1,134 MB; similar_to p50 / p95 94 / 169 ms, plainto_tsquery
94 / 376 ms (1.00), OR query 1,204 / 2,639 ms (12.85). 200,000
decisions (40,000 texts), load average 2.4–4.5 during the load, build and queries: INSERT …
SELECT 2,387 rows/s (215 at the previous stop, load 10–17), bulk index 974/s (150/s) into
237 MB; similar_to p50 / p95 71 / 90 ms, plainto_tsquery 18 / 44 ms (0.25), OR query
217 / 246 ms (3.05). 100,000 decisions at load 8–17.5: INSERT … SELECT 874 rows/s, bulk index
289/s; similar_to 178 / 266 ms, plainto_tsquery 0.14, OR query 1.45.
Labelled set (2026-12-06): BM25 alone recall@5 0.717, nDCG@10 0.863; BM25 + structure
0.694, 0.935.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-similar-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

from disclosure_bench import GOODS, ROADS, SHOPS, THINGS, VIOLATIONS, WHERE, generate


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def attach_structure() -> dict[str, tuple[int, int]]:
    """Each bench decision's case gets its kind's two articles and the penalty kind 罚款."""
    from django.db import connection

    from sanxiang.org.models import Article, Law

    by_name: dict[str, tuple[int, int]] = {}
    for i, (name, _word, _facts, basis, _penalty) in enumerate(VIOLATIONS):
        law = Law.objects.create(
            title=basis.split("》")[0].lstrip("《") + f"（基准{i}）", kind="admin_regulation",
            issuer="测试", promulgated_on=date(2017, 1, 1), effective_on=date(2017, 1, 1),
            source="bench",
        )  # fmt: skip
        violated = Article.objects.create(law=law, number=10 + i, label=f"第{10 + i}条", text="…")
        penalty = Article.objects.create(law=law, number=60 + i, label=f"第{60 + i}条", text="…")
        by_name[name] = (violated.pk, penalty.pk)
    began = time.perf_counter()
    # One pass over the decisions per table: the kind is the title's last word ("<number> <kind>").
    kinds = " UNION ALL ".join(
        ["SELECT %s AS name, %s AS violated, %s AS penalty"]
        + ["SELECT %s, %s, %s"] * (len(by_name) - 1)
    )
    pairs = [v for name, (violated, penalty) in by_name.items() for v in (name, violated, penalty)]
    with connection.cursor() as cursor:
        for table in ("violated", "penalty"):
            cursor.execute(
                f"INSERT INTO cases_case_{table}_articles (case_id, article_id) "  # noqa: S608
                f"SELECT p.case_id, k.{table} FROM disclosure_publication p "
                f"JOIN ({kinds}) k "
                "ON p.title LIKE '%% ' || k.name WHERE p.kind = 'penalty'",
                pairs,
            )
        cursor.execute(
            "UPDATE cases_case SET penalty_kinds = %s WHERE number LIKE 'BENCH-%%'", ['["fine"]']
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE disclosure_publication SET fields = fields || jsonb_build_object("
                "'罚款金额（元）', substring(public_text from '罚款人民币([0-9]+)元')) "
                "WHERE public_text LIKE '%%罚款人民币%%' AND fields->>'罚款金额（元）' IS NULL"
            )
            cursor.execute("ANALYZE")
    print(f"  structure attached in {time.perf_counter() - began:.0f} s", flush=True)
    return by_name


TIERS = (("从轻处罚", "lighter", 0, 999), ("一般处罚", "ordinary", 1000, 9999),
         ("从重处罚", "heavier", 10000, 1000000))  # fmt: skip


def attach_violations() -> dict[str, int]:
    """A published bench 裁量基准 with one 违法行为 per kind, chosen on the kind's cases."""
    from django.db import connection

    from sanxiang.cases.models import Case
    from sanxiang.discretion.models import Benchmark, Tier, Violation
    from sanxiang.org.models import EnforcementCategory, EnforcementItem

    template = Case.objects.get(number="BENCH-TEMPLATE")
    category = EnforcementCategory.objects.first()
    assert category is not None
    item = EnforcementItem.objects.create(
        agency_id=template.agency_id, code="BENCH-CF", name="bench 行政处罚事项", kind="penalty",
        category=category, authority="处罚",
    )  # fmt: skip
    number = (Benchmark.objects.filter(agency_id=template.agency_id).count() or 0) + 100
    benchmark = Benchmark.objects.create(
        agency_id=template.agency_id, number=number, title="bench 裁量基准", issuer="bench",
        valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31),
    )  # fmt: skip
    by_name: dict[str, int] = {}
    for i, (name, _word, _facts, basis, penalty) in enumerate(VIOLATIONS):
        violation = Violation.objects.create(
            benchmark=benchmark, code=f"BENCH-{i:02d}", name=name, item=item,
            violated_basis=basis, penalty_basis=penalty, position=i,
        )  # fmt: skip
        for position, (tier, kind, low, high) in enumerate(TIERS):
            Tier.objects.create(
                violation=violation, name=tier, kind=kind, conditions="bench",
                fine_min=Decimal(low), fine_max=Decimal(high), position=position,
            )  # fmt: skip
        by_name[name] = violation.pk
    # Published (superseded, so the demo's version in force stays in force): rows are frozen.
    Benchmark.objects.filter(pk=benchmark.pk).update(status="superseded")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        kinds = " UNION ALL ".join(
            ["SELECT %s AS name, %s AS violation"] + ["SELECT %s, %s"] * (len(by_name) - 1)
        )
        cursor.execute(
            "UPDATE cases_case AS c SET discretion_violation_id = k.violation "  # noqa: S608
            f"FROM disclosure_publication p JOIN ({kinds}) k "
            "ON p.title LIKE '%% ' || k.name "
            "WHERE p.kind = 'penalty' AND c.id = p.case_id",
            [v for pair in by_name.items() for v in pair],
        )
        cursor.execute("ANALYZE")
    print(f"  违法行为 chosen on the cases in {time.perf_counter() - began:.0f} s", flush=True)
    return by_name


def attach_tiers() -> None:
    """The decided tier of each indexed decision, from its fine (what ``DecisionDiscretion``
    would have recorded)."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, kind, low, high in TIERS:
            cursor.execute(
                "UPDATE similar_indexeddecision SET tier = %s "
                "WHERE violation <> '' AND fine_yuan BETWEEN %s AND %s",
                [kind, low, high],
            )
        cursor.execute("ANALYZE similar_indexeddecision")
    print(f"  tiers set on the index in {time.perf_counter() - began:.0f} s", flush=True)


def draft_facts(rng: random.Random) -> tuple[str, str]:
    """(violation name, facts) of a draft, written like the generator's decisions."""
    name, _word, facts, _basis, _penalty = rng.choice(VIOLATIONS)
    template = rng.choice(facts)
    road, road2 = rng.sample(ROADS, 2)
    values = {
        "road": road, "road2": road2, "n": rng.randrange(1, 400), "where": rng.choice(WHERE),
        "thing": rng.choice(THINGS), "area": rng.randrange(3, 300), "shop": rng.choice(SHOPS),
        "goods": rng.choice(GOODS), "count": rng.randrange(1, 12), "brand": "恒达",
        "conc": "5.2", "length": 300, "db": 75, "months": 6, "fine": 2000, "days": 15,
    }  # fmt: skip
    return name, "当事人" + template.format(**values)


def make_drafts(
    count: int,
    structure: dict[str, tuple[int, int]],
    violations: dict[str, int] | None = None,
    seed: int = 11,
) -> list:  # type: ignore[type-arg]
    from django.db.models import Count

    from sanxiang.cases.models import Case
    from sanxiang.disclosure.models import Publication
    from sanxiang.org.models import EnforcementCategory, Officer

    rng = random.Random(seed)
    # The agency with the most decisions: the query's realistic worst case.
    agency_id = (Publication.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n")[0])[
        "agency_id"
    ]
    officer = Officer.objects.select_related("unit").first()
    category = EnforcementCategory.objects.first()
    assert officer and category
    drafts = []
    for i in range(count):
        name, facts = draft_facts(rng)
        case = Case.objects.create(
            agency_id=agency_id, unit_id=officer.unit_id, procedure="penalty_general",
            state="investigating", title=name, source="巡查发现", facts=facts,
            category=category, violation_on=date(2026, 1, 1), clue_received_on=date(2026, 1, 1),
            created_by=officer, penalty_kinds=["fine"],
            fine_yuan=Decimal(rng.choice((200, 500, 2000, 5000, 50000))), number=f"DRAFT-{i}",
        )  # fmt: skip
        if violations:
            Case.objects.filter(pk=case.pk).update(discretion_violation_id=violations[name])
            case.discretion_violation_id = violations[name]
        violated, penalty = structure[name]
        case.violated_articles.set([violated])
        case.penalty_articles.set([penalty])
        drafts.append(case)
    return drafts


def baselines(drafts: list) -> dict[str, list[float]]:  # type: ignore[type-arg]
    from django.db import connection

    from sanxiang.disclosure.search import tokens

    out: dict[str, list[float]] = {"plainto_tsquery + ts_rank": [], "OR tsquery + ts_rank": []}
    with connection.cursor() as cursor:
        for case in drafts:
            stream = tokens(case.facts)
            distinct = sorted({t for t in stream.split() if len(t) > 1})
            for name, sql, arg in (
                ("plainto_tsquery + ts_rank", "plainto_tsquery('simple', %s)", stream),
                ("OR tsquery + ts_rank", "to_tsquery('simple', %s)", " | ".join(distinct)),
            ):
                began = time.perf_counter()
                cursor.execute(
                    f"SELECT id FROM disclosure_publication, {sql} q "  # noqa: S608
                    "WHERE agency_id = %s AND status = 'published' AND search_vector @@ q "
                    "ORDER BY ts_rank(search_vector, q) DESC LIMIT 10",
                    [arg, case.agency_id],
                )
                cursor.fetchall()
                out[name].append(time.perf_counter() - began)
    return out


def index_size() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "(sizes: PostgreSQL only)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(c))) FROM unnest(ARRAY["
            "'similar_indexeddecision'::regclass, 'similar_indexedarticle'::regclass, "
            "'similar_termcount'::regclass]) c"
        )
        ours = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('publication_search'))")
        gin = cursor.fetchone()[0]
    return f"similar index tables {ours} (the disclosure GIN index they also use: {gin})"


# --- retrieval quality on the labelled set ------------------------------------------------------


def evaluate() -> None:
    """recall@5 and nDCG@10 of BM25 + structure against BM25 alone, on the hand-labelled set
    (data/similar-eval, ``similar.evaluation``), through the product's ranking code, in this
    database (its own agency; rolled back afterwards)."""
    from sanxiang.similar.evaluation import RANKINGS, report, upside_down
    from sanxiang.similar.evaluation import evaluate as run

    began = time.perf_counter()
    scores = run({**RANKINGS, "broken (reversed)": upside_down})
    print("  " + report(scores).replace("\n", "\n  "))
    print(f"  (evaluated in {time.perf_counter() - began:.1f} s)", flush=True)


def _jieba_terms(text: str) -> list[str]:
    import rjieba

    from sanxiang.disclosure.search import normalise
    from sanxiang.similar.text import _RUNS

    return [w for w in rjieba.cut(normalise(text)) if len(w) > 1 and _RUNS.fullmatch(w)]


def use_jieba() -> None:
    from sanxiang.similar import text

    text.terms = _jieba_terms
    print("  tokenizer: rjieba words (two or more characters)", flush=True)


def tokenizer_speed(sample: int = 2000) -> None:
    """Terms per decision and the time to cut them, bigrams against rjieba, on the same texts."""
    from sanxiang.disclosure.models import Publication
    from sanxiang.similar.text import terms

    texts = list(Publication.objects.values_list("public_text", flat=True)[:sample])
    for name, cut in (("bigrams", terms), ("rjieba", _jieba_terms)):
        try:
            began = time.perf_counter()
            counts = [cut(t) for t in texts]
        except ImportError:
            print("  (rjieba not installed: pip install -e '.[bench]')")
            continue
        spent = (time.perf_counter() - began) / len(texts) * 1e6
        total = statistics.mean(len(c) for c in counts)
        distinct = statistics.mean(len(set(c)) for c in counts)
        print(
            f"  {name:8} {total:6.0f} terms, {distinct:5.0f} distinct per decision, {spent:6.0f} µs each"
        )


def profile(drafts: list) -> None:  # type: ignore[type-arg]
    """Where a query's time goes (cumulative, the similar app's functions), over 20 drafts."""
    import cProfile
    import io
    import pstats

    from sanxiang.similar.selectors import similar_to

    profiler = cProfile.Profile()
    profiler.enable()
    for case in drafts:
        similar_to(case)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats("similar/", 12)
    print("\n".join("  " + line for line in out.getvalue().splitlines()[-20:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--eval", action="store_true")
    parser.add_argument(
        "--distinct", type=int, default=100_000,
        help="PostgreSQL: generate this many texts and the --count rows from them set-wise "
        "(0: every row its own text, at Python's speed)",
    )  # fmt: skip
    parser.add_argument(
        "--rowwise", action="store_true",
        help="build the index with the row-by-row rebuild instead of the bulk one",
    )  # fmt: skip
    parser.add_argument(
        "--no-violation", action="store_true",
        help="leave the 裁量基准's 违法行为 out of the data (the key of articles only)",
    )  # fmt: skip
    parser.add_argument(
        "--tokenizer", choices=("bigram", "jieba"), default="bigram",
        help="jieba: index and query rjieba words of two or more characters instead of bigrams",
    )  # fmt: skip
    args = parser.parse_args()
    if args.eval and not args.count:
        # The labelled set alone, in a fresh database: seconds, no bench data needed.
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print("similar_bench --eval: the labelled set (data/similar-eval)")
        evaluate()
        return
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    count = args.count or (1_000_000 if postgres else 20_000)
    print(f"similar_bench: {count:,} decisions on {'PostgreSQL' if postgres else 'SQLite'}")
    began = time.perf_counter()
    generate(count, distinct=args.distinct)
    print(f"  generated in {time.perf_counter() - began:.0f} s", flush=True)
    structure = attach_structure()
    violations = attach_violations() if not args.no_violation else None
    if args.tokenizer == "jieba":
        use_jieba()
    tokenizer_speed()

    from sanxiang.similar.bulk import reindex_bulk
    from sanxiang.similar.index import reindex
    from sanxiang.similar.selectors import similar_to

    began = time.perf_counter()
    rebuild = reindex if args.rowwise else reindex_bulk
    indexed = rebuild(stream=open(os.devnull, "w"))  # noqa: SIM115
    built = time.perf_counter() - began
    print(
        f"  index build ({'row by row' if args.rowwise else 'bulk'}): {indexed:,} decisions "
        f"in {built:.0f} s ({indexed / built:,.0f}/s)"
    )
    print(f"  {index_size()}", flush=True)
    if violations:
        attach_tiers()

    drafts = make_drafts(args.queries, structure, violations)
    similar_to(drafts[0])  # warm
    timings = []
    sizes = []
    for case in drafts:
        t0 = time.perf_counter()
        found = similar_to(case)
        timings.append(time.perf_counter() - t0)
        sizes.append(found.band.count if found.band else 0)
    rows = {"similar_to (candidates, BM25 + structure, band)": timings}
    if postgres:
        rows.update(baselines(drafts))
    base = percentile(timings, 0.5)
    print(f"  {'query':52} {'p50':>8} {'p95':>8}   p50 ÷ similar_to p50")
    for name, values in rows.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"  {name:52} {p50 * 1000:7.1f} {p95 * 1000:8.1f} ms   {p50 / base:.2f}")
    print(f"  band sample per draft: median {statistics.median(sizes):.0f} decisions")
    if violations:
        same = statistics.mean(
            sum(m.same_violation for m in similar_to(case).matches[:5]) / 5 for case in drafts[:20]
        )
        print(f"  same 违法行为 among the top 5 (20 drafts): {same:.0%}")
    profile(drafts[:20])
    if args.eval:
        evaluate()


if __name__ == "__main__":
    main()
