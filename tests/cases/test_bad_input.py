"""Malformed numbers in forms and query strings: a Chinese 4xx, never a 500, nothing stored.

The property tests walk the URL resolver: every page is asked with generated values in every
query parameter the views read (found in their source), and every form an officer is shown is
sent back with generated values in each of its fields — huge numbers, NaN, exponents, negative
and other scripts' digits, empty and very long text. Run on PostgreSQL too (integer overflow
fails there, not on SQLite): scripts/with-postgres.py -- pytest tests/cases/test_bad_input.py
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sanxiang
from sanxiang.cases.models import Case, Payment, Procedure
from sanxiang.cases.services import remedy_record
from sanxiang.ledger.models import LedgerEntry
from tests.cases.test_execution import served

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

HOSTILE = [
    "", " ", "0", "-1", "-0", "1e999", "1E5", "1e-5", "NaN", "nan", "Infinity", "-Infinity",
    "9" * 20, "9" * 30, str(2**63), str(2**63 - 1), str(2**31), "１２３", "٣", "²", "1_000",
    " 12 ", "12.345", "0x1F", "1,000", "99999-01-01", "2026-13-01", "null", "[]", "a" * 5000,
    "\x00", "%00", "1\x00",
]  # fmt: skip
VALUES = st.sampled_from(HOSTILE) | st.integers(-(10**30), 10**30).map(str) | st.text(max_size=30)
NASTIEST = ["1e999", "9" * 30]
BAD_AMOUNTS = ["9" * 20, "1e999", "NaN", "Infinity", "-1", "1E5", "٣", "12.345", "1" + "0" * 16]
MONEY_FIELDS = {"fine_yuan", "amount", "amount_involved_yuan", "changed_fine"}
# Django's admin and the API's own generated schema page are not ours to fuzz here.
SKIPPED = ("office/admin/",)
BOUNDED = settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _query_names() -> list[str]:
    """Every query parameter a view reads, as its source names it."""
    names = {"page", "agency", "year", "cursor", "limit", "since", "until", "q", "kind", "id"}
    for path in Path(sanxiang.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'GET(?:\.get|\.getlist)?\(\s*"(\w+)"', text))
        names |= set(re.findall(r'_int\(request, "(\w+)"\)', text))
    return sorted(names)


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED):
            if "(?P" in route or "^" in route:
                continue
            yield route


def _url(route: str, pk: int, number: str | None = None) -> str:
    path = re.sub(r"<int:\w+>", number if number is not None else str(pk), route)
    return "/" + re.sub(r"<(?:str|slug|path|uuid):\w+>", "x", path)


class _Forms(HTMLParser):
    """The POST forms of a page: action and their fields with the values shown."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._open = {}
            self.forms.append((a.get("action") or "", self._open))
        elif self._open is not None and tag in ("input", "select", "textarea") and a.get("name"):
            if a.get("type") == "file":
                return
            self._open.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


@pytest.fixture
def world(staff, general_case, articles, monkeypatch):
    """A clue, an on-the-spot case, a served case with a fine and a 复议 (payment, schedule,
    remedy outcome forms show), the clock pinned and PDF conversion stubbed (LibreOffice is not
    what is tested here)."""
    monkeypatch.setattr("sanxiang.cases.pdf.convert_to_pdf", lambda docx: b"%PDF-1.4\n%stub\n")
    from tests.cases.conftest import ready_case

    decided = served(staff, ready_case(staff, party_name="赵某"), articles)
    on_spot = ready_case(
        staff, party_name="钱某", procedure=Procedure.PENALTY_SIMPLE, fine_yuan=Decimal("50")
    )
    with time_machine.travel(NOW, tick=False):
        remedy_record(
            actor=staff.zhang, case_id=decided.pk, kind="reconsideration",
            filed_on=NOW.date(), body="测试市人民政府",
        )  # fmt: skip
        yield {"staff": staff, "clue": general_case, "served": decided, "on_spot": on_spot}


def _ok(response, url):
    assert response.status_code < 500, (url, response.status_code)


def test_fine_of_twenty_digits_is_refused_and_the_case_list_still_loads(client, world):
    staff, case = world["staff"], world["clue"]
    client.force_login(staff.zhang.user)
    events = LedgerEntry.objects.count()
    response = client.post(
        f"/office/cases/{case.pk}/assess",
        {"facts": "占道经营", "penalty_kinds": "fine", "fine_yuan": "9" * 20},
        follow=True,
    )
    assert "罚款金额不能达到或超过1,000,000,000,000元" in response.content.decode()
    case.refresh_from_db()
    assert case.fine_yuan is None and LedgerEntry.objects.count() == events
    assert client.get("/office/cases/").status_code == 200
    assert client.get(f"/office/cases/{case.pk}/").status_code == 200


def test_a_fine_out_of_range_cannot_be_stored_even_past_the_services(world):
    from django.db import DataError, IntegrityError, transaction

    case = world["clue"]
    # SQLite: the CHECK constraint; PostgreSQL: numeric(14, 2) itself, and the CHECK behind it.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(fine_yuan="99999999999999999999")


@pytest.mark.parametrize(
    "url",
    [
        "/gongshi/decisions/?agency=" + "9" * 30,
        "/gongshi/decisions/?page=1e3",
        "/gongshi/officers/?agency=NaN",
        "/gongshi/officers/?page=" + "9" * 30,
        "/office/cases/?page=" + "9" * 30,
        "/office/review/figures/?year=99999",
        "/gongshi/ledger/proof?index=" + "9" * 30 + "&size=1",
    ],
)
def test_malformed_number_in_a_link_is_answered_with_a_chinese_400(client, world, url):
    client.force_login(world["staff"].head.user)
    response = client.get(url)
    assert response.status_code == 400
    assert "应为" in response.content.decode()


