"""接口令牌: made by the command (printed once, kept only as a hash), listed, revoked; the
管理后台 shows them read-only and can only revoke; each make and revoke is a ledger event."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import ApiToken
from sanxiang.org.tokens import api_token_create


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api-token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_once_and_keeps_only_its_hash(agency):
    out = run("create", "--agency", agency.credit_code, "--name", "政务服务平台",
              "--scope", "permits:write")  # fmt: skip
    found = re.search(r"sxk_[0-9a-f]{12}_\S{43}", out)
    assert found is not None
    token = found[0]
    row = ApiToken.objects.get()
    assert (row.agency, row.name, row.scopes) == (agency, "政务服务平台", "permits:write")
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(f"sxk_{row.prefix}_")
    assert token not in str(list(ApiToken.objects.values()))
    entry = LedgerEntry.objects.get(action="org.apitoken.created")
    assert (entry.object_id, entry.agency_id) == (str(row.pk), agency.pk)
    listing = run("list")
    assert "政务服务平台" in listing and "有效" in listing and token not in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--agency", "91990100MA0000000X"), "统一社会信用代码"),
        (("--agency", "SELF", "--scope", "permits:read"), "未知的权限范围：permits:read"),
    ],
)
def test_an_unknown_agency_or_scope_is_refused_in_chinese(agency, args, message):
    args = tuple(agency.credit_code if a == "SELF" else a for a in args)
    if "--scope" not in args:
        args = (*args, "--scope", "permits:write")
    with pytest.raises(CommandError, match=message) as refused:
        run("create", "--name", "某系统", *args)
    assert refused.value.returncode != 0
    assert not ApiToken.objects.exists()
    assert not LedgerEntry.objects.filter(action="org.apitoken.created").exists()


def test_an_agency_that_does_not_exist_is_named(agency):
    other = agency.credit_code[:-2] + "00"
    with pytest.raises(CommandError, match="统一社会信用代码"):
        run("create", "--agency", other, "--name", "x", "--scope", "permits:write")


def test_revoke_stops_the_token_once_and_is_ledgered(agency):
    row, _ = api_token_create(
        agency_credit_code=agency.credit_code, name="政务服务平台", scopes=["permits:write"]
    )
    assert "已停用接口令牌" in run("revoke", str(row.pk))
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert LedgerEntry.objects.filter(action="org.apitoken.revoked").count() == 1
    with pytest.raises(CommandError, match="已于"):
        run("revoke", str(row.pk))
    with pytest.raises(CommandError, match="没有编号为 999"):
        run("revoke", "999")
    assert LedgerEntry.objects.filter(action="org.apitoken.revoked").count() == 1
    assert "已停用" in run("list")


def test_the_admin_shows_tokens_read_only_and_can_only_revoke(agency, admin_client):
    row, token = api_token_create(
        agency_credit_code=agency.credit_code, name="政务服务平台", scopes=["permits:write"]
    )
    listing = admin_client.get(reverse("admin:org_apitoken_changelist"))
    assert listing.status_code == 200
    assert "政务服务平台" in listing.content.decode() and token not in listing.content.decode()
    assert admin_client.get(reverse("admin:org_apitoken_add")).status_code == 403
    page = admin_client.get(reverse("admin:org_apitoken_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:org_apitoken_delete", args=[row.pk])).status_code == 403
    admin_client.post(
        reverse("admin:org_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.revoked_at is not None
    entry = LedgerEntry.objects.get(action="org.apitoken.revoked")
    assert entry.actor.startswith("user:")
