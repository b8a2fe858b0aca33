"""执法公示 at scale: the portal's decision search and list, and the open-data export, at 1M.

A bench-only generator writes N published decisions (default 1,000,000 on PostgreSQL, 20,000 on
SQLite) straight to the tables — COPY on PostgreSQL — with realistic redacted decision texts of
about 1–2 KB built from varied templates (违建, 占道经营, 户外广告, 油烟, 渣土, 噪声, 无照经营…,
many agencies, roads and three years), each with its search tokens exactly as the services
write them (search.py). Then ``sanxiang serve`` (gunicorn, the production server) runs and a
*separate process* sends concurrent requests over loopback, measuring p50/p95 against a
baseline taken in the same run:

- baseline: /gongshi/ledger/checkpoint, the server's cheapest page;
- search of a two-character word (违建, 占道, 油烟…, rotating), newest first;
- the list with no query; a deep page by cursor (as the pager links) and by old ?page=N;
- one decision's page.

Then ``sanxiang export publications --format csv`` of all rows: rows/s and the process's peak
RSS, against PostgreSQL's own ``COPY (SELECT …) TO STDOUT`` of the same columns.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/disclosure_bench.py``
(``--count 20000`` while developing); without it, SQLite. ``--tokens`` also prints the index
size of the bigram stream against jieba search-mode tokens on a sample (``rjieba``, in the
``bench`` extra).

Results, 2026-11-23, this 2-CPU machine shared with other jobs, PostgreSQL 15 default settings
(fsync off), 1,000,000 decisions (full table in docs/operations/disclosure.md, "Search"):

  load 605 s (COPY) + 123 s (GIN, 576 MB)           p50 / p95 (p50 ÷ baseline)
  baseline /gongshi/ledger/checkpoint                18.0 /   35.7 ms  (1.0)
  search ?q=<2-char word>                            71.4 /  134.0 ms  (4.0)
  search + agency filter                             83.7 /  153.9 ms  (4.7)
  list (no query)                                    53.9 /  104.3 ms  (3.0)
  deep page by cursor                                56.5 /  110.3 ms  (3.1)
  deep page ?page=25000 (OFFSET, now capped at 500)  2239 /   4569 ms  (124.7)
  detail                                             29.8 /   67.0 ms  (1.7)
  export csv 75,239 rows/s; PostgreSQL COPY TO STDOUT 427,434 rows/s
  (the peak RSS printed then, 464 MiB, was this bench's own memory, not the export's: see
  export_memory_bench.py, which measures the export at 104 MiB flat from 20k to 1M rows)
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import re
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from serving import serve_and_load

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

WORDS = ("违建", "占道", "油烟", "渣土", "噪声", "广告")

# --- a realistic corpus ------------------------------------------------------------------------

DISTRICTS = ("鲤城区", "丰泽区", "洛江区", "泉港区", "晋江市", "石狮市", "南安市", "惠安县",
             "安溪县", "永春县", "德化县", "开发区")  # fmt: skip
ROADS = ("人民路", "解放路", "中山路", "新华街", "建设大道", "滨江路", "东湖街", "西街", "南环路",
         "北峰路", "刺桐路", "温陵路", "田安路", "泉秀路", "宝洲街", "津淮街", "丰泽街", "江滨北路",
         "湖心街", "金山路")  # fmt: skip
SHOPS = ("餐饮店", "水果店", "五金店", "汽修厂", "便利店", "服装店", "建材商行", "烧烤店", "洗车行",
         "广告公司", "装饰工程有限公司", "物流有限公司", "食品有限公司", "贸易有限公司", "置业有限公司")  # fmt: skip
BRANDS = ("恒达", "鑫源", "华美", "顺发", "宏图", "永盛", "金鹏", "嘉禾", "明辉", "兴隆", "瑞丰",
          "天诚", "海峡", "闽南", "福源", "泰和", "万家", "新世纪", "东方", "远航")  # fmt: skip

VIOLATIONS = [
    (
        "违法建设",
        "违建",
        [
            "未取得建设工程规划许可证，擅自在{road}{n}号{where}违建{thing}约{area}平方米",
            "在{road}{n}号屋顶违建彩钢瓦结构{thing}一处，占地约{area}平方米，未办理规划审批手续",
            "未经批准擅自搭建{thing}，违建面积约{area}平方米，影响周边居民通行和消防安全",
        ],
        "《中华人民共和国城乡规划法》第六十四条",
        "限期{days}日内自行拆除违法建设，并处工程造价百分之五的罚款",
    ),
    (
        "占道经营",
        "占道",
        [
            "在{road}{n}号{shop}门前人行道上占道经营，摆放货架及商品约{area}平方米",
            "未经批准在{road}与{road2}交叉口占道经营{goods}，经劝导后仍未改正",
            "擅自占用{road}人行道摆摊设点，占道经营{goods}，影响市容和行人通行",
        ],
        "《城市市容和环境卫生管理条例》第三十六条",
        "责令立即改正，并处罚款人民币{fine}元",
    ),
    (
        "擅自设置户外广告",
        "广告",
        [
            "未经批准在{road}{n}号建筑外墙擅自设置户外广告牌{count}块，面积约{area}平方米",
            "在{road}沿街擅自悬挂大型户外广告横幅，广告内容为{brand}促销信息",
            "设置的户外广告设施未按审批要求维护，广告牌破损存在安全隐患",
        ],
        "《城市市容和环境卫生管理条例》第三十四条",
        "责令限期拆除户外广告设施，并处罚款人民币{fine}元",
    ),
    (
        "餐饮油烟超标排放",
        "油烟",
        [
            "经营的{shop}未安装油烟净化设施，油烟直排{road}临街一侧",
            "油烟净化设施未正常使用，经检测油烟排放浓度为{conc}毫克每立方米，超过国家标准",
            "在{road}{n}号露天烧烤，产生大量油烟污染周边环境",
        ],
        "《中华人民共和国大气污染防治法》第一百一十八条",
        "责令改正，并处罚款人民币{fine}元",
    ),
    (
        "渣土运输污染路面",
        "渣土",
        [
            "驾驶车辆运输渣土途经{road}时未采取密闭措施，造成渣土沿途撒漏约{length}米",
            "运输建筑垃圾及渣土车辆未冲洗干净驶出工地，车轮带泥污染{road}路面约{area}平方米",
            "未经核准擅自处置建筑渣土约{count}车，倾倒于{road}{n}号空地",
        ],
        "《城市建筑垃圾管理规定》第二十三条",
        "责令限期改正，并处罚款人民币{fine}元",
    ),
    (
        "社会生活噪声扰民",
        "噪声",
        [
            "在{road}{n}号{shop}使用高音喇叭招揽顾客，噪声扰民，经检测超过排放标准",
            "夜间在{road}施工作业产生环境噪声，未取得夜间施工证明，周边居民多次投诉",
            "经营场所产生的社会生活噪声经监测为{db}分贝，超过规定的排放标准",
        ],
        "《中华人民共和国噪声污染防治法》第八十七条",
        "责令改正，给予警告，并处罚款人民币{fine}元",
    ),
    (
        "无照经营",
        "无照",
        [
            "未依法取得营业执照，在{road}{n}号从事{goods}经营活动",
            "以{shop}名义无照经营，经营时间约{months}个月，违法所得{fine}元",
        ],
        "《无证无照经营查处办法》第十三条",
        "责令停止违法行为，没收违法所得，并处罚款人民币{fine}元",
    ),
    (
        "损毁城市绿化",
        "绿化",
        [
            "擅自砍伐{road}行道树{count}株，损毁城市绿地约{area}平方米",
            "未经批准占用{road}{n}号公共绿地堆放建筑材料，损毁草坪约{area}平方米",
        ],
        "《城市绿化条例》第二十六条",
        "责令停止侵害，限期恢复原状，并处罚款人民币{fine}元",
    ),
]
GOODS = ("水果", "蔬菜", "小吃", "服装", "日用百货", "电子产品", "海鲜", "茶叶", "花卉", "玩具")
THINGS = ("临时棚屋", "砖混结构房屋", "钢架雨棚", "铁皮围挡", "阳光房", "简易仓库")
WHERE = ("门前空地", "后院", "屋顶平台", "楼道", "公共通道")
AGENCY_NAMES = [f"{d}城市管理综合行政执法局" for d in DISTRICTS] + [
    f"{d}市场监督管理局" for d in DISTRICTS
]
RIGHTS = ("如不服本处罚决定，可以在收到本决定书之日起六十日内向{gov}人民政府申请行政复议，"
          "或者在六个月内依法向人民法院提起行政诉讼。行政复议和行政诉讼期间，本处罚决定不停止执行。"
          "逾期不申请行政复议、不提起行政诉讼又不履行本处罚决定的，本机关将依法申请人民法院强制执行。")  # fmt: skip
PAYMENT = ("当事人应当自收到本决定书之日起十五日内，持本决定书到指定银行缴纳罚款。"
           "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。")  # fmt: skip
EVIDENCE = ("现场检查笔录", "询问笔录", "现场照片", "视频资料", "测量记录", "营业执照复印件",
            "检测报告", "举报记录", "执法记录仪录像", "证人证言")  # fmt: skip


def decision_text(rng: random.Random, agency: str, number: str, on: date) -> tuple[str, str]:
    """(title, public text) of one redacted decision."""
    name, _word, facts, basis, penalty = rng.choice(VIOLATIONS)
    road, road2 = rng.sample(ROADS, 2)
    values = {
        "road": road, "road2": road2, "n": rng.randrange(1, 400), "where": rng.choice(WHERE),
        "thing": rng.choice(THINGS), "area": rng.randrange(3, 300), "shop": rng.choice(SHOPS),
        "goods": rng.choice(GOODS), "count": rng.randrange(1, 12), "brand": rng.choice(BRANDS),
        "conc": f"{rng.uniform(2.1, 9.9):.1f}", "length": rng.randrange(20, 900),
        "db": rng.randrange(60, 90), "months": rng.randrange(1, 24),
        "fine": rng.choice((200, 500, 1000, 2000, 3000, 5000, 10000, 20000, 50000)),
        "days": rng.choice((7, 10, 15, 30)),
    }  # fmt: skip
    person = rng.random() < 0.4
    party = (
        f"当事人：{rng.choice('王李张刘陈杨黄赵吴周')}某，性别：{rng.choice('男女')}，"
        f"住址：{rng.choice(DISTRICTS)}{rng.choice(ROADS)}某号。"
        if person
        else f"当事人：{rng.choice(DISTRICTS)[:2]}市{rng.choice(BRANDS)}{rng.choice(SHOPS)}，"
        f"统一社会信用代码：91350{rng.randrange(10**12, 10**13)}，"
        f"住所：{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randrange(1, 400)}号，"
        f"法定代表人：{rng.choice('王李张刘陈杨黄赵吴周')}某。"
    )
    chosen = rng.sample(facts, k=min(len(facts), rng.randrange(1, 3)))
    fact_text = "；".join(f.format(**values) for f in chosen)
    evidence = "、".join(rng.sample(EVIDENCE, rng.randrange(3, 7)))
    found = on - timedelta(days=rng.randrange(10, 80))
    text = "\n".join(
        [
            f"{agency}",
            "行政处罚决定书",
            number,
            party,
            f"本机关于{found.year}年{found.month}月{found.day}日在日常巡查中发现，当事人{fact_text}。"
            f"本机关于当日立案调查。",
            f"经查明：当事人{fact_text}。上述事实有{evidence}等证据证实。",
            f"本机关于{found.year}年{found.month}月{found.day}日向当事人送达了行政处罚事先告知书，"
            "告知当事人拟作出行政处罚的事实、理由、依据及依法享有陈述、申辩的权利，当事人在法定期限内"
            + rng.choice(
                (
                    "未提出陈述、申辩。",
                    "提出了陈述、申辩，本机关经复核不予采纳。",
                    "放弃陈述、申辩权利。",
                )
            ),
            f"本机关认为，当事人的上述行为构成{name}。依据{basis}的规定，结合当事人"
            + rng.choice(("主动改正", "违法情节较轻", "初次违法", "拒不改正", "造成一定社会影响"))
            + f"等情节，本机关决定：{penalty.format(**values)}。",
            PAYMENT if rng.random() < 0.8 else "",
            RIGHTS.format(gov=agency[:3]),
            f"{agency}",
            f"{on.year}年{on.month}月{on.day}日",
        ]
    )
    return f"{number} {name}", text


# --- writing the rows --------------------------------------------------------------------------


def generate(count: int, seed: int = 7, distinct: int = 0) -> None:
    """Write ``count`` published decisions. ``distinct`` (PostgreSQL): write only that many texts
    in Python and the ``count`` rows from them by one ``INSERT … SELECT`` (``_expand``)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sanxiang.cases.models import Case
    from sanxiang.org.models import Agency, EnforcementCategory, Officer

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # More agencies than the demo's, so the agency filter means something.
    have = {a.name for a in Agency.objects.all()}
    template_agency = Agency.objects.first()
    for i, name in enumerate(AGENCY_NAMES):
        if name not in have:
            Agency.objects.create(
                name=name, credit_code=f"11350500MB{i:08d}", level="county",
                region=name[:3], address=f"{name[:3]}人民路 1 号", phone="0595-1234567",
                authority_basis="机构编制文件",
            )  # fmt: skip
    agencies = list(Agency.objects.values_list("pk", "name"))
    officer = Officer.objects.select_related("unit").first()
    category = EnforcementCategory.objects.first()
    assert template_agency and officer and category
    template = Case.objects.create(
        agency_id=officer.unit.agency_id, unit_id=officer.unit_id, procedure="penalty_general",
        state="closed", number="BENCH-TEMPLATE", title="bench", source="巡查发现", facts="bench",
        category=category, violation_on=date(2024, 1, 1), clue_received_on=date(2024, 1, 1),
        created_by=officer,
    )  # fmt: skip
    cols = [
        f.column
        for f in Case._meta.concrete_fields
        if f.column not in ("id", "number") and not f.primary_key
    ]
    col_list = ", ".join(f'"{c}"' for c in cols)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            series = "generate_series(1, %s) AS g(n)"
            number = "'BENCH-' || g.n"
        else:
            series = (
                "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
                "SELECT n FROM s) AS g"
            )
            number = "'BENCH-' || g.n"
        cursor.execute(
            f"INSERT INTO cases_case ({col_list}, number) "  # noqa: S608 - bench, own columns
            f"SELECT {col_list}, {number} FROM cases_case, {series} WHERE cases_case.id = %s",
            [count, template.pk],
        )
        cursor.execute(
            "SELECT id FROM cases_case WHERE number LIKE 'BENCH-%%' AND id <> %s ORDER BY id",
            [template.pk],
        )
        case_ids = [r[0] for r in cursor.fetchall()]
    print(f"  cases: {len(case_ids):,} in {time.perf_counter() - began:.0f} s", flush=True)

    if distinct and distinct < count and connection.vendor == "postgresql":
        _expand(case_ids, distinct, agencies, seed)
        return
    chunks = [
        (start, case_ids[start : start + 5000], count, agencies, date.today(), seed)
        for start in range(0, len(case_ids), 5000)
    ]
    # Text generation and tokenising are the slow part: two processes do it, in order.
    pool = multiprocessing.get_context("fork").Pool(2)

    def generated() -> Iterator[tuple]:  # type: ignore[type-arg]
        pending: collections.deque = collections.deque()  # type: ignore[type-arg]
        for chunk in chunks:  # at most four chunks ahead: memory stays flat
            pending.append(pool.apply_async(_rows, (chunk,)))
            if len(pending) == 4:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()

    rows = generated()

    from sanxiang.disclosure.models import Publication

    # Columns the generator does not set get the model's default (e.g. fields added later).
    others = [
        f
        for f in Publication._meta.concrete_fields
        if f.column not in GENERATED and f.column != "id"
    ]
    columns = ", ".join([*GENERATED, *(f.column for f in others)])
    defaults = tuple(f.get_default() for f in others)
    rows = (row + defaults for row in rows)
    began = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS publication_search")
            with cursor.cursor.copy(f"COPY disclosure_publication ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write("\t".join(_copy_text(v) for v in row) + "\n")
        loaded = time.perf_counter() - began
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "CREATE INDEX publication_search ON disclosure_publication USING gin (search_vector)"
            )
            cursor.execute("ANALYZE disclosure_publication")
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('disclosure_publication')), "
                "pg_size_pretty(pg_relation_size('publication_search'))"
            )
            table, gin = cursor.fetchone()
        print(
            f"  publications: COPY {loaded:.0f} s ({count / loaded:,.0f} rows/s incl. text "
            f"generation and tokens), GIN index {time.perf_counter() - began:.0f} s; "
            f"table with indexes {table}, GIN {gin}",
            flush=True,
        )
    else:
        placeholders = ", ".join(["%s"] * (len(GENERATED) + len(others)))
        with connection.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append(tuple(str(v) if isinstance(v, date) else v for v in row))
                if len(batch) == 2000:
                    cursor.executemany(
                        f"INSERT INTO disclosure_publication ({columns}) VALUES ({placeholders})",  # noqa: S608
                        batch,
                    )
                    batch = []
            if batch:
                cursor.executemany(
                    f"INSERT INTO disclosure_publication ({columns}) VALUES ({placeholders})",  # noqa: S608
                    batch,
                )
        print(f"  publications: {time.perf_counter() - began:.0f} s", flush=True)
    pool.close()
    pool.join()


