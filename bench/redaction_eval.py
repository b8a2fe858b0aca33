"""Recall and precision of the redaction per category on the labelled evaluation set.

Run: ``.venv/bin/python bench/redaction_eval.py [DIR]`` (default ``data/redaction-eval``).
Prints a Markdown table, then every missed span and every false finding (the set is synthetic,
so printing them leaks nothing). Needs no database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sanxiang.disclosure.redaction_eval import evaluate, load

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "redaction-eval"


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    report = evaluate(load(directory))
    print(report.table())
    for case, category, text in report.missed:
        print(f"missed {case} {category}: {text!r}")
    for case, kind, text in report.wrong:
        print(f"false positive {case} {kind}: {text!r}")


if __name__ == "__main__":
    main()
