"""``sanxiang ledger sign``, ``verify``, ``anchor-state`` and ``witness``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.ledger.services import state_anchor, tree_head_sign, tree_heads_sign
from sanxiang.ledger.signing import ALGORITHMS
from sanxiang.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = (
        "Sign a tree head, verify the whole ledger (every problem on its own line, exit status 1 "
        "if there is any), or record the state of rows that predate state digests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="sign the size and root of every log that grew")
        sign.add_argument("--algorithm", choices=ALGORITHMS, default=None)
        verify = sub.add_parser("verify", help="recompute everything from the leaves")
        verify.add_argument(
            "--witness",
            action="store_true",
            help="also compare the log with the latest head each configured witness co-signed",
        )
        sub.add_parser(
            "anchor-state",
            help="record, once, the current state of rows that no event describes yet",
        )
        witness = sub.add_parser("witness", help="witnessed checkpoints (both ends)")
        witness_sub = witness.add_subparsers(dest="witness_action", required=True)
        add = witness_sub.add_parser("add", help="log side: send our heads to a witness")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True, help="the witness's /gongshi/ledger/witness")
        add.add_argument("--public-key", required=True, help="PEM file of the witness's key")
        witness_sub.add_parser(
            "push", help="log side: send each log's newest head to every witness"
        )
        watch = witness_sub.add_parser("watch", help="witness side: witness another log")
        watch.add_argument("--name", required=True)
        watch.add_argument("--public-key", required=True, help="PEM file of the log's key")
        watch.add_argument("--algorithm", choices=ALGORITHMS, default=ALGORITHMS[0])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sign":
            heads = tree_heads_sign(algorithm=options["algorithm"]) or [
                tree_head_sign(algorithm=options["algorithm"])
            ]
            for head in heads:
                self.stdout.write(
                    f"signed log={head.log} size={head.size} root={head.root} "
                    f"algorithm={head.key.algorithm} key={head.key.key_id}"
                )
            return
        if options["action"] == "anchor-state":
            counts = state_anchor()
            for object_type, count in counts.items():
                self.stdout.write(f"anchored {count} {object_type}")
            self.stdout.write(f"anchored {sum(counts.values())} rows in total")
            return
        if options["action"] == "witness":
            self._witness(options)
            return
        report = verify_ledger()
        if options["witness"]:
            from sanxiang.ledger.witness import witnesses_check

            witnesses_check(report)
        if report.ok:
            self.stdout.write(
                f"OK size={report.size} root={report.root.hex()} logs={len(report.logs)}"
            )
            for key, (size, root) in sorted(report.logs.items()):
                self.stdout.write(f"log {key} size={size} root={root.hex()}")
            self.stdout.write(
                f"checked {report.heads_checked} signed tree heads, "
                f"{report.events_checked} events against their records, "
                f"{report.rows_checked} rows against their recorded state, "
                f"{report.witnesses_checked} witnesses"
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

    def _witness(self, options: dict[str, Any]) -> None:
        from pathlib import Path

        from sanxiang.ledger import witness

        action = options["witness_action"]
        if action == "watch":
            log = witness.watched_log_add(
                name=options["name"],
                public_key_pem=Path(options["public_key"]).read_text(encoding="ascii"),
                algorithm=options["algorithm"],
            )
            self.stdout.write(f"witnessing {log.name}: key {log.key_id}")
            self.stdout.write("give the log's administrators this witness public key:")
            self.stdout.write(witness.witness_public_key_pem())
        elif action == "add":
            added = witness.witness_add(
                name=options["name"],
                url=options["url"],
                public_key_pem=Path(options["public_key"]).read_text(encoding="ascii"),
            )
            self.stdout.write(f"witness {added.name} added: {added.url}")
        else:
            failed = False
            for target, result in witness.witnesses_push():
                if isinstance(result, str):
                    failed = True
                    self.stderr.write(f"FAILED: {result}")
                else:
                    self.stdout.write(f"{target}: co-signed size={result.size} root={result.root}")
            if failed:
                raise SystemExit(1)