# --- many rows from fewer texts (PostgreSQL) ----------------------------------------------------

NUMBER_MARK = "qqbenchnumberqq"  # one token each: the set-wise insert puts each row's own in
DATE_MARK = "qqbenchdateqq"


def _pooled(job: tuple) -> list[tuple]:  # type: ignore[type-arg]
    """Texts ``start``… of the pool: the decision number and the date line left as markers."""
    from sanxiang.disclosure.search import index_text, tokens

    start, size, total, agencies, today, seed = job
    rng = random.Random(seed * 1_000_003 + start)
    out = []
    for j in range(start, min(start + size, total)):
        on = today - timedelta(days=3 * 365 - int(j * 3 * 365 / total))
        agency_id, agency = agencies[rng.randrange(len(agencies))]
        title, text = decision_text(rng, agency, NUMBER_MARK, on)
        text = text.rsplit("\n", 1)[0] + "\n" + DATE_MARK  # the last line is the date
        withdrawn = rng.random() < 0.01
        stream = index_text(title, text, text_public=not withdrawn)
        # _expand rebuilds each row's tsvector from the pieces between these markers.
        # (Nothing comes before the title's number, nor after the date line.)
        assert MARKS.findall(stream) == (["number"] if withdrawn else MARKED), title
        assert stream.startswith(NUMBER_MARK), title
        assert withdrawn or stream.endswith(DATE_MARK), title
        out.append((
            j, agency_id, agency[:2], tokens(agency[:2] + "执罚"), title, text,
            "withdrawn" if withdrawn else "published", stream,
        ))  # fmt: skip
    return out


