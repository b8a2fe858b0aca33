"""A city 司法局 supervising the test city's 城管局, with a county body under it supervising a
county agency; an agency of another city outside both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_open
from sanxiang.org.models import Agency, Officer, SupervisoryBody, Unit
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    general_case,
    new_case,
    staff,
    statutory_catalogue,
)
from tests.conftest import credit_code, make_officer


def _agency(serial: int, name: str, level: str, region: str) -> Agency:
    return Agency.objects.create(
        name=name, credit_code=credit_code(serial), level=level, region=region,
        address=f"{region} {serial} 号", phone="0999-1", authority_basis="机构编制文件",
    )  # fmt: skip


@dataclass
class Oversight:
    city_body: SupervisoryBody
    county_body: SupervisoryBody
    supervisor: Officer  # 监督人员 of the city body
    county_supervisor: Officer  # 监督人员 of the county body
    county_case: Case
    outside_case: Case


def _case_in(agency: Agency, serial: int, login: str, django_user_model) -> Case:
    unit = Unit.objects.create(agency=agency, name="执法队")
    user = django_user_model.objects.create_user(login, password="correct horse battery")
    number = f"990100130{serial:02d}"
    officer = make_officer(unit=unit, name=f"办案{serial}", number=number, user=user)
    return case_open(actor=officer, new=new_case(title=f"{agency.name}的案件"))


@pytest.fixture
def oversight(agency, staff, django_user_model) -> Oversight:  # noqa: F811 - shared fixture
    city_bureau = _agency(31, "测试市司法局", "municipal", "测试市")
    county_bureau = _agency(32, "测试县司法局", "county", "测试市测试县")
    county_agency = _agency(33, "测试县城市管理局", "county", "测试市测试县")
    far_agency = _agency(34, "远方市城市管理局", "municipal", "远方市")
    city_body = SupervisoryBody.objects.create(
        name="测试市司法局", level="municipal", region="测试市", agency=city_bureau
    )
    city_body.agencies.set([agency, city_bureau])
    county_body = SupervisoryBody.objects.create(
        name="测试县司法局", level="county", region="测试市测试县", parent=city_body,
        agency=county_bureau,
    )  # fmt: skip
    county_body.agencies.set([county_agency])

    def supervisor_of(bureau: Agency, login: str, name: str) -> Officer:
        user = django_user_model.objects.create_user(login, password="correct horse battery")
        unit = Unit.objects.create(agency=bureau, name="行政执法监督科")
        officer: Officer = make_officer(
            unit=unit, name=name, number=None, roles=("supervisor",), user=user
        )
        return officer

    return Oversight(
        city_body=city_body,
        county_body=county_body,
        supervisor=supervisor_of(city_bureau, "jiandu", "马监督"),
        county_supervisor=supervisor_of(county_bureau, "xianjiandu", "牛监督"),
        county_case=_case_in(county_agency, 1, "county", django_user_model),
        outside_case=_case_in(far_agency, 2, "far", django_user_model),
    )
