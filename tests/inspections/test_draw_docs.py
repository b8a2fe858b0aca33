"""The stdlib-only Python verifier printed in docs/operations/inspections.md, run exactly as
printed (the fenced block is taken from the Markdown) on draw records made by the reference
implementation: it says 一致 for a published draw and names what differs in a tampered one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.inspections.draw_records import printed_verifier, record_of, vector_record


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("doc") / "verify_draw.py"
    path.write_text(printed_verifier(), encoding="utf-8")
    return path


def run_verifier(verifier: Path, record: dict[str, Any], tmp_path: Path) -> tuple[int, str]:
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(verifier), str(saved)],
        capture_output=True,
        encoding="utf-8",
        env={"PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert done.stderr == ""
    return done.returncode, done.stdout.strip()


def test_the_printed_verifier_is_at_most_30_lines_of_standard_library_python() -> None:
    code = printed_verifier()

    assert len(code.splitlines()) <= 30
    imported = set(re.findall(r"^import (.+)$", code, flags=re.MULTILINE)[0].split(", "))
    assert imported <= {"hashlib", "json", "sys"}
    assert "from " not in code


def test_the_printed_verifier_reproduces_the_issues_test_vector(
    verifier: Path, tmp_path: Path
) -> None:
    assert run_verifier(verifier, vector_record(), tmp_path) == (0, "一致：本次抽取可以复现")


def test_the_printed_verifier_reproduces_a_draw_with_awkward_identifiers(
    verifier: Path, tmp_path: Path
) -> None:
    candidates = sorted(
        ['甲"乙', "a\\b", "\x01x", "😀", "！", "line\u2028sep", "tab\tx"], key=str.encode
    )
    record = record_of(
        candidates=candidates,
        inspectors=sorted(["警号\n001", "002", "🀄"], key=str.encode),
        beacons=["上证指数 2026-06-11 收盘 3,412.07", 'reveal:"🔑"\\'],
        k=4,
        m=2,
        conflicts={candidates[0]: ["002"]},
    )

    assert run_verifier(verifier, record, tmp_path) == (0, "一致：本次抽取可以复现")


def tampered(change: str) -> dict[str, Any]:
    record = vector_record()
    if change == "target":
        record["targets"][2] = "913502000000000013"
    elif change == "beacon":
        record["beacons"][0] = record["beacons"][0].replace("+09", "+08")
    elif change == "candidate removed":
        record["candidates"].remove("913502000000000005")
    elif change == "team":
        record["teams"]["913502000000000001"].reverse()
    elif change == "unsorted":
        record["inspectors"].reverse()
    return record


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("target", "不一致：targets"),
        ("beacon", "不一致：seed、targets、teams"),
        ("candidate removed", "不一致：candidates_sha256、seed、targets、teams"),
        ("team", "不一致：teams"),
        ("unsorted", "不一致：inspectors_sha256、seed、targets、teams、inspectors"),
    ],
)
def test_the_printed_verifier_names_what_a_tampered_record_changed(
    verifier: Path, tmp_path: Path, change: str, named: str
) -> None:
    assert run_verifier(verifier, tampered(change), tmp_path) == (1, named)
