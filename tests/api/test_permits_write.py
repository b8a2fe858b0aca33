"""POST /api/v1/permits: a client system's token writes a 行政许可 decision for its own agency,
once per Idempotency-Key; every refusal leaves the database as it was."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from sanxiang.acts.models import Permit
from sanxiang.disclosure.models import Publication
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import ApiToken, ApiWrite
from sanxiang.org.tokens import api_token_create, api_token_revoke
from tests.acts.conftest import permit_fields
from tests.conftest import credit_code

URL = "/api/v1/permits"


@pytest.fixture
def token(agency) -> tuple[ApiToken, str]:
    return api_token_create(
        agency_credit_code=agency.credit_code, name="政务服务平台", scopes=["permits:write"]
    )


def post(client, body: Any, *, token: str | None, key: str | None = "k-1", **extra: Any):
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
    return client.post(URL, data=data, content_type="application/json", headers=headers, **extra)


def state() -> tuple[int, ...]:
    return (
        Permit.objects.count(),
        Publication.objects.count(),
        LedgerEntry.objects.count(),
        ApiWrite.objects.count(),
    )


def test_a_good_write_records_the_permit_and_opens_its_publication_with_its_due_date(
    client, agency, token
):
    row, secret = token
    answer = post(client, permit_fields(), token=secret)
    assert answer.status_code == 201, answer.content.decode()
    body = answer.json()
    permit = Permit.objects.get()
    assert (body["id"], body["agency_id"], body["decision"]) == (permit.pk, agency.pk, "grant")
    publication = Publication.objects.get(permit=permit)
    # 2026-06-08 plus 7 working days (data/disclosure/periods.csv)
    assert publication.due_on == date(2026, 6, 17)
    assert body["publication"] == {"id": publication.pk, "due_on": "2026-06-17"}
    assert answer["Idempotent-Replayed"] == "false"
    event = LedgerEntry.objects.filter(object_type="acts.permit").get()
    assert (event.actor, event.agency_id) == (f"api:token-{row.pk}", agency.pk)
    write = ApiWrite.objects.get()
    assert (write.token, write.key, write.status) == (row, "k-1", 201)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_agency_is_the_tokens_never_the_bodys(client, agency, token):
    answer = post(client, {**permit_fields(), "agency": "2"}, token=token[1])
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"agency": "不认识的字段：agency。"}
    assert not Permit.objects.exists()


def test_the_same_key_and_body_answers_the_first_answer_again(client, token):
    first = post(client, permit_fields(), token=token[1])
    before = state()
    again = post(client, permit_fields(), token=token[1])
    assert again.status_code == 201
    assert again.content == first.content  # byte for byte, on PostgreSQL too
    assert again["Idempotent-Replayed"] == "true"
    assert state() == before


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(client, token):
    post(client, permit_fields(), token=token[1])
    before = state()
    other = post(client, permit_fields(decision_number="测城许〔2026〕2号"), token=token[1])
    assert other.status_code == 409
    assert "幂等键" in other.json()["message"]
    assert state() == before


def test_a_refused_write_does_not_use_up_its_key(client, token):
    bad = post(client, permit_fields(valid_until="2026-01-01"), token=token[1])
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"valid_until": "有效期至不能早于有效期自。"}
    assert post(client, permit_fields(), token=token[1]).status_code == 201


def _other_scope(agency) -> str:
    row, secret = api_token_create(
        agency_credit_code=agency.credit_code, name="只读系统", scopes=["permits:write"]
    )
    ApiToken.objects.filter(pk=row.pk).update(scopes="reports:read")
    return secret


def _revoked(agency) -> str:
    row, secret = api_token_create(
        agency_credit_code=agency.credit_code, name="旧系统", scopes=["permits:write"]
    )
    api_token_revoke(token_id=row.pk)
    return secret


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no token", 401, "unauthorized"),
        ("unknown token", 401, "unauthorized"),
        ("revoked token", 401, "unauthorized"),
        ("other scope", 403, "forbidden"),
        ("no key", 400, "invalid_request"),
        ("bad fields", 422, "invalid_permit"),
        ("number not text", 422, "invalid_permit"),
        ("not json", 400, "invalid_json"),
        ("not an object", 422, "invalid_permit"),
        ("nul in a field", 422, "invalid_permit"),
        ("huge body", 413, "too_large"),
    ],
)
def test_each_refusal_answers_in_chinese_and_changes_nothing(client, agency, token, case, status,
                                                             code):  # fmt: skip
    secret: str | None = token[1]
    body: Any = permit_fields()
    key: str | None = "k-1"
    if case == "no token":
        secret = None
    elif case == "unknown token":
        secret = token[1][:-4] + "AAAA"
    elif case == "revoked token":
        secret = _revoked(agency)
    elif case == "other scope":
        secret = _other_scope(agency)
    elif case == "no key":
        key = None
    elif case == "bad fields":
        body = permit_fields(party_credit_code="123", decided_on="明天")
    elif case == "number not text":
        body = {**permit_fields(), "content": 12}
    elif case == "not json":
        body = "{不是 JSON"
    elif case == "not an object":
        body = [permit_fields()]
    elif case == "nul in a field":
        body = permit_fields(party_name="测试\x00公司")
    elif case == "huge body":
        body = permit_fields(remarks="长" * 70_000)
    before = state()
    answer = post(client, body, token=secret, key=key)
    assert answer.status_code == status, answer.content.decode()
    refusal = answer.json()
    assert refusal["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refusal["message"])
    assert state() == before
    if case == "bad fields":
        assert set(refusal["errors"]) == {"party_credit_code", "decided_on"}
    if status == 401:
        assert answer["WWW-Authenticate"].startswith("Bearer")


def test_failed_authentication_is_limited_per_address(client, agency, token, settings):
    settings.SANXIANG_API_AUTH_FAILURE_LIMIT = 3
    for _ in range(3):
        assert post(client, permit_fields(), token="sxk_guess").status_code == 401
    locked = post(client, permit_fields(), token=token[1])
    assert locked.status_code == 429 and "次数过多" in locked.json()["message"]
    assert int(locked["Retry-After"]) > 0
    assert not Permit.objects.exists()
    elsewhere = post(client, permit_fields(), token=token[1], REMOTE_ADDR="192.0.2.7")
    assert elsewhere.status_code == 201


def test_reading_the_write_endpoint_is_a_chinese_405(client):
    answer = client.get(URL)
    assert answer.status_code == 405
    assert answer.json()["message"] == "本接口仅支持 POST 请求。"


def test_a_duplicate_decision_number_under_a_new_key_is_refused(client, token):
    assert post(client, permit_fields(), token=token[1]).status_code == 201
    before = state()
    again = post(client, permit_fields(), token=token[1], key="k-2")
    assert again.status_code == 422
    assert "decision_number" in again.json()["errors"]
    assert state() == before


def test_a_second_agencys_token_writes_for_its_own_agency(client, agency, token):
    from sanxiang.org.models import Agency

    other = Agency.objects.create(
        name="另一市市场监督管理局", credit_code=credit_code(2), level="municipal",
        region="另一市", address="另一市中山路 2 号", phone="0999-7654321",
        authority_basis="另一市机构编制文件",
    )  # fmt: skip
    _, secret = api_token_create(
        agency_credit_code=other.credit_code, name="另一平台", scopes=["permits:write"]
    )
    assert post(client, permit_fields(), token=secret).status_code == 201
    assert post(client, permit_fields(), token=token[1]).status_code == 201
    assert sorted(Permit.objects.values_list("agency_id", flat=True)) == sorted(
        [agency.pk, other.pk]
    )


def test_failures_older_than_the_cool_off_no_longer_count(client, token, settings):
    import time_machine

    settings.SANXIANG_API_AUTH_FAILURE_LIMIT = 2
    with time_machine.travel("2026-06-10 09:00 +0800", tick=False):
        for _ in range(2):
            assert post(client, permit_fields(), token="sxk_guess").status_code == 401
        assert post(client, permit_fields(), token=token[1]).status_code == 429
    # 60 minutes later (cool-off 15): the old failures are gone, a good token writes again
    assert post(client, permit_fields(), token=token[1]).status_code == 201
    assert post(client, permit_fields(), token="sxk_guess", key="k-2").status_code == 401
    from sanxiang.org.models import ApiAuthFailure

    assert ApiAuthFailure.objects.count() == 1  # the old ones were cleared
