"""A city 司法局 (the supervision tests' ``oversight``) whose 监督人员 evaluate closed cases of
the test city's 城管局 and of a county agency under the county body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from sanxiang.cases.models import Case, Procedure, StepTaken
from sanxiang.cases.services import case_open
from sanxiang.evaluation.models import Campaign
from sanxiang.evaluation.services import CampaignInput, campaign_create
from sanxiang.org.models import Officer, Unit
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    general_case,
    new_case,
    staff,
    statutory_catalogue,
)
from tests.conftest import make_officer
from tests.supervision.conftest import Oversight, oversight  # noqa: F401 - shared fixture


def close(case: Case, *, on: date = date(2026, 5, 20), number: str | None = None) -> Case:
    """Mark ``case`` closed on ``on`` (its state and the step's record, as the engine leaves
    them), optionally with a case number."""
    Case.objects.filter(pk=case.pk).update(state="closed", number=number)
    StepTaken.objects.create(
        case=case, action="close", from_state="executed", to_state="closed", actor="test",
        taken_at=datetime(on.year, on.month, on.day, 1, tzinfo=UTC), taken_on=on,
    )  # fmt: skip
    case.refresh_from_db()
    return case


@dataclass
class Setting:
    oversight: Oversight
    staff: object
    evaluator: Officer  # a second 监督人员 of the city body
    general: list[Case]
    simple: list[Case]
    county: Case
    open_case: Case  # not closed: never in the frame
    late: Case  # closed after the period


@pytest.fixture
def setting(oversight, staff, django_user_model) -> Setting:  # noqa: F811
    city_bureau_unit = oversight.supervisor.unit
    user = django_user_model.objects.create_user("pingcha", password="correct horse battery")
    evaluator = make_officer(
        unit=Unit.objects.get(pk=city_bureau_unit.pk), name="杨评查", number=None,
        roles=("supervisor",), user=user,
    )  # fmt: skip
    general = [
        close(
            case_open(actor=staff.zhang, new=new_case(title=f"占道经营{i}")),
            number=f"测城执罚〔2026〕{i}号",
        )
        for i in range(1, 6)
    ]
    simple = [
        close(case_open(actor=staff.zhang, new=new_case(procedure=Procedure.PENALTY_SIMPLE)))
        for _ in range(2)
    ]
    county = close(oversight.county_case, number="测县执罚〔2026〕1号")
    open_case = case_open(actor=staff.li, new=new_case(title="尚在办理"))
    late = close(case_open(actor=staff.zhang, new=new_case(title="期后结案")), on=date(2026, 6, 10))
    return Setting(
        oversight=oversight, staff=staff, evaluator=evaluator, general=general, simple=simple,
        county=county, open_case=open_case, late=late,
    )  # fmt: skip


def campaign_input(setting: Setting, **changes: object) -> CampaignInput:
    base: dict[str, object] = {
        "name": "2026年上半年行政处罚案卷评查",
        "closed_from": date(2026, 1, 1),
        "closed_to": date(2026, 6, 9),
        "per_stratum": 2,
        "agency_ids": [setting.staff.zhang.unit.agency_id, setting.county.agency_id],  # type: ignore[attr-defined]
        "evaluator_ids": [setting.oversight.supervisor.pk, setting.evaluator.pk],
    }
    return CampaignInput(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture
def campaign(setting) -> Campaign:
    return campaign_create(actor=setting.oversight.supervisor, data=campaign_input(setting))
