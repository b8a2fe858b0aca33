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
def staff(agency, django_user_model, statutory_catalogue) -> Staff:
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


def ready_case(staff, *, party_kind="person", party_name="王某", **changes):
    """A case opened by 张伟 with one party and 李娜 as second handler: ready for 立案."""
    case = case_open(actor=staff.zhang, new=new_case(**changes))
    party_add(
        actor=staff.zhang,
        case_id=case.pk,
        kind=party_kind,
        name=party_name,
        identifier=PERSON_ID if party_kind == "person" else COMPANY_CODE,
        address="测试市人民路 1 号",
    )
    case.handlers.add(staff.li)
    return case


@pytest.fixture
def general_case(staff):
    return ready_case(staff)


@pytest.fixture
def on_spot_case(staff):
    def make(kind="person", fine=Decimal("200"), warning_only=False):
        return ready_case(
            staff,
            party_kind=kind,
            party_name="当事人",
            procedure=Procedure.PENALTY_SIMPLE,
            fine_yuan=fine,
            warning_only=warning_only,
        )

    return make


@pytest.fixture
def coercive_case(staff, articles):
    """A proposed 查封、扣押 with its party, two handlers and the articles it relies on."""
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.create(agency=staff.zhang.unit.agency, kind="coercive", prefix="测城强措")
    return ready_case(staff, procedure=Procedure.COERCIVE_MEASURE, title="扣押无照经营工具")


@pytest.fixture
def coercive_with_basis(staff, coercive_case, articles):
    set_basis(staff, coercive_case, articles)
    return coercive_case


@pytest.fixture
def inspection(staff):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.create(agency=staff.zhang.unit.agency, kind="inspection", prefix="测城检")
    return ready_case(
        staff,
        party_kind="organisation",
        party_name="某餐饮公司",
        procedure=Procedure.INSPECTION,
        title="餐饮门店油烟排放检查",
    )


INSPECTION_NOTE = "现场检查笔录：经营者在场，门店油烟净化设施未运行。".encode()


def attach_record(
    staff,
    case,
    kind="text",
    data=INSPECTION_NOTE,
    filename="现场检查笔录.txt",
):
    """Register a record of the case, as the officer does on his phone (default: 检查笔录)."""
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sanxiang.evidence.services import Upload, evidence_register
    from sanxiang.evidence.storage import digest_stream

    handle = io.BytesIO(data)
    digests = digest_stream(handle)
    return evidence_register(
        actor=staff.zhang,
        upload=Upload(handle=handle, filename=filename, digests=digests),
        metadata={
            "case_number": case.number,
            "kind": kind,
            "collected_at": datetime(2026, 5, 20, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "location": "测试市人民路",
            "collector": staff.zhang,
            "proves": "现场执法情况",
            "device": "执法记录仪 DSJ-001",
        },
    )


def attach_full_video(staff, case):
    """The 全程录像 of the case."""
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"video" * 100
    return attach_record(staff, case, kind="full_video", data=video, filename="全程录像.mp4")


HEARING_AUDIO = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"audio" * 100


def attach_hearing_recording(staff, case):
    """The 听证's 录音, which the shipped 音像记录事项清单 asks for before a hearing is recorded
    (filed under the case's number as it is now)."""
    case = type(case).objects.get(pk=case.pk)
    return attach_record(staff, case, kind="audio", data=HEARING_AUDIO, filename="听证录音.mp3")


# The statutory minimum of a review catalogue (行政处罚法第五十八条第一款): the cases these tests
# open carry none of its circumstances, so they need no 法制审核 unless a test says otherwise.
STATUTORY_CATALOGUE: tuple[tuple[str, dict[str, object]], ...] = (
    ("涉及重大公共利益的", {"case_flag": "public_interest"}),
    ("可能造成重大社会影响或者引发社会风险的", {"case_flag": "social_risk"}),
    ("直接关系当事人或者第三人重大权益，经过听证程序的",
     {"case_flag": "major_rights", "hearing_held": True}),
    ("案件情况疑难复杂、涉及多个法律关系的", {"case_flag": "complex"}),
)  # fmt: skip


@pytest.fixture
def statutory_catalogue(agency):
    from sanxiang.review.models import CatalogueRule

    return [
        CatalogueRule.objects.create(
            agency=agency, position=i, title=title, basis="行政处罚法第五十八条第一款", **conditions
        )
        for i, (title, conditions) in enumerate(STATUTORY_CATALOGUE, start=1)
    ]


def catalogue_rule(agency, title="法定简易程序以外的行政处罚", **conditions):
    """Add one rule to the agency's catalogue (厦城执法〔2019〕5号 by default: every penalty)."""
    from sanxiang.review.models import CatalogueRule

    conditions.setdefault("procedure", "" if conditions else "penalty_general")
    position = CatalogueRule.objects.filter(agency=agency).count() + 1
    return CatalogueRule.objects.create(
        agency=agency, position=position, title=title, basis="测试", **conditions
    )


@pytest.fixture
def articles():
    """A regulation in the 法律法规库 with the article violated and the one that fines it."""
    from sanxiang.org.models import Article, Law

    law = Law.objects.create(
        title="城市市容和环境卫生管理条例",
        kind="admin_regulation",
        issuer="国务院",
        promulgated_on=date(2017, 3, 1),
        effective_on=date(2017, 3, 1),
        source="测试",
    )
    return {
        number: Article.objects.create(law=law, number=number, label=label, text=f"{label}条文")
        for number, label in ((14, "第十四条"), (36, "第三十六条"))
    }


def set_basis(staff, case, articles):
    """违法依据 第十四条, 处罚依据 第三十六条, as a handler records them."""
    from sanxiang.cases.services import case_basis_set

    return case_basis_set(
        actor=staff.zhang, case_id=case.pk, violated=[articles[14]], penalty=[articles[36]]
    )


def evidence_on_disk(settings, directory) -> None:
    """Evidence and generated documents stored in ``directory`` (a test's ``tmp_path``), not in
    the installation's store."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(directory)},
        },
    }


def no_penalty_on_file(actor, case) -> None:
    """What 不予处罚 requires before the step, for tests about something else: a proposal
    (违法事实不能成立, which needs no 裁量基准 tier and no education) and the
    不予行政处罚决定书 (行政处罚法第五十七条第一款)."""
    from sanxiang.cases.services import document_generate, no_penalty_propose

    no_penalty_propose(
        actor=actor, case_id=case.pk, ground="not_established",
        elements={"not_established": "现有证据不能证明当事人实施了该违法行为"},
    )  # fmt: skip
    document_generate(actor=actor, case_id=case.pk, kind="no_penalty_decision")