def test_malformed_page_is_a_chinese_400_page_not_an_error(client, world):
    response = client.get("/gongshi/decisions/?agency=abc")
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "参数“执法主体”应为正整数" in page


def test_api_answers_a_malformed_number_with_chinese_json(client, world):
    response = client.get("/api/v1/publications", {"agency": "9" * 30})
    assert 400 <= response.status_code < 500
    assert "请求参数不符合要求" in response.json()["message"]


def test_id_too_large_for_the_database_in_a_path_is_not_found(client, world):
    client.force_login(world["staff"].zhang.user)
    for url in ("/office/cases/" + "9" * 30 + "/", "/gongshi/decisions/" + "9" * 30 + "/"):
        assert client.get(url).status_code == 404


def _get_with_generated_params(client, url, names):
    @BOUNDED
    @given(params=st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=3))
    def ask(params):
        _ok(client.get(url, params), (url, params))

    ask()


def _post_with_generated_fields(client, target, fields, names):
    @BOUNDED
    @given(name=st.sampled_from(names), value=VALUES)
    def send(name, value):
        _ok(client.post(target, {**fields, name: value}), (target, name, value))

    send()
    # The nastiest numbers in each field and in all at once (fields read together, such as
    # latitude and longitude), whatever the random draw chose.
    for value in NASTIEST:
        for chosen in [[name] for name in names] + [names]:
            data = {**fields, **dict.fromkeys(chosen, value)}
            _ok(client.post(target, data), (target, chosen, value))


def test_every_query_parameter_of_every_page_survives_generated_input(client, world):
    """Anonymous (portal, API) and as a 负责人 (office): every GET route, every parameter."""
    staff, case = world["staff"], world["served"]
    names = _query_names()
    routes = list(_routes())
    assert len(routes) > 40 and "page" in names and "year" in names
    for who in (None, staff.head.user):
        client.logout()
        if who is not None:
            client.force_login(who)
        for route in routes:
            _get_with_generated_params(client, _url(route, case.pk), names)
            if "<int:" in route:
                url = _url(route, case.pk, "9" * 30)
                _ok(client.get(url), url)


def _forms_shown(client, world, prefix, users):
    """The POST forms on every page under ``prefix`` that ``users`` (None: anonymous) see."""
    forms: dict[tuple[str, tuple[str, ...]], tuple[str, dict[str, str]]] = {}
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user.user)
        for route in _routes():
            if not route.startswith(prefix):
                continue
            for case in (world["clue"], world["served"], world["on_spot"]):
                url = _url(route, case.pk)
                response = client.get(url)
                _ok(response, url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = _Forms()
                parser.feed(response.content.decode())
                for action, fields in parser.forms:
                    target = action or url
                    if "logout" in target or "admin" in target or not fields:
                        continue
                    forms.setdefault((target, tuple(sorted(fields))), (target, fields))
    return forms


def test_every_form_survives_generated_input_and_refused_amounts_store_nothing(client, world):
    staff = world["staff"]
    office = _forms_shown(client, world, "office/", (staff.zhang, staff.head))
    assert len(office) > 10
    assert {"fine_yuan", "amount", "changed_fine"} <= {n for _, f in office.values() for n in f}
    public = _forms_shown(client, world, "gongshi/", (None,))
    assert any("query" in target for target, _ in public.values())
    client.logout()
    for target, fields in public.values():
        names = sorted(name for name in fields if name != "csrfmiddlewaretoken")
        if names:
            _post_with_generated_fields(client, target, fields, names)
    forms = office
    client.force_login(staff.head.user)
    for target, fields in forms.values():
        names = sorted(name for name in fields if name != "csrfmiddlewaretoken")
        if not names:
            continue
        _post_with_generated_fields(client, target, fields, names)
        for name in set(names) & MONEY_FIELDS:
            for bad in BAD_AMOUNTS:
                before = (LedgerEntry.objects.count(), Payment.objects.count())
                fines = list(Case.objects.order_by("pk").values_list("fine_yuan", flat=True))
                _ok(client.post(target, {**fields, name: bad}), (target, name, bad))
                assert (LedgerEntry.objects.count(), Payment.objects.count()) == before, (
                    target,
                    name,
                    bad,
                )
                assert list(Case.objects.order_by("pk").values_list("fine_yuan", flat=True)) == (
                    fines
                )


def test_a_negative_fine_cannot_be_stored_even_past_the_services(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=world["clue"].pk).update(fine_yuan=Decimal("-1"))


def test_payments_stay_append_only_after_their_amounts_were_constrained(world):
    """The CHECK constraints rebuilt the tables on SQLite; the triggers were put back."""
    from django.db import DatabaseError, transaction

    from tests.cases.test_execution import pay

    case = world["served"]
    payment = pay(world["staff"], case, "100", case.served_on, "非税-2026-0100")
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount_yuan=Decimal("1"))


@pytest.mark.parametrize(
    ("url", "json"), [("/gongshi/decisions/", False), ("/api/v1/publications", True)]
)
def test_a_request_django_itself_refuses_is_a_chinese_400_too(client, world, url, json):
    """More query fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django's own 400, in Chinese."""
    response = client.get(url + "?" + "&".join(f"f{i}=1" for i in range(1100)))
    assert response.status_code == 400
    if json:
        assert response.json()["message"].startswith("请求无效")
    else:
        assert "请求有误" in response.content.decode()
