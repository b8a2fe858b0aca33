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


BENCHMARK_ROWS = (
    "类型,编号,名称,执法事项编码,违法依据,处罚依据,罚款下限,罚款上限,条件,制定机关,施行日期",
    "基准,,测试裁量基准,,,,,,,测试局,2026-01-01",
    "违法行为,T-1,擅自堆放物料,T-ITEM,《城市市容和环境卫生管理条例》第十四条,"
    "《城市市容和环境卫生管理条例》第三十六条,500,5000,,,",
    "阶次,T-1,一般处罚,,,,500,5000,一般情形,,",
)


def benchmark_in_force_for(agency) -> int:
    """A 裁量基准 in force for ``agency`` (its id), so /discretion/{agency_id} answers 200."""
    from sanxiang.discretion.services import benchmark_import, benchmark_publish
    from sanxiang.org.models import EnforcementCategory, EnforcementItem

    EnforcementItem.objects.create(
        agency=agency, code="T-ITEM", name="测试事项", kind="penalty", authority="处罚",
        category=EnforcementCategory.objects.get(name="城市管理"),
    )  # fmt: skip
    draft = benchmark_import(
        agency=agency, filename="b.csv", content="\n".join(BENCHMARK_ROWS).encode()
    )
    benchmark_publish(benchmark_id=draft.pk)
    return int(agency.pk)


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
    agency_id = benchmark_in_force_for(staff.head.unit.agency)
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
        assert len(operations) == 9
        for operation in operations:
            if operation.method.upper() == "POST":  # the write: with a valid token
                check(operation.as_strategy(GenerationMode.POSITIVE), write)
                check(operation.as_strategy(GenerationMode.NEGATIVE), write)
                continue
            fixed = {"cursor": cursors[operation.path]} if operation.path in cursors else None
            check(operation.as_strategy(GenerationMode.POSITIVE, query=fixed))
            if operation.query or operation.path_parameters:  # else nothing can be invalid
                check(operation.as_strategy(GenerationMode.NEGATIVE))
            if "{agency_id}" in operation.path:  # an agency with a benchmark in force
                check(operation.as_strategy(path_parameters={"agency_id": agency_id}))
            if "{id}" in operation.path:  # the ids that exist, published and withdrawn
                for pk in (published.pk, withdrawn.pk):
                    check(operation.as_strategy(path_parameters={"id": pk}))