MARKS = re.compile("qqbench(number|date)qq")
MARKED = ["number", "number", "date"]  # the title's number, the text's, the date line


def _expand(case_ids: list[int], distinct: int, agencies: list, seed: int) -> None:  # type: ignore[type-arg]
    """``len(case_ids)`` publications from ``distinct`` generated texts, set-wise.

    Row i takes text ``i × 7919 mod distinct`` (so a text's copies lie years apart, each with the
    text's agency) and its own date, decision number (in the title, the text and the tokens),
    kind and fields (with the fine the text states, as 罚款金额（元）). Only the date the
    violation was found (inside the facts) stays the text's.
    """
    from django.db import connection

    from sanxiang.disclosure.models import Publication

    count = len(case_ids)
    began = time.perf_counter()
    pool = multiprocessing.get_context("fork").Pool(2)
    jobs = [(s, 5000, distinct, agencies, date.today(), seed) for s in range(0, distinct, 5000)]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_text (j integer PRIMARY KEY, agency_id integer, a2 text, "
            "a2_tokens text, title text, body text, status text, tokens text)"
        )
        with cursor.cursor.copy("COPY bench_text FROM STDIN") as copy:
            for rows in pool.imap(_pooled, jobs):
                for row in rows:
                    copy.write_row(row)
        pool.close()
        pool.join()
        # Each text's tsvector in pieces, cut at the markers: a row's vector is its text's
        # pieces joined by its own number's and date's (``||`` shifts the right-hand positions
        # past the left's, as to_tsvector numbers a whole stream), so the database parses each
        # text once, not each row (to_tsvector takes ~1.4 ms a row here, most of a row's cost).
        cursor.execute("ALTER TABLE bench_text ADD COLUMN pieces tsvector[]")
        cursor.execute(
            "UPDATE bench_text SET pieces = ARRAY(SELECT to_tsvector('simple', x) FROM "
            "unnest(regexp_split_to_array(tokens, 'qqbench(?:number|date)qq')) "
            "WITH ORDINALITY u(x, o) ORDER BY o)"
        )
        cursor.execute("ANALYZE bench_text")
        made = time.perf_counter() - began
        cursor.execute("DROP INDEX IF EXISTS publication_search")
        # Filled set-wise below and checked against to_tsvector(search_tokens) after; PostgreSQL
        # 15 cannot make the column generated again without recomputing every row.
        cursor.execute(
            "ALTER TABLE disclosure_publication ALTER COLUMN search_vector DROP EXPRESSION"
        )
        restore = _drop_secondary_indexes(cursor, "disclosure_publication")
        others = [
            f
            for f in Publication._meta.concrete_fields
            if f.column not in GENERATED and f.column != "id"
        ]
        columns = ", ".join([*GENERATED, *(f.column for f in others), "search_vector"])
        defaults = ", ".join(["%s"] * len(others))
        kinds = "ARRAY[" + ", ".join(f"'{k}'" for k in KINDS) + "]"
        began = time.perf_counter()
        # The rows refer to cases and agencies that exist: no per-row foreign key checks.
        cursor.execute("SET session_replication_role = replica")
        # fmt: off
        cursor.execute(
            f"INSERT INTO disclosure_publication ({columns}) "  # noqa: S608 - bench, own columns
            f"SELECT c.id, t.agency_id, ({kinds})[mod(c.i * 31, {len(KINDS)}) + 1], "
            f"replace(t.title, '{NUMBER_MARK}', n.number), d.dd, d.dd + 7, "
            "'自决定之日起7个工作日', true, t.status, d.dd + time '01:00', "
            "jsonb_strip_nulls(jsonb_build_object('执法机关', a.name, '决定书文号', n.number, "
            "'执法对象', '王某', '处罚类别', '罚款', '决定日期', d.dd::text, "
            "'罚款金额（元）', substring(t.body from '罚款人民币([0-9]+)元'))), "
            f"replace(replace(t.body, '{NUMBER_MARK}', n.number), '{DATE_MARK}', d.line), "
            "repeat('0', 64), '', '', '', NULL, NULL, NULL, d.dd + time '01:00', "
            f"replace(replace(t.tokens, '{NUMBER_MARK}', n.tokens), '{DATE_MARK}', d.tokens), "
            f"{defaults}, "
            "CASE WHEN t.status = 'published' THEN n.vector || t.pieces[2] || n.vector "
            "|| t.pieces[3] || to_tsvector('simple', d.tokens) ELSE n.vector || t.pieces[2] END "
            "FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM unnest(%s::integer[]) id) c "
            "JOIN bench_text t ON t.j = mod(c.i * 7919, %s) "
            "JOIN org_agency a ON a.id = t.agency_id "
            "CROSS JOIN LATERAL (SELECT (current_date - (3 * 365 - (c.i * 3 * 365 / %s))::integer) AS dd) d0 "
            "CROSS JOIN LATERAL (SELECT d0.dd, "
            "extract(year FROM d0.dd) || '年' || extract(month FROM d0.dd) || '月' "
            "|| extract(day FROM d0.dd) || '日' AS line, "
            "extract(year FROM d0.dd) || ' 年 ' || extract(month FROM d0.dd) || ' 月 ' "
            "|| extract(day FROM d0.dd) || ' 日' AS tokens) d "
            "CROSS JOIN LATERAL (SELECT "
            "t.a2 || '执罚〔' || extract(year FROM d.dd) || '〕' || (mod(c.i, 9000) + 1) || '号' AS number, "
            "t.a2_tokens || ' ' || extract(year FROM d.dd) || ' ' || (mod(c.i, 9000) + 1) || ' 号' AS tokens) n0 "
            "CROSS JOIN LATERAL (SELECT n0.*, to_tsvector('simple', n0.tokens) AS vector) n",
            [*(f.get_default() for f in others), case_ids, distinct, count],
        )
        # fmt: on
        cursor.execute("SET session_replication_role = origin")
        loaded = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in restore:
            cursor.execute(statement)
        cursor.execute(
            "CREATE INDEX publication_search ON disclosure_publication USING gin (search_vector)"
        )
        cursor.execute("ANALYZE disclosure_publication")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('publication_search'))")
        gin = cursor.fetchone()[0]
    print(
        f"  publications: {distinct:,} texts in {made:.0f} s, {count:,} rows from them by "
        f"INSERT … SELECT in {loaded:.0f} s ({count / loaded:,.0f} rows/s), indexes "
        f"{time.perf_counter() - began:.0f} s (GIN {gin})",
        flush=True,
    )
    _check_tokens()


