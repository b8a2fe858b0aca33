from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from sanxiang.cases.models import NumberingRule, Procedure
from sanxiang.cases.services import NewCase, case_open, party_add
from sanxiang.org.models import EnforcementCategory, Officer, Unit
from tests.conftest import make_officer

# The GB 11643-1999 worked example and a published company credit code.
PERSON_ID = "11010519491231002X"
COMPANY_CODE = "91440300708461136T"


@dataclass
class Staff:
    zhang: Officer  # handler
    li: Officer  # handler
    wang: Officer  # officer whose certificate covers another category only
    zhou: Officer  # 法制审核人员
    head: Officer  # 负责人


@pytest.fixture
def staff(agency, django_user_model) -> Staff:
    squad = agency.units.get(name="执法一大队")
    office = Unit.objects.create(agency=agency, name="办公室")
    NumberingRule.objects.create(agency=agency, kind="penalty", prefix="测城执罚")
    NumberingRule.objects.create(agency=agency, kind="on_spot", prefix="测城当罚")

    def person(login, **kwargs):
        user = django_user_model.objects.create_user(login, password="correct horse battery")
        return make_officer(user=user, **kwargs)

    return Staff(
        zhang=person("zhang", unit=squad, name="张伟", number="99010012001"),
        li=person("li", unit=squad, name="李娜", number="99010012002"),
        wang=person("wang", unit=squad, name="王强", number="99010012003", category="市场监管"),
        zhou=person(
            "zhou",
            unit=agency.units.get(name="法制科"),
            name="周婷",
            number="99010012004",
            roles=("reviewer",),
        ),
        head=person(
            "head", unit=office, name="刘志强", number="99010012005", roles=("head", "officer")
        ),
    )


def new_case(**changes) -> NewCase:
    base = {
        "procedure": Procedure.PENALTY_GENERAL,
        "title": "擅自占用城市道路经营",
        "source": "巡查发现",
        "category": EnforcementCategory.objects.get(name="城市管理"),
        "violation_on": date(2026, 3, 2),
        "clue_received_on": date(2026, 3, 2),
        "facts": "当事人在人民路 100 号门前占道摆摊经营",
    }
    return NewCase(**{**base, **changes})


@pytest.fixture
def general_case(staff):
    case = case_open(actor=staff.zhang, new=new_case())
    party_add(
        actor=staff.zhang,
        case_id=case.pk,
        kind="person",
        name="王某",
        identifier=PERSON_ID,
        address="测试市人民路 1 号",
    )
    case.handlers.add(staff.li)
    return case


@pytest.fixture
def on_spot_case(staff):
    def make(kind="person", fine=Decimal("200"), warning_only=False):
        case = case_open(
            actor=staff.zhang,
            new=new_case(
                procedure=Procedure.PENALTY_SIMPLE, fine_yuan=fine, warning_only=warning_only
            ),
        )
        identifier = PERSON_ID if kind == "person" else COMPANY_CODE
        party_add(
            actor=staff.zhang,
            case_id=case.pk,
            kind=kind,
            name="当事人",
            identifier=identifier,
            address="测试市",
        )
        case.handlers.add(staff.li)
        return case

    return make


@pytest.fixture
def coercive_case(staff):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.create(agency=staff.zhang.unit.agency, kind="coercive", prefix="测城强措")
    case = case_open(
        actor=staff.zhang,
        new=new_case(procedure=Procedure.COERCIVE_MEASURE, title="扣押无照经营工具"),
    )
    party_add(
        actor=staff.zhang,
        case_id=case.pk,
        kind="person",
        name="王某",
        identifier=PERSON_ID,
        address="测试市",
    )
    case.handlers.add(staff.li)
    return case


def attach_full_video(staff, case):
    """Register the 全程录像 of the case, as the officer does on his phone after the act."""
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sanxiang.evidence.services import Upload, evidence_register
    from sanxiang.evidence.storage import digest_stream

    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"video" * 100
    handle = io.BytesIO(data)
    digests = digest_stream(handle)
    return evidence_register(
        actor=staff.zhang,
        upload=Upload(handle=handle, filename="全程录像.mp4", digests=digests),
        metadata={
            "case_number": case.number,
            "kind": "full_video",
            "collected_at": datetime(2026, 5, 20, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "location": "测试市人民路",
            "collector": staff.zhang,
            "proves": "扣押过程",
            "device": "DSJ-001",
        },
    )


@pytest.fixture
def inspection(staff):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.create(agency=staff.zhang.unit.agency, kind="inspection", prefix="测城检")
    case = case_open(
        actor=staff.zhang,
        new=new_case(procedure=Procedure.INSPECTION, title="餐饮门店油烟排放检查"),
    )
    party_add(
        actor=staff.zhang,
        case_id=case.pk,
        kind="organisation",
        name="某餐饮公司",
        identifier=COMPANY_CODE,
        address="测试市",
    )
    case.handlers.add(staff.li)
    return case


def attach_record(
    staff,
    case,
    kind="text",
    data=b"\\xe7\\x8e\\xb0\\xe5\\x9c\\xba\\xe6\\xa3\\x80\\xe6\\x9f\\xa5\\xe7\\xac\\x94\\xe5\\xbd\\x95",
):
    """Register a record of the case (by default the 现场检查笔录, as a text file)."""
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sanxiang.evidence.services import Upload, evidence_register
    from sanxiang.evidence.storage import digest_stream

    handle = io.BytesIO(data)
    digests = digest_stream(handle)
    return evidence_register(
        actor=staff.zhang,
        upload=Upload(handle=handle, filename="现场检查笔录.txt", digests=digests),
        metadata={
            "case_number": case.number,
            "kind": kind,
            "collected_at": datetime(2026, 5, 20, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "location": "测试市人民路",
            "collector": staff.zhang,
            "proves": "现场检查情况",
            "device": "手写笔录扫描",
        },
    )
