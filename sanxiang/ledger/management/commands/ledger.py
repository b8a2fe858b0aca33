"""``sanxiang ledger sign``, ``verify``, ``anchor-state`` and ``witness``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.ledger.services import state_anchor, tree_head_sign
from sanxiang.ledger.signing import ALGORITHMS
from sanxiang.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = (
        "Sign a tree head, verify the whole ledger (every problem on its own line, exit status 1 "
        "if there is any), or record the state of rows that predate state digests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="sign the current size and root")
        sign.add_argument("--algorithm", choices=ALGORITHMS, default=None)
        sub.add_parser("verify", help="recompute everything from the leaves")
        sub.add_parser(
            "anchor-state",
            help="record, once, the current state of rows that no event describes yet",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sign":
            head = tree_head_sign(algorithm=options["algorithm"])
            self.stdout.write(
                f"signed size={head.size} root={head.root} "
                f"algorithm={head.key.algorithm} key={head.key.key_id}"
            )
            return
        if options["action"] == "anchor-state":
            counts = state_anchor()
            for object_type, count in counts.items():
                self.stdout.write(f"anchored {count} {object_type}")
            self.stdout.write(f"anchored {sum(counts.values())} rows in total")
            return
        report = verify_ledger()
        if report.ok:
            self.stdout.write(f"OK size={report.size} root={report.root.hex()}")
            self.stdout.write(
                f"checked {report.heads_checked} signed tree heads, "
                f"{report.events_checked} events against their records, "
                f"{report.rows_checked} rows against their recorded state"
            )
            return
        for problem in report.problems:
            self.stderr.write(f"FAILED: {problem}")
        if report.problem_count > len(report.problems):
            self.stderr.write(
                f"FAILED: … and {report.problem_count - len(report.problems)} more problems"
            )
        self.stderr.write(f"{report.problem_count} problems found")
        raise SystemExit(1)