def _drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop ``table``'s indexes that back no constraint; the statements that make them again."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _check_tokens(sample: int = 300) -> None:
    """The set-wise rows' tokens are what the services would have written for their texts."""
    from django.db import connection

    from sanxiang.disclosure.search import index_text

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, public_text, status, search_tokens, "
            "search_vector = to_tsvector('simple', search_tokens) FROM disclosure_publication "
            "WHERE id IN (SELECT id FROM disclosure_publication WHERE case_id IS NOT NULL "
            "ORDER BY random() LIMIT %s)",
            [sample],
        )
        for title, text, status, stored, same_vector in cursor.fetchall():
            expected = index_text(title, text, text_public=status == "published")
            assert stored == expected, (title, stored[:200], expected[:200])
            assert same_vector, title
    print(
        f"  tokens and tsvector of {sample} random rows checked against search.index_text",
        flush=True,
    )


GENERATED = (
    "case_id", "agency_id", "kind", "title", "decided_on", "due_on", "due_basis", "full_text",
    "status", "published_at", "fields", "public_text", "public_sha256", "withdrawal_reason",
    "withdrawal_statement", "exempt_reason", "withdrawal_occurred_on", "withdrawal_due_on",
    "withdrawn_at", "created_at", "search_tokens",
)  # fmt: skip
KINDS = ["penalty"] * 7 + ["inspection", "coercive", "permit"]


