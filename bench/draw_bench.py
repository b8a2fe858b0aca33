"""An SX-DRAW-1 draw at the size of a city's 检查对象名录库, in Python and in the reader's browser.

The draw (``sanxiang.inspections.draw.run``): ``--candidates`` identifiers (统一社会信用代码 and
some pseudonymous IDs of individuals, sorted by UTF-8 bytes), ``--inspectors`` officers, ``k``
targets with a team of ``m`` each, a few hundred 回避 records. Its baseline, in the same run on
the same lists: Python's ``random.sample`` drawing the targets and, for each, a team from the
inspectors less its conflicts — what a draw costs when nobody can check it. The ratio
draw/baseline is what to read: the difference is the two list hashes (the whole candidate list
is serialised and hashed once) and one SHA-256 and one 256-bit modulo per pick.

Then the public record (what /gongshi/draws/<id>.json serves; its size is printed, plain and
gzipped) is recomputed and verified by ``portal/static/portal/sxdraw.js`` in Chromium on a blank
page (no crypto.subtle, as on a plain-http portal): the first click (cold, as a reader sees it)
and the best of the following ones, JSON.parse of the record included, as the button does.

Run: ``.venv/bin/python bench/draw_bench.py [--candidates 100000 --inspectors 500 --k 1000 --m 2]``.
Never asserts times; it does assert that the browser agrees with Python.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from sanxiang.inspections import draw

SXDRAW_JS = Path(__file__).resolve().parents[1] / "sanxiang/portal/static/portal/sxdraw.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def lists(
    rng: random.Random, candidates: int, inspectors: int
) -> tuple[list[str], list[str], dict[str, list[str]]]:
    people = max(1, candidates // 20)  # individuals, by a pseudonymous public ID
    codes = {f"91350{rng.randrange(10**12, 10**13)}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}"
             for _ in range(candidates - people)}  # fmt: skip
    while len(codes) < candidates - people:
        codes.add(f"92350{rng.randrange(10**12, 10**13)}X")
    ids = {f"个人-{rng.getrandbits(48):012x}" for _ in range(people)}
    frozen = draw.sorted_identifiers([*codes, *ids], what="检查对象名单")
    officers = draw.sorted_identifiers(
        [f"99010{n:06d}" for n in rng.sample(range(1, 10**6), inspectors)], what="检查人员名单"
    )
    conflicts = {target: rng.sample(officers, rng.randint(1, 3))
                 for target in rng.sample(frozen, min(300, len(frozen)))}  # fmt: skip
    return frozen, officers, conflicts


def baseline(
    candidates: list[str], inspectors: list[str], k: int, m: int, conflicts: dict[str, list[str]]
) -> dict[str, list[str]]:
    rng = random.Random(2026)
    teams: dict[str, list[str]] = {}
    for target in rng.sample(candidates, k):
        barred = set(conflicts.get(target, ()))
        teams[target] = rng.sample([p for p in inspectors if p not in barred], m)
    return teams


def timed(repeat: int, work: Any) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return times, result


BROWSER_RUN = """text => {
  const began = performance.now();
  const record = JSON.parse(text);
  const parsed = performance.now();
  const report = SXDraw.verify(record);
  const done = performance.now();
  return {parse: parsed - began, verify: done - parsed, ok: report.ok, problems: report.problems};
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--k", type=int, default=1_000)
    parser.add_argument("--m", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    candidates, inspectors, conflicts = lists(random.Random(14), args.candidates, args.inspectors)
    beacons = ["福彩双色球2026140期：03 07 12 19 25 31+09", "上证指数 2026-06-11 收盘 3412.07"]
    print(f"candidates {len(candidates):,}, inspectors {len(inspectors):,}, k {args.k:,}, "
          f"m {args.m}, conflicts {len(conflicts)} targets")  # fmt: skip

    def sx_draw() -> draw.DrawResult:
        return draw.run(candidates=candidates, inspectors=inspectors, beacons=beacons,
                        k=args.k, m=args.m, conflicts=conflicts)  # fmt: skip

    # Interleaved, so that other load on the machine weighs on both alike.
    draw_times: list[float] = []
    base_times: list[float] = []
    result = sx_draw()
    for _ in range(args.repeat):
        began = time.perf_counter()
        baseline(candidates, inspectors, args.k, args.m, conflicts)
        base_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        result = sx_draw()
        draw_times.append(time.perf_counter() - began)
    hash_times, _ = timed(args.repeat, lambda: draw.list_sha256(candidates))
    sx, base = statistics.median(draw_times), statistics.median(base_times)
    print(f"Python SX-DRAW-1 draw.run: {sx * 1000:.0f} ms (median of {args.repeat}; "
          f"of which hashing the candidate list {statistics.median(hash_times) * 1000:.0f} ms)")  # fmt: skip
    print(f"Python random.sample, same lists: {base * 1000:.1f} ms")
    print(f"  ratio SX-DRAW-1/random.sample: {sx / base:.1f}")

    record = {
        "algorithm": draw.ALGORITHM, "candidates": candidates, "inspectors": inspectors,
        "candidates_sha256": draw.list_sha256(candidates),
        "inspectors_sha256": draw.list_sha256(inspectors),
        "beacons": beacons, "k": args.k, "m": args.m, "conflicts": conflicts,
        "seed": result.seed_hex, "targets": result.targets, "teams": result.teams,
    }  # fmt: skip
    text = json.dumps(record, ensure_ascii=False)
    size = len(text.encode())
    print(f"record JSON: {size / 1024 / 1024:.2f} MiB, gzipped "
          f"{len(gzip.compress(text.encode())) / 1024 / 1024:.2f} MiB")  # fmt: skip

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        page.goto("about:blank")
        page.add_script_tag(path=str(SXDRAW_JS))
        version = browser.version
        runs = [page.evaluate(BROWSER_RUN, text) for _ in range(1 + args.repeat)]
        recomputed = page.evaluate("text => SXDraw.recompute(JSON.parse(text))", text)
        browser.close()
    assert all(run["ok"] for run in runs), runs[0]["problems"]
    assert recomputed["seed"] == result.seed_hex and recomputed["targets"] == result.targets
    assert recomputed["teams"] == result.teams
    first, rest = runs[0], runs[1:]
    best = min(rest, key=lambda run: run["parse"] + run["verify"])
    print(f"Chromium {version}, sxdraw.js verify (JSON.parse + hashes + seed + draw + compare):")
    print(f"  first click: {first['parse'] + first['verify']:.0f} ms "
          f"(parse {first['parse']:.0f} ms, verify {first['verify']:.0f} ms)")  # fmt: skip
    print(f"  best of next {len(rest)}: {best['parse'] + best['verify']:.0f} ms "
          f"(parse {best['parse']:.0f} ms, verify {best['verify']:.0f} ms)")  # fmt: skip
    print(f"  ratio browser (first click)/Python draw.run: "
          f"{(first['parse'] + first['verify']) / 1000 / sx:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
