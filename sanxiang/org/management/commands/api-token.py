"""``sanxiang api-token create|list|revoke``: the write API's tokens (docs/operations/api.md).

The module is named as the command is typed (Django names commands after their modules).
"""

# ruff: noqa: N999

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxiang.org.tokens import ApiTokenRefused, api_token_create, api_token_revoke, api_tokens


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "-"


class Command(BaseCommand):
    help = "Make, list or revoke the API tokens client systems write to /api/v1/ with."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token; it is printed once")
        create.add_argument("--agency", required=True, help="统一社会信用代码 of the agency")
        create.add_argument("--name", required=True, help="the client system's name")
        create.add_argument(
            "--scope", action="append", required=True, dest="scopes", help="e.g. permits:write"
        )
        sub.add_parser("list", help="every token (never the token itself)")
        revoke = sub.add_parser("revoke", help="stop a token")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                row, token = api_token_create(
                    agency_credit_code=options["agency"],
                    name=options["name"],
                    scopes=options["scopes"],
                )
                self.stdout.write(
                    f"已为 {row.agency.name} 的“{row.name}”创建接口令牌（编号 {row.pk}，"
                    f"权限 {row.scopes}）。\n令牌只显示这一次，请立即妥善保存：\n{token}"
                )
            elif options["action"] == "revoke":
                row = api_token_revoke(token_id=options["id"])
                self.stdout.write(f"已停用接口令牌 {row.pk}（{row.name}）。")
            else:
                self._list()
        except ApiTokenRefused as exc:
            raise CommandError(exc.message, returncode=2) from exc

    def _list(self) -> None:
        rows = list(api_tokens())
        if not rows:
            self.stdout.write("还没有接口令牌。")
            return
        self.stdout.write("编号\t前缀\t执法主体\t接入系统\t权限\t创建时间\t最近使用\t状态")
        for row in rows:
            state = f"已停用 {_when(row.revoked_at)}" if row.revoked_at else "有效"
            self.stdout.write(
                f"{row.pk}\tsxk_{row.prefix}\t{row.agency.name}\t{row.name}\t{row.scopes}\t"
                f"{_when(row.created_at)}\t{_when(row.last_used_at)}\t{state}"
            )
