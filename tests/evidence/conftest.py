from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sanxiang.evidence.casefiles import CaseChoice, CaseFiles, case_files, install_case_files
from sanxiang.evidence.services import Upload
from sanxiang.evidence.storage import digest_stream
from sanxiang.org.models import Agency, Officer, Unit
from tests.conftest import credit_code, make_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(4000)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(6000)


@pytest.fixture(autouse=True)
def _evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path / "evidence"


# The evidence store's own tests file under fictitious case numbers (测…号) with no case
# behind them. ``evidence_register`` asks the cases app whether its registrant may file under
# the number (``evidence.casefiles``); these tests are about the store, so for a number no case
# has the answer is yes. A number a case has gets the real answer
# (tests/evidence/test_case_rule.py holds the rule itself, on real cases).
def _fictitious(reference: str) -> bool:
    from sanxiang.cases.models import Case

    return reference.startswith("测") and not Case.objects.filter(number=reference).exists()


class _WithFictitiousCases:
    def __init__(self, real: CaseFiles) -> None:
        self.real = real

    def choices(self, officer: Officer) -> list[CaseChoice]:
        return self.real.choices(officer)

    def may_file(self, officer: Officer, reference: str) -> bool:
        return _fictitious(reference) or self.real.may_file(officer, reference)


@pytest.fixture(autouse=True)
def _fictitious_case_files():
    real = case_files()
    install_case_files(_WithFictitiousCases(real))
    yield
    install_case_files(real)


@dataclass
class People:
    zhang: Officer  # 执法一大队, collects
    li: Officer  # 执法一大队
    chen: Officer  # 执法二大队 (another unit)
    head: Officer  # 负责人 of the agency
    supervisor: Officer  # 监督人员 of another body
    outsider: Officer  # officer of another agency


@pytest.fixture
def people(agency, django_user_model) -> People:
    squad1 = agency.units.get(name="执法一大队")
    squad2 = Unit.objects.create(agency=agency, name="执法二大队")
    office = Unit.objects.create(agency=agency, name="办公室")
    other = Agency.objects.create(
        name="测试市司法局", credit_code=credit_code(3), level="municipal", region="测试市",
        address="测试市 3 号", phone="0999-3", authority_basis="文件",
    )  # fmt: skip
    other_unit = Unit.objects.create(agency=other, name="执法监督科")

    def person(name, unit, number, roles, login):
        user = django_user_model.objects.create_user(login, password="correct horse battery")
        return make_officer(unit=unit, name=name, number=number, roles=roles, user=user)

    return People(
        zhang=person("张伟", squad1, "99010011001", ("officer",), "zhang"),
        li=person("李娜", squad1, "99010011002", ("officer",), "li"),
        chen=person("陈明", squad2, "99010011003", ("officer",), "chen"),
        head=person("刘志强", office, "99010011004", ("head", "officer"), "head"),
        supervisor=person("马监督", other_unit, "99010011005", ("supervisor",), "supervisor"),
        outsider=person("外单位", other_unit, "99010011006", ("officer",), "outsider"),
    )


def upload(data: bytes = JPEG, filename: str = "现场照片.jpg") -> Upload:
    handle = io.BytesIO(data)
    digests = digest_stream(handle)
    handle.seek(0)
    return Upload(handle=handle, filename=filename, digests=digests)


def metadata(people: People, **changes):
    base = {
        "case_number": "测城执罚〔2026〕1号",
        "kind": "photo",
        "collected_at": datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI),
        "location": "测试市人民路 100 号门前",
        "collector": people.zhang,
        "proves": "当事人占道经营的事实",
        "device": "执法记录仪 DSJ-001",
    }
    return {**base, **changes}


def case_opened_by(instance, login: str, title: str = "擅自占用城市道路经营") -> str:
    """In a served installation (tests.conftest.Instance), a case opened by the officer with the
    log-in ``login`` (so he handles it), in a category of his certificate; its 案件编号 as
    evidence is filed under it (a provisional one before 立案). The upload form offers only
    such cases."""
    code = (
        "from datetime import date\n"
        "from sanxiang.cases.models import evidence_reference\n"
        "from sanxiang.cases.services import NewCase, case_open\n"
        "from sanxiang.org.models import Officer\n"
        f"officer = Officer.objects.get(user__username={login!r})\n"
        "category = officer.certificates.latest('pk').categories.order_by('pk').first()\n"
        "case = case_open(actor=officer, new=NewCase(procedure='penalty_general',"
        f" title={title!r}, source='巡查发现', category=category,"
        " violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2)))\n"
        "print(evidence_reference(case))\n"
    )
    output = instance.sanxiang("shell", "--no-imports", "-c", code).stdout
    return str(output.strip().splitlines()[-1])


@pytest.fixture
def as_zhang(client, people, request):
    """张伟, logged in, handling the case 测城执罚〔2026〕1号."""
    request.getfixturevalue("zhangs_case")
    client.force_login(people.zhang.user)
    return client