def _rows(job: tuple) -> list[tuple]:  # type: ignore[type-arg]
    """Rows of disclosure_publication for ``case_ids``, the ``start``-th decision onwards."""
    from sanxiang.disclosure.search import index_text

    start, case_ids, count, agencies, today, seed = job
    rng = random.Random(seed * 1_000_003 + start)
    out = []
    for i, case_id in enumerate(case_ids, start):
        # Dates rise with the id, as they do when decisions are published day by day.
        on = today - timedelta(days=3 * 365 - int(i * 3 * 365 / count))
        agency_id, agency = agencies[rng.randrange(len(agencies))]
        number = f"{agency[:2]}执罚〔{on.year}〕{i % 9000 + 1}号"
        title, text = decision_text(rng, agency, number, on)
        withdrawn = rng.random() < 0.01
        status = "withdrawn" if withdrawn else "published"
        fields = json.dumps({"执法机关": agency, "决定书文号": number, "执法对象": "王某",
                             "处罚类别": "罚款", "决定日期": on.isoformat()},
                            ensure_ascii=False)  # fmt: skip
        out.append((
            case_id, agency_id, rng.choice(KINDS), title, on, on + timedelta(days=7),
            "自决定之日起7个工作日", True, status, f"{on.isoformat()} 01:00:00+00:00", fields,
            text, "0" * 64, "", "", "", None, None, None, f"{on.isoformat()} 01:00:00+00:00",
            index_text(title, text, text_public=not withdrawn),
        ))  # fmt: skip
    return out


