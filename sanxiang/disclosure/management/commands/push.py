"""``sanxiang push run [--once] [--limit N] [--interval S]`` and ``sanxiang push key``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.disclosure.models import PushTarget
from sanxiang.disclosure.push import push_run, runner_name, signer_for


class Command(BaseCommand):
    help = "Send due deliveries to the push targets (推送), or show the key receivers verify with."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("run", help="send due deliveries")
        run.add_argument("--once", action="store_true", help="one pass, then exit (cron, timer)")
        run.add_argument("--limit", type=int, default=100, help="deliveries per pass")
        run.add_argument(
            "--interval", type=float, default=30.0, help="seconds between passes without --once"
        )
        key = sub.add_parser("key", help="print the public key a target's receiver verifies with")
        key.add_argument("--target", type=int, help="推送目标 id (default: the ledger algorithm)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "key":
            self._key(options["target"])
            return
        if options["limit"] < 1:
            raise CommandError("--limit 须为正整数 (--limit must be positive)")
        name = runner_name()
        while True:
            counts = push_run(limit=options["limit"], runner=name)
            if any(counts.values()) or options["once"]:
                self.stderr.write(
                    f"推送：成功 {counts['sent']}，待重试 {counts['retry']}，失败 {counts['dead']} "
                    f"(sent={counts['sent']} retry={counts['retry']} dead={counts['dead']} "
                    f"lost={counts['lost']})"
                )
            if options["once"]:
                return
            if sum(counts.values()) < options["limit"]:  # a full pass: go on at once
                time.sleep(options["interval"])

    def _key(self, target_id: int | None) -> None:
        target = (
            PushTarget() if target_id is None else PushTarget.objects.filter(pk=target_id).first()
        )
        if target is None:
            raise CommandError(f"没有该推送目标 (no push target {target_id})")
        signer = signer_for(target)
        self.stdout.write(f"algorithm: {signer.algorithm}\nkey_id: {signer.key_id}\n")
        self.stdout.write(signer.public_key_pem)
