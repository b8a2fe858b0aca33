"""``sanxiang evaluation verify <campaign id>``: recompute a campaign's SX-DRAW-1 sample from
its recorded frame and beacon and check it against the result, the assignments and the
ledger's digests. Exit status 1 when anything disagrees."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.evaluation.events import beacon_plan
from sanxiang.evaluation.models import Campaign
from sanxiang.evaluation.selectors import verify


class Command(BaseCommand):
    help = "案卷评查: verify a campaign's random sample (SX-DRAW-1)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="recompute the sample and compare")
        check.add_argument("campaign", type=int)
        check.add_argument("--json", action="store_true", help="print the draw's record as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有编号为 {options['campaign']} 的评查活动")
        if options["json"]:
            record = {
                "frame": campaign.frame,
                "beacon_source": campaign.beacon_source,
                "beacon_plan": beacon_plan(campaign),
                "beacon": campaign.beacon,
                "result": campaign.result,
            }
            self.stdout.write(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True))
        problems = verify(campaign)
        if problems:
            raise CommandError("；".join(problems))
        self.stdout.write(f"评查活动 {campaign.pk}「{campaign.name}」：抽样复核一致")
