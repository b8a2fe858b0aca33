"""Recall and precision of ``redaction.redact`` on a labelled set of texts.

Pure functions: no database, no settings, no clock. The set's format is described in
``data/redaction-eval/README.md``: JSON lines with ``text``, the case data the caller would pass
(``persons``, ``addresses``, ``organisations``, ``public``) and ``spans``, each
``{"category", "start", "end"}`` in code points of ``text``.

- A personal span (category one of ``redaction.KINDS``) is **caught** when every character of it
  that carries information (not a separator, not invisible) lies inside some finding, of any
  kind: the replacement then decides what stays (first/last 4, the district …).
- **Recall** of a category: caught spans / labelled spans of that category.
- A finding is **right** when it overlaps a personal span; it is a false positive when it
  overlaps none. **Precision** of a kind: right findings of that kind / findings of that kind.
- A ``public`` span touched by any finding counts as a public-data false positive, reported
  separately (``public_touched``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sanxiang.disclosure.normalise import SEPARATORS, read_char
from sanxiang.disclosure.redaction import KINDS, Finding, redact


@dataclass
class Score:
    labelled: int = 0
    caught: int = 0
    findings: int = 0
    right: int = 0

    @property
    def recall(self) -> float | None:
        return self.caught / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.right / self.findings if self.findings else None


@dataclass
class Report:
    texts: int = 0
    by_kind: dict[str, Score] = field(default_factory=lambda: {kind: Score() for kind in KINDS})
    public_spans: int = 0
    public_touched: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, category, text)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (id, kind, text)

    def table(self) -> str:
        """A Markdown table of recall and precision per category."""

        def percent(value: float | None) -> str:
            return "—" if value is None else f"{value:.1%}"

        rows = [
            "| category | labelled | caught | recall | findings | right | precision |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind, score in self.by_kind.items():
            rows.append(
                f"| {kind} | {score.labelled} | {score.caught} | {percent(score.recall)} "
                f"| {score.findings} | {score.right} | {percent(score.precision)} |"
            )
        rows.append(
            f"\n{self.texts} texts; public spans (officers, certificates, agency contacts, "
            f"organisations' names and 住所): {self.public_spans}, touched by a finding: "
            f"{self.public_touched}"
        )
        return "\n".join(rows)


def load(directory: Path) -> list[dict[str, object]]:
    """Every case of every ``*.jsonl`` file in ``directory``, in file and line order."""
    cases: list[dict[str, object]] = []
    for path in sorted(directory.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        cases += [json.loads(line) for line in lines if line.strip()]
    return cases


def _significant(text: str, start: int, end: int) -> set[int]:
    return {
        i for i in range(start, end) if read_char(text[i]) and read_char(text[i]) not in SEPARATORS
    }


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def evaluate(cases: Iterable[dict[str, object]]) -> Report:
    report = Report()
    for case in cases:
        report.texts += 1
        text = str(case["text"])
        result = redact(
            text,
            persons=_strings(case.get("persons")),
            addresses=_strings(case.get("addresses")),
            organisations=_strings(case.get("organisations")),
            public=_strings(case.get("public")),
        )
        spans = case.get("spans")
        labelled = [
            (str(s["category"]), int(s["start"]), int(s["end"]))
            for s in (spans if isinstance(spans, list) else [])
        ]
        covered = {i for f in result.findings for i in range(f.start, f.end)}
        personal = [span for span in labelled if span[0] != "public"]
        for category, start, end in labelled:
            if category == "public":
                report.public_spans += 1
                if any(i in covered for i in range(start, end)):
                    report.public_touched += 1
                continue
            score = report.by_kind[category]
            score.labelled += 1
            if _significant(text, start, end) <= covered:
                score.caught += 1
            else:
                report.missed.append((str(case["id"]), category, text[start:end]))
        for finding in result.findings:
            score = report.by_kind[finding.kind]
            score.findings += 1
            if _overlaps(finding, personal):
                score.right += 1
            else:
                report.wrong.append((str(case["id"]), finding.kind, finding.original))
    return report


def _overlaps(finding: Finding, spans: list[tuple[str, int, int]]) -> bool:
    return any(finding.start < end and start < finding.end for _, start, end in spans)
