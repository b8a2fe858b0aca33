"""The issue's SX-DRAW-1 test vector and the public record of a draw, as the portal serves it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sanxiang.inspections import draw

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations" / "inspections.md"

VECTOR_CANDIDATES = [f"9135020000000000{n:02d}" for n in range(1, 21)]
VECTOR_INSPECTORS = [f"990100100{n:02d}" for n in range(1, 6)]
VECTOR_BEACONS = ["福彩双色球2026140期：03 07 12 19 25 31+09"]
VECTOR_CONFLICTS = {"913502000000000001": ["99010010003"]}
VECTOR_SEED = "02a5ad8f3b4e855b48461b12325cf69648b23a4f3bb46b1e9fe522a0efc7097e"
VECTOR_TARGETS = ["913502000000000001", "913502000000000011", "913502000000000012"]
VECTOR_TEAMS = {
    "913502000000000001": ["99010010001", "99010010004"],
    "913502000000000011": ["99010010001", "99010010005"],
    "913502000000000012": ["99010010004", "99010010002"],
}


def record_of(
    *,
    candidates: Sequence[str],
    inspectors: Sequence[str],
    beacons: Sequence[str],
    k: int,
    m: int,
    conflicts: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The JSON record (``/gongshi/draws/<id>.json``) of a draw by the reference implementation."""
    conflicts = {target: list(people) for target, people in (conflicts or {}).items()}
    result = draw.run(
        candidates=candidates, inspectors=inspectors, beacons=beacons, k=k, m=m, conflicts=conflicts
    )
    return {
        "algorithm": draw.ALGORITHM,
        "candidates": list(candidates),
        "inspectors": list(inspectors),
        "candidates_sha256": draw.list_sha256(candidates),
        "inspectors_sha256": draw.list_sha256(inspectors),
        "beacons": list(beacons),
        "beacon_sources": ["test"] * len(beacons),
        "k": k,
        "m": m,
        "conflicts": conflicts,
        "seed": result.seed_hex,
        "targets": result.targets,
        "teams": result.teams,
    }


def vector_record() -> dict[str, Any]:
    return record_of(
        candidates=VECTOR_CANDIDATES,
        inspectors=VECTOR_INSPECTORS,
        beacons=VECTOR_BEACONS,
        k=3,
        m=2,
        conflicts=VECTOR_CONFLICTS,
    )


def printed_verifier() -> str:
    section = DOC.read_text(encoding="utf-8").split("## Verifying a draw (SX-DRAW-1)", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the section prints exactly one Python program"
    return str(blocks[0])