def _copy_text(value: object) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


# --- load from a separate process --------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(
    base: str, path_for: Callable[[int, int], str], seconds: float, threads: int
) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        i = 0
        while time.monotonic() < stop and i < 5000:
            began = time.perf_counter()
            with urllib.request.urlopen(base + path_for(n, i), timeout=60) as response:
                response.read()
            with lock:
                timings.append(time.perf_counter() - began)
            i += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings


def client(base: str, plan_file: str, threads: int, seconds: float) -> None:
    """The load generator (runs in its own process)."""
    plan = json.loads(Path(plan_file).read_text())
    ids, deep_cursor, deep_page = plan["ids"], plan["deep_cursor"], plan["deep_page"]
    rng = random.Random(3)
    q = urllib.parse.quote
    cases: dict[str, Callable[[int, int], str]] = {
        "baseline /gongshi/ledger/checkpoint": lambda n, i: "/gongshi/ledger/checkpoint",
        "search ?q=<2-char word>": lambda n, i: f"/gongshi/decisions/?q={q(WORDS[(n + i) % 6])}",
        "search + agency filter": lambda n, i: (
            f"/gongshi/decisions/?q={q(WORDS[(n + i) % 6])}&agency={plan['agency']}"
        ),
        "list (no query)": lambda n, i: "/gongshi/decisions/",
        "deep page by cursor": lambda n, i: f"/gongshi/decisions/?page=25001&before={deep_cursor}",
        f"deep page ?page={deep_page} (OFFSET, capped)": lambda n, i: (
            f"/gongshi/decisions/?page={deep_page}"
        ),
        "detail /gongshi/decisions/<id>/": lambda n, i: f"/gongshi/decisions/{rng.choice(ids)}/",
    }
    results = {name: load(base, path_for, seconds, threads) for name, path_for in cases.items()}
    print(
        json.dumps({name: [round(t * 1000, 2) for t in values] for name, values in results.items()})
    )


