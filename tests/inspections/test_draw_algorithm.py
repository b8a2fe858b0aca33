"""SX-DRAW-1 in Python (sanxiang/inspections/draw.py): the issue's test vector, every refusal of
``draw.run`` and the uniformity of ``pick`` (chi-square over fixed seeds, so the verdict never
changes from run to run)."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter

import pytest

from sanxiang.inspections import draw
from tests.inspections.draw_records import (
    VECTOR_BEACONS,
    VECTOR_CANDIDATES,
    VECTOR_CONFLICTS,
    VECTOR_INSPECTORS,
    VECTOR_SEED,
    VECTOR_TARGETS,
    VECTOR_TEAMS,
)


def vector_run(**changes: object) -> draw.DrawResult:
    arguments: dict[str, object] = {
        "candidates": VECTOR_CANDIDATES,
        "inspectors": VECTOR_INSPECTORS,
        "beacons": VECTOR_BEACONS,
        "k": 3,
        "m": 2,
        "conflicts": VECTOR_CONFLICTS,
    }
    arguments.update(changes)
    return draw.run(**arguments)  # type: ignore[arg-type]


def test_the_issues_test_vector_gives_the_published_seed_targets_and_teams() -> None:
    result = vector_run()

    assert result.seed_hex == VECTOR_SEED
    assert result.targets == VECTOR_TARGETS
    assert result.teams == VECTOR_TEAMS
    assert list(result.teams) == VECTOR_TARGETS  # teams in drawn order


def test_the_seed_is_the_hash_of_the_frozen_list_hashes_and_the_beacons() -> None:
    message = (
        b"SX-DRAW-1\n"
        + hashlib.sha256(draw.canon(VECTOR_CANDIDATES)).hexdigest().encode()
        + b"\n"
        + hashlib.sha256(draw.canon(VECTOR_INSPECTORS)).hexdigest().encode()
        + b"\n"
        + '["福彩双色球2026140期：03 07 12 19 25 31+09"]'.encode()
    )

    assert hashlib.sha256(message).hexdigest() == VECTOR_SEED


def test_canon_keeps_non_ascii_and_escapes_like_compact_sorted_json() -> None:
    assert draw.canon(["甲", 'a"b\\c', "\x01\n", "😀", "\u2028"]) == (
        '["甲","a\\"b\\\\c","\\u0001\\n","😀","\u2028"]'.encode()
    )
    assert draw.canon({"b": 1, "a": [2]}) == b'{"a":[2],"b":1}'


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"candidates": [*VECTOR_CANDIDATES, VECTOR_CANDIDATES[-1]]},
            "检查对象名单中的标识「913502000000000020」重复出现",
        ),
        (
            {"inspectors": [*VECTOR_INSPECTORS, VECTOR_INSPECTORS[0]]},
            "检查人员名单中的标识「99010010001」重复出现",
        ),
        ({"candidates": VECTOR_CANDIDATES[::-1]}, "检查对象名单未按 UTF-8 字节顺序排列"),
        # Sorted as UTF-16 (JavaScript's default) but not by UTF-8 bytes: U+FF01 < U+1F600.
        ({"inspectors": ["😀", "！"]}, "检查人员名单未按 UTF-8 字节顺序排列"),
        ({"candidates": [*VECTOR_CANDIDATES, " 91350"]}, "有空白或前后带空格的标识"),
        ({"beacons": []}, "至少需要一个冻结名单之后产生的随机源（信标）"),
        ({"k": 21}, "要抽取 21 个检查对象，但名单中只有 20 个"),
        ({"k": 0}, "至少为 1"),
        ({"m": 0}, "至少为 1"),
        (
            {"m": 5},
            "检查对象「913502000000000001」回避后只剩 4 名检查人员，不足每组 5 名",
        ),
        (
            {"conflicts": {"913502000000000099": ["99010010003"]}},
            "回避记录中的检查对象「913502000000000099」不在冻结名单中",
        ),
        (
            {"conflicts": {"913502000000000001": ["99010010099"]}},
            "回避记录中的检查人员「99010010099」不在冻结名单中",
        ),
    ],
    ids=[
        "duplicate-candidate",
        "duplicate-inspector",
        "unsorted-candidates",
        "utf16-not-utf8-order",
        "padded-identifier",
        "no-beacon",
        "k-above-pool",
        "k-zero",
        "m-zero",
        "too-few-after-conflicts",
        "conflict-unknown-target",
        "conflict-unknown-inspector",
    ],
)
def test_a_draw_that_breaks_a_rule_is_refused_in_chinese(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(draw.DrawInputError, match=message):
        vector_run(**changes)


def test_sorted_identifiers_orders_by_utf8_bytes_not_utf16_units() -> None:
    assert draw.sorted_identifiers(["！", "😀", "a", "甲"], what="名单") == ["a", "甲", "！", "😀"]


# Chi-square critical values at significance 0.001 (upper 0.1 % point of the chi-square
# distribution; e.g. scipy.stats.chi2.ppf(0.999, df) = 27.877 for df 9, 172.418 for df 119).
CHI2_999_DF9 = 27.877
CHI2_999_DF119 = 172.418


def seeds(count: int, *, tag: bytes) -> list[bytes]:
    """``count`` fixed 32-byte seeds, the same on every run."""
    return [hashlib.sha256(tag + i.to_bytes(4, "big")).digest() for i in range(count)]


def chi_square(counts: Counter[object], cells: list[object], total: int) -> float:
    expected = total / len(cells)
    return sum((counts[cell] - expected) ** 2 / expected for cell in cells)


def test_pick_chooses_each_of_ten_candidates_equally_often() -> None:
    pool = [f"c{i}" for i in range(10)]
    draws = 20_000
    counts: Counter[object] = Counter(
        draw.pick(pool, 1, b"target", seed)[0] for seed in seeds(draws, tag=b"one-of-ten")
    )

    statistic = chi_square(counts, list(pool), draws)

    assert statistic < CHI2_999_DF9, (statistic, counts)


def test_pick_orders_five_of_five_in_each_of_the_120_orders_equally_often() -> None:
    """All k positions matter: the drawn order (which decides team labels) is uniform too."""
    pool = ["a", "b", "c", "d", "e"]
    draws = 24_000
    counts: Counter[object] = Counter(
        tuple(draw.pick(pool, 5, b"inspector:0", seed)) for seed in seeds(draws, tag=b"orders")
    )

    statistic = chi_square(counts, list(itertools.permutations(pool)), draws)

    assert statistic < CHI2_999_DF119, statistic


def test_pick_gives_every_candidate_the_same_chance_to_be_among_three_of_ten() -> None:
    pool = [f"c{i}" for i in range(10)]
    draws = 10_000
    counts: Counter[object] = Counter()
    for seed in seeds(draws, tag=b"three-of-ten"):
        counts.update(draw.pick(pool, 3, b"target", seed))

    statistic = chi_square(counts, list(pool), 3 * draws)

    # Each draw contributes 3 dependent counts, which only makes the statistic smaller
    # (multinomial without replacement): the df-9 bound stays a valid, conservative test.
    assert statistic < CHI2_999_DF9, (statistic, counts)
