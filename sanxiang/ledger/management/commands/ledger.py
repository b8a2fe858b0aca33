"""``sanxiang ledger sign`` and ``sanxiang ledger verify``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.ledger.services import tree_head_sign
from sanxiang.ledger.signing import ALGORITHMS
from sanxiang.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = "Sign a tree head, or verify the whole ledger (exit status 1 on the first problem)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="sign the current size and root")
        sign.add_argument("--algorithm", choices=ALGORITHMS, default=None)
        sub.add_parser("verify", help="recompute everything from the leaves")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sign":
            head = tree_head_sign(algorithm=options["algorithm"])
            self.stdout.write(
                f"signed size={head.size} root={head.root} "
                f"algorithm={head.key.algorithm} key={head.key.key_id}"
            )
            return
        report = verify_ledger()
        if report.ok:
            self.stdout.write(f"OK size={report.size} root={report.root.hex()}")
            self.stdout.write(
                f"checked {report.heads_checked} signed tree heads, "
                f"{report.events_checked} events against their records"
            )
            return
        self.stderr.write(f"FAILED: {report.problem}")
        raise SystemExit(1)