def export(count: int) -> list[tuple[str, float, float]]:
    """(name, rows/s, peak RSS MiB) of the export and of PostgreSQL's own COPY.

    The export's peak is the one its own process reports (export_memory_bench.export_peak): a
    parent's ``wait4`` would report this bench's own memory, inherited across vfork and exec.
    """
    from django.db import connection
    from export_memory_bench import export_peak

    out = []
    rows, peak, seconds = export_peak("csv", None)
    out.append(("sanxiang export publications --format csv", rows / seconds, peak))
    if connection.vendor == "postgresql":
        select = (
            "SELECT id, fields->>'执法对象', fields->>'执法对象类别', fields->>'统一社会信用代码', "
            "fields->>'决定书文号', fields->>'违法行为类型', fields->>'处罚依据', "
            "fields->>'处罚类别', fields->>'执法结论', fields->>'罚款金额（元）', "
            "fields->>'决定日期', fields->>'执法机关', fields->>'执法机关统一社会信用代码', kind, "
            "status, public_sha256 FROM disclosure_publication "
            "WHERE status IN ('published', 'withdrawn') ORDER BY id"
        )
        began = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH CSV") as copy,
        ):
            for _block in copy:
                pass
        out.append(("baseline: PostgreSQL COPY (SELECT …) TO STDOUT", count / (time.perf_counter() - began), 0.0))  # fmt: skip
    return out


