"""现场执法 on a phone: what each step's form accepts and how it is shaped for the service.

The pages are plain HTML forms a phone fills in (and a script that sends one photo a request),
so each step is read here from ``request.POST`` into a value the service takes, with the Chinese
sentences that say what is missing. What the law decides (the 第五十一条 limits, the two
officers, the party's ID number) is checked by the services and the workflow guards, not here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sanxiang.cases.circumstance_form import ticks_from_form
from sanxiang.cases.models import Procedure
from sanxiang.cases.services import (
    TWO_OFFICERS,
    OnsiteParty,
    OnsiteStart,
    OnSpotPenalty,
    Position,
)
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.core.params import is_id
from sanxiang.org.models import Article, EnforcementCategory, Officer

KINDS = {
    Procedure.PENALTY_SIMPLE.value: "当场处罚",
    Procedure.INSPECTION.value: "现场检查",
}
COORDINATE_LIMIT = Decimal(10**7)
RECORD_FIELDS = ("started_at", "ended_at", "place", "present", "findings")
RESULTS = ("find_nothing", "find_violation")


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def start_clean(
    data: Any, *, categories: dict[int, EnforcementCategory], colleagues: dict[int, Officer]
) -> tuple[OnsiteStart | None, list[str]]:
    """Step a: 当场处罚 or 现场检查, what about, the 执法类别 and the second officer."""
    kind = data.get("kind", "")
    title = data.get("title", "").strip()
    category_id, second_id = _int(data.get("category", "")), _int(data.get("second", ""))
    category = categories.get(category_id) if category_id is not None else None
    second = colleagues.get(second_id) if second_id is not None else None
    errors = []
    if kind not in KINDS:
        errors.append("请选择当场处罚或现场检查。")
    if not title:
        errors.append("请填写案由（如：占道经营、油烟排放检查）。")
    if category is None:
        errors.append("请选择执法类别。")
    if second is None:
        errors.append(TWO_OFFICERS)
    if errors or category is None or second is None:
        return None, errors
    return OnsiteStart(
        kind=kind, title=title[:200], category_id=category.pk, second_id=second.pk
    ), []


def start_to_session(start: OnsiteStart) -> dict[str, Any]:
    return {
        "kind": start.kind,
        "title": start.title,
        "category": start.category_id,
        "second": start.second_id,
    }


def start_from_session(stored: dict[str, Any]) -> OnsiteStart:
    return OnsiteStart(
        kind=stored["kind"],
        title=stored["title"],
        category_id=stored["category"],
        second_id=stored["second"],
    )


def party_clean(data: Any) -> OnsiteParty:
    """Step b: the party as typed; the service checks the ID number or credit code."""
    return OnsiteParty(
        kind=data.get("party_kind", ""),
        name=data.get("party_name", ""),
        identifier=data.get("party_identifier", ""),
        address=data.get("party_address", ""),
        contact=data.get("party_contact", ""),
    )


def _decimal(value: str) -> Decimal | None:
    """A coordinate or an accuracy in metres from the browser (JavaScript may write ``1e-7``);
    None for anything else, or for a magnitude no position has (it could not be quantized)."""
    value = value.strip()[:40]
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < COORDINATE_LIMIT else None


def position_clean(data: Any) -> Position | None:
    """Step c: where the browser's Geolocation API put the phone, if it did."""
    latitude, longitude = _decimal(data.get("latitude", "")), _decimal(data.get("longitude", ""))
    if latitude is None or longitude is None:
        return None
    accuracy = _decimal(data.get("accuracy", ""))
    degree = Decimal("0.000001")
    return Position(
        latitude.quantize(degree),
        longitude.quantize(degree),
        accuracy.quantize(Decimal("0.1")) if accuracy is not None else None,
    )


def client_times_clean(data: Any) -> list[datetime | None]:
    """The files' lastModified (milliseconds since 1970) as the browser reported them."""
    times: list[datetime | None] = []
    for raw in data.get("times", "").split(","):
        try:
            times.append(datetime.fromtimestamp(int(raw.strip()) / 1000, tz=UTC))
        except (ValueError, OverflowError, OSError):
            times.append(None)
    return times


def chosen_ids(data: Any, name: str) -> set[int]:
    """The article ids ticked in ``name`` ("violated" or "penalty"), to show the form again."""
    return {int(v) for v in data.getlist(name) if is_id(v)}


def penalty_clean(data: Any, allowed: dict[int, Article]) -> tuple[OnSpotPenalty | None, str]:
    """Step d: the articles among ``allowed`` and a fine or a warning; the 第五十一条 limits are
    the workflow guard's (it runs when the choice is saved)."""
    violated = [allowed[int(v)] for v in data.getlist("violated") if is_id(v) and int(v) in allowed]
    penalty = [allowed[int(v)] for v in data.getlist("penalty") if is_id(v) and int(v) in allowed]
    warning = data.get("penalty_kind") == "warning"
    fine, fine_problem = None, ""
    try:
        fine = money_parse(data.get("fine_yuan", ""), label="罚款金额")
    except MoneyRefused as exc:
        fine_problem = exc.message
    if allowed and (not violated or not penalty):
        return None, "请选择违法依据和处罚依据（当场处罚决定书应当载明，行政处罚法第五十二条）。"
    if fine_problem and not warning:
        return None, fine_problem
    if not warning and fine is None:
        return None, "请填写罚款金额，或选择警告。"
    choice = OnSpotPenalty(
        facts=data.get("facts", ""),
        violated=violated,
        penalty=penalty,
        fine=None if warning else fine,
        # The 情节 picker is drawn (and so read) once a 违法行为 was chosen.
        ticks=ticks_from_form(data) if data.get("circumstances_shown") else None,
        discretion_reasons=data.get("discretion_reasons") if "discretion_reasons" in data else None,
    )
    return choice, ""


def record_clean(data: Any) -> dict[str, str]:
    """Step e of an inspection: the 现场检查笔录's inputs (the document service checks them)."""
    return {name: data.get(name, "") for name in RECORD_FIELDS}
