from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sanxiang.core.identifiers import credit_code_check_char
from tests.conftest import credit_code, make_officer


def company_code(serial: int) -> str:
    """A checksum-valid 统一社会信用代码 of a fictional company."""
    first17 = f"91990100MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class People:
    head: Any
    officer: Any
    reviewer: Any
    other_head: Any  # 负责人 of another agency


@pytest.fixture
def people(agency, django_user_model) -> People:
    from sanxiang.org.models import Agency, Unit

    squad = agency.units.get(name="执法一大队")
    legal = agency.units.get(name="法制科")
    other = Agency.objects.create(
        name="另一市市场监督管理局",
        credit_code=credit_code(2),
        level="municipal",
        region="另一市",
        address="另一市中山路 2 号",
        phone="0999-7654321",
        authority_basis="另一市机构编制文件",
    )
    other_unit = Unit.objects.create(agency=other, name="审批科")

    def person(login: str, **kwargs: Any) -> Any:
        user = django_user_model.objects.create_user(login, password="correct horse battery")
        return make_officer(user=user, **kwargs)

    return People(
        head=person("head", unit=squad, name="刘志强", number="99010012005", roles=("head",)),
        officer=person("zhang", unit=squad, name="张伟", number="99010012001"),
        reviewer=person("zhou", unit=legal, name="周婷", number="99010012004", roles=("reviewer",)),
        other_head=person(
            "other", unit=other_unit, name="赵敏", number="99020012001", roles=("head",)
        ),
    )


def permit_fields(**changes: str) -> dict[str, str]:
    """A valid 准予许可 of an organisation (the 双公示 fields as the service takes them)."""
    base = {
        "decision": "grant",
        "party_name": "测试市好味餐饮有限公司",
        "party_type": "法人及非法人组织",
        "party_credit_code": company_code(501),
        "legal_representative": "陈明",
        "decision_number": "测城许〔2026〕1号",
        "decision_title": "准予行政许可决定书",
        "category": "普通",
        "licence_name": "城市建筑垃圾处置核准",
        "licence_number": "CZ2026-0001",
        "content": "准予在人民路 100 号设置户外广告牌一块",
        "decided_on": "2026-06-08",
        "valid_from": "2026-06-08",
        "valid_until": "2029-06-07",
        "authority_name": "测试市城市管理综合行政执法局",
        "authority_credit_code": credit_code(1),
        "source_unit": "测试市政务服务中心",
        "remarks": "",
    }
    return {**base, **changes}
