"""Statutory periods of 行政复议 and 行政诉讼 (data/remedies.csv), offered when an agency records
its 救济渠道 and printed wherever a party is told how to challenge a decision."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REMEDIES_FILE = Path(__file__).resolve().parents[2] / "data" / "remedies.csv"


@dataclass(frozen=True)
class RemedyDefaults:
    period: str
    basis: str
    how: str


@cache
def remedy_defaults() -> dict[str, RemedyDefaults]:
    """Kind (``RemedyKind`` value) → the period, basis and manner the law gives."""
    with REMEDIES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["kind"]: RemedyDefaults(row["period"], row["basis"], row["how"])
            for row in csv.DictReader(handle)
        }