def token_sizes(sample: int = 2000) -> None:
    """The bigram stream against jieba search-mode tokens, per decision, on the same texts."""
    import django

    django.setup()
    from sanxiang.disclosure.search import normalise, tokens

    try:
        import rjieba
    except ImportError:
        print("  (pip install rjieba to compare with jieba tokens)")
        return
    rng = random.Random(11)
    bigram_total = bigram_distinct = jieba_total = jieba_distinct = chars = 0
    for i in range(sample):
        _title, text = decision_text(rng, AGENCY_NAMES[i % len(AGENCY_NAMES)], "x", date.today())
        chars += len(text)
        stream = tokens(text).split()
        words = [w for w in rjieba.cut_for_search(normalise(text)) if w.strip() and w.isalnum()]
        bigram_total += len(stream)
        bigram_distinct += len(set(stream))
        jieba_total += len(words)
        jieba_distinct += len(set(words))
    print(
        f"  per decision ({chars / sample:.0f} characters): bigram stream {bigram_total / sample:.0f} "
        f"tokens, {bigram_distinct / sample:.0f} distinct; jieba search mode "
        f"{jieba_total / sample:.0f} tokens, {jieba_distinct / sample:.0f} distinct"
    )


def explain(middle, agency: int) -> None:  # type: ignore[no-untyped-def]
    """The database's own time and plan for each portal query (one run each, warm)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanxiang.disclosure.public import publications_public

    print("\nportal queries in the database (EXPLAIN ANALYZE, second run)")
    queries: dict[str, dict[str, Any]] = {
        "list": {},
        "search 违建": {"query": "违建"},
        "search 占道 + agency": {"query": "占道", "agency_id": agency},
        "search 违建 拆除 (two words)": {"query": "违建 拆除"},
        "search 户外广告 (phrase)": {"query": "户外广告"},
        "deep page by cursor": {"before": (middle.decided_on, middle.id)},
        "search 违建, deep page by cursor": {
            "query": "违建",
            "before": (middle.decided_on, middle.id),
        },
        "deep page by OFFSET 500,000": {"offset": 500_000},
    }
    for name, kwargs in queries.items():
        with CaptureQueriesContext(connection) as captured:
            publications_public(limit=21, **kwargs)
        total, plans = 0.0, []
        for captured_query in captured.captured_queries:
            sql = captured_query["sql"]
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN ANALYZE " + sql)
                    plan = [str(r[0]) for r in cursor.fetchall()]
                    total += float(plan[-1].split(":")[1].split()[0])
                    plans.append(next((ln.strip() for ln in plan if "Scan" in ln), "")[:70])
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plans.append(" / ".join(str(r[-1]) for r in cursor.fetchall())[:70])
                    began = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    total += (time.perf_counter() - began) * 1000
        print(f"  {name:<34} {total:8.2f} ms  {len(plans)} quer{'y' if len(plans) == 1 else 'ies'}: "
              f"{' | '.join(plans)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--tokens", action="store_true")
    parser.add_argument("--client", nargs=2, metavar=("BASE", "PLAN_FILE"))
    args = parser.parse_args()
    if args.client:
        client(args.client[0], args.client[1], args.threads, args.seconds)
        return
    postgres = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    count = args.count or (1_000_000 if postgres else 20_000)
    if args.tokens:
        token_sizes()
    began = time.perf_counter()
    generate(count)
    from django.db import connection

    from sanxiang.disclosure.public import publications_public

    print(
        f"database: {connection.vendor}; {count:,} decisions in {time.perf_counter() - began:.0f} s"
    )
    newest = publications_public(limit=1)[0]
    middle = publications_public(until=newest.decided_on - timedelta(days=547), limit=1)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM disclosure_publication ORDER BY random() LIMIT 2000")
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT agency_id FROM disclosure_publication GROUP BY agency_id ORDER BY count(*) LIMIT 1"
        )
        agency = cursor.fetchone()[0]
    plan = {
        "ids": ids,
        "deep_cursor": f"{middle.decided_on.isoformat()}_{middle.id}",
        "deep_page": min(25_000, count // 40),
        "agency": agency,
    }
    explain(middle, agency)
    plan_file = Path(os.environ["SANXIANG_VAR"]) / "plan.json"
    plan_file.write_text(json.dumps(plan))
    results = serve_and_load(__file__, plan_file, threads=args.threads, seconds=args.seconds)
    baseline = statistics.median(results["baseline /gongshi/ledger/checkpoint"])
    print(f"\nportal, {args.threads} concurrent clients, 2 gunicorn workers × 4 threads")
    for name, values in results.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(
            f"  {name:<38} n={len(values):>6}  p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  "
            f"p50/baseline {p50 / baseline:6.1f}"
        )
    print("\nexport of all rows")
    for name, rate, rss in export(count):
        print(f"  {name:<48} {rate:>10,.0f} rows/s" + (f"  peak RSS {rss:6.0f} MiB" if rss else ""))


if __name__ == "__main__":
    main()
