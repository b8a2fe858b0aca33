"""Every operation of /api/v1/ answers as its own OpenAPI schema says (schemathesis, in-process
through WSGI: no server, no network), for generated valid and invalid requests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sanxiang.disclosure.services import publication_withdraw
from sanxiang.ledger.services import tree_head_sign
from sanxiang.org.tokens import api_token_create
from tests.api.helpers import decide_another, publish

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI stays reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def connection_kept() -> Iterator[None]:
    """Requests through the real WSGI handler without closing the database connection when one
    starts or ends (Django's test client does the same): the test's transaction, and so its
    data, must survive. Django's test client reconnects the handlers after each of its own
    requests, so use it only outside this block."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def check(strategy: st.SearchStrategy, headers: dict[str, str] | None = None) -> None:
    @given(case=strategy)
    @EXAMPLES
    def run(case) -> None:
        if headers is None:
            case.call_and_validate()
            return
        # The write's body has rules no schema states (check characters of credit codes, dates
        # in order, a 文书号 once per agency): well-formed bodies may be refused (422), never 5xx.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


def test_every_operation_conforms_to_the_schema(client, staff, articles, published, settings):
    # The generated requests without a token must not lock the valid ones out (429).
    settings.SANXIANG_API_AUTH_FAILURE_LIMIT = 10_000
    _, token = api_token_create(
        agency_credit_code=staff.head.unit.agency.credit_code,
        name="政务服务平台",
        scopes=["permits:write"],
    )
    write = {"Authorization": f"Bearer {token}"}
    withdrawn = publish(staff, decide_another(staff, articles, date(2026, 10, 12), "违规设置广告"))
    with time_machine.travel(date(2026, 10, 14), tick=False):
        publication_withdraw(
            actor=staff.head, publication_id=withdrawn.pk, reason="changed",
            statement="该处罚决定已依法变更。", occurred_on=date(2026, 10, 13),
        )  # fmt: skip
    tree_head_sign()
    # A cursor is opaque: any string fits the schema, only one the API handed out is valid
    # (others get 400). Valid requests carry a real one; invalid ones are generated freely.
    cursors = {
        path: client.get(path, {"limit": 1}).json()["next_cursor"]
        for path in ("/api/v1/publications", "/api/v1/officers")
    }
    assert all(cursors.values())
    with connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = []
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result  # the schema itself is valid
            operations.append(result.ok())
        assert len(operations) == 7
        for operation in operations:
            if operation.method.upper() == "POST":  # the write: with a valid token
                check(operation.as_strategy(GenerationMode.POSITIVE), write)
                check(operation.as_strategy(GenerationMode.NEGATIVE), write)
                continue
            fixed = {"cursor": cursors[operation.path]} if operation.path in cursors else None
            check(operation.as_strategy(GenerationMode.POSITIVE, query=fixed))
            if operation.query or operation.path_parameters:  # else nothing can be invalid
                check(operation.as_strategy(GenerationMode.NEGATIVE))
            if "{id}" in operation.path:  # the ids that exist, published and withdrawn
                for pk in (published.pk, withdrawn.pk):
                    check(operation.as_strategy(path_parameters={"id": pk}))
