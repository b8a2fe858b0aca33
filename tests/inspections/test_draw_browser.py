"""The SX-DRAW-1 verifier in the reader's browser (portal/static/portal/sxdraw.js), in real
Chromium on a blank page (no server, no crypto.subtle): it recomputes every draw exactly as the
Python reference does, whatever the identifiers and beacons contain, and says in Chinese which
part of a tampered record does not match."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, sync_playwright

from sanxiang.inspections import draw
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.inspections.draw_records import (
    VECTOR_SEED,
    VECTOR_TARGETS,
    VECTOR_TEAMS,
    printed_verifier,
    record_of,
    vector_record,
)

SXDRAW_JS = (
    Path(__file__).resolve().parents[2] / "sanxiang" / "portal" / "static" / "portal" / "sxdraw.js"
)
PRINTED_VERIFIER = printed_verifier()
MATCH = "本次抽取可以复现：随机种子、抽中对象和检查组与公布结果完全一致"


@pytest.fixture(scope="module")
def blank() -> Iterator[Page]:
    """A blank page (not a secure context, like a plain-http portal) with sxdraw.js loaded."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        page.goto("about:blank")
        page.add_script_tag(path=str(SXDRAW_JS))
        yield page
        browser.close()


def recompute(page: Page, record: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("record => SXDraw.recompute(record)", record)
    return result


def verify(page: Page, record: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = page.evaluate("record => SXDraw.verify(record)", record)
    return report


def test_the_page_has_no_crypto_subtle_so_the_verifier_hashes_by_itself(blank: Page) -> None:
    assert blank.evaluate("typeof crypto.subtle") == "undefined"


@pytest.mark.parametrize("length", [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003])
def test_the_javascript_sha256_agrees_with_hashlib_at_every_padding_boundary(
    blank: Page, length: int
) -> None:
    data = hashlib.shake_256(length.to_bytes(4, "big")).digest(length) if length else b""

    digest = blank.evaluate(
        "hex => SXDraw.hex(SXDraw.sha256(Uint8Array.from(hex.match(/../g) || [], "
        "(h) => parseInt(h, 16))))",
        data.hex(),
    )

    assert digest == hashlib.sha256(data).hexdigest()


def test_the_issues_test_vector_is_recomputed_in_the_browser(blank: Page) -> None:
    result = recompute(blank, vector_record())

    assert result["seed"] == VECTOR_SEED
    assert result["targets"] == VECTOR_TARGETS
    assert result["teams"] == VECTOR_TEAMS
    assert result["candidates_sha256"] == draw.list_sha256(vector_record()["candidates"])
    assert verify(blank, vector_record()) == {"ok": True, "problems": []}


# Identifiers and beacons with what could trip a hand-written canon(): CJK, full-width and
# non-BMP characters (emoji; U+FF01 sorts before them by UTF-8 bytes but after by UTF-16 units),
# quotes, backslashes, control characters (escaped as \uXXXX or \n by json.dumps), DEL and
# U+2028 (not escaped by Python).
TRICKY = st.sampled_from(
    list('甲乙丙丁市监局！（）：😀🀄𠀀"\\/\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f\u2028\u2029 é')
)
CHARACTERS = st.one_of(
    TRICKY, st.characters(codec="utf-8", exclude_categories=["Cs"]), st.sampled_from("0123456789")
)
IDENTIFIER = st.text(CHARACTERS, min_size=1, max_size=8).filter(
    lambda value: value == value.strip() and value != ""
)
BEACON = st.text(CHARACTERS, min_size=0, max_size=20)


@st.composite
def draws(draw_from: st.DrawFn) -> dict[str, Any]:
    candidates = draw.sorted_identifiers(
        draw_from(st.lists(IDENTIFIER, min_size=1, max_size=25, unique=True)), what="名单"
    )
    inspectors = draw.sorted_identifiers(
        draw_from(st.lists(IDENTIFIER, min_size=2, max_size=8, unique=True)), what="名单"
    )
    m = draw_from(st.integers(1, len(inspectors) - 1))
    barred = st.lists(st.sampled_from(inspectors), max_size=len(inspectors) - m, unique=True)
    conflicts = draw_from(st.dictionaries(st.sampled_from(candidates), barred, max_size=3))
    return record_of(
        candidates=candidates,
        inspectors=inspectors,
        beacons=draw_from(st.lists(BEACON, min_size=1, max_size=3)),
        k=draw_from(st.integers(1, len(candidates))),
        m=m,
        conflicts=conflicts,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=draws())
def test_every_draw_is_recomputed_in_chromium_exactly_as_in_python(
    blank: Page, record: dict[str, Any]
) -> None:
    # The record travels as JSON text, as the portal serves it.
    served = json.loads(json.dumps(record, ensure_ascii=False))

    result = recompute(blank, served)

    assert result["candidates_sha256"] == record["candidates_sha256"]
    assert result["inspectors_sha256"] == record["inspectors_sha256"]
    assert result["seed"] == record["seed"]
    assert result["targets"] == record["targets"]
    assert result["teams"] == record["teams"]
    assert verify(blank, served) == {"ok": True, "problems": []}
    assert verified_by_printed_program(record) == "一致：本次抽取可以复现"


def verified_by_printed_program(record: dict[str, Any]) -> str:
    """What the Python verifier printed in docs/operations/inspections.md says of ``record``."""
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "record.json"
        saved.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        printed = io.StringIO()
        with (
            mock.patch.object(sys, "argv", ["verify_draw.py", str(saved)]),
            contextlib.redirect_stdout(printed),
            pytest.raises(SystemExit),
        ):
            exec(PRINTED_VERIFIER, {"__name__": "__main__"})  # noqa: S102 - our own docs
    return printed.getvalue().strip()


def test_canon_in_the_browser_is_byte_identical_to_python_json_dumps(blank: Page) -> None:
    values = ['a"b\\c', "\x00\x1f\x7f", "\b\t\n\f\r", "😀𠀀", "\u2028\u2029", "</script>"]
    nested = {"é": values, "a": [1, "甲"], "😀": [], "！": ["x"]}

    for value in (values, nested):
        canon_hex = blank.evaluate("value => SXDraw.hex(SXDraw.canon(value))", value)
        assert bytes.fromhex(canon_hex) == draw.canon(value)


def test_a_changed_target_is_reported_as_not_matching(blank: Page) -> None:
    record = vector_record()
    record["targets"][1] = "913502000000000002"

    report = verify(blank, record)

    assert report["ok"] is False
    assert report["problems"][0].startswith("抽中的检查对象与公布的不一致：重新计算为")
    assert "「913502000000000011」" in report["problems"][0]
    assert not any("随机种子" in problem for problem in report["problems"])


def test_a_changed_beacon_is_reported_as_a_different_seed(blank: Page) -> None:
    record = vector_record()
    record["beacons"] = ["福彩双色球2026140期：03 07 12 19 25 31+10"]

    report = verify(blank, record)

    assert report["ok"] is False
    assert report["problems"][0] == "随机种子与公布的不一致：信标或名单与抽取时所用的不同"
    assert not any("哈希值" in problem for problem in report["problems"])


def test_a_removed_candidate_is_reported_as_a_changed_list(blank: Page) -> None:
    record = vector_record()
    record["candidates"].remove("913502000000000007")

    report = verify(blank, record)

    assert report["ok"] is False
    assert report["problems"][0] == (
        "检查对象名单与冻结时登记的哈希值（candidates_sha256）不一致：名单在冻结后被改动过"
    )
    assert "随机种子与公布的不一致：信标或名单与抽取时所用的不同" in report["problems"]


def test_a_changed_team_is_reported_with_its_target(blank: Page) -> None:
    record = vector_record()
    record["teams"]["913502000000000012"] = ["99010010002", "99010010004"]

    report = verify(blank, record)

    assert report["problems"] == [
        "检查对象「913502000000000012」的检查组与公布的不一致：重新计算为"
        "「99010010004」、「99010010002」，公布为「99010010002」、「99010010004」"
    ]


def test_a_record_of_another_algorithm_is_not_verified(blank: Page) -> None:
    record = vector_record()
    record["algorithm"] = "SX-DRAW-2"

    assert verify(blank, record) == {
        "ok": False,
        "problems": ["记录的算法不是 SX-DRAW-1，无法按本程序核验"],
    }


def draw_page(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False).replace("</", "<\\/")
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>'
        f'<script type="application/json" id="draw-record">{text}</script>'
        '<button id="draw-verify" type="button">在本机重新计算</button>'
        '<div id="draw-verdict" aria-live="polite"></div></body></html>'
    )


def click_verify(page: Page, record: dict[str, Any]) -> str:
    page.set_content(draw_page(record))
    page.add_script_tag(path=str(SXDRAW_JS))
    page.click("#draw-verify")
    page.wait_for_selector("#draw-verdict[data-state=match], #draw-verdict[data-state=mismatch]")
    return page.inner_text("#draw-verdict")


def test_the_button_on_a_draw_page_says_the_draw_can_be_recomputed(blank: Page) -> None:
    verdict = click_verify(blank, vector_record())

    assert verdict.startswith(MATCH)
    assert "毫秒" in verdict


def test_the_button_on_a_tampered_draw_page_says_which_part_differs(blank: Page) -> None:
    record = copy.deepcopy(vector_record())
    record["targets"][0] = "913502000000000003"

    verdict = click_verify(blank, record)

    assert verdict.startswith("本次抽取无法复现")
    assert "抽中的检查对象与公布的不一致" in verdict
    assert blank.get_attribute("#draw-verdict", "data-state") == "mismatch"


def test_lists_sorted_by_utf8_bytes_are_accepted_though_utf16_orders_them_otherwise(
    blank: Page,
) -> None:
    # By UTF-8 bytes (and code points) U+FF01 comes before U+1F600; by UTF-16 units after.
    record = record_of(
        candidates=["a", "！", "😀"], inspectors=["甲", "！", "🀄"], beacons=["😀"], k=3, m=2
    )

    assert verify(blank, record) == {"ok": True, "problems": []}
    assert recompute(blank, record)["targets"] == record["targets"]
