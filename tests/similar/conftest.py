# ruff: noqa: F811 - the fixtures imported from the case tests are used as fixture arguments
from __future__ import annotations

from decimal import Decimal

import pytest

from sanxiang.cases.models import Case, NumberingRule, Procedure
from sanxiang.cases.services import case_basis_set, case_open, case_transition, party_add
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.services import publication_confirm, publication_draft
from sanxiang.org.models import Agency, Unit
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    COMPANY_CODE,
    articles,
    general_case,
    new_case,
    staff,
    statutory_catalogue,
)
from tests.conftest import credit_code, make_officer


def published(handlers, head, *, title: str, facts: str, fine: str, basis=None) -> Publication:
    """An on-the-spot fine decided by ``handlers`` and published as confirmed by ``head``."""
    first, second = handlers
    case = case_open(
        actor=first,
        new=new_case(procedure=Procedure.PENALTY_SIMPLE, title=title, facts=facts,
                     fine_yuan=Decimal(fine)),
    )  # fmt: skip
    party_add(
        actor=first, case_id=case.pk, kind="organisation", name="某某商贸有限公司",
        identifier=COMPANY_CODE, address="测试市人民路 1 号",
    )  # fmt: skip
    case.handlers.add(second)
    if basis:
        violated, penalty = basis
        case_basis_set(actor=first, case_id=case.pk, violated=[violated], penalty=[penalty])
    case_transition(actor=first, case_id=case.pk, action="decide_on_spot")
    publication = Publication.objects.get(case=case)
    draft = publication_draft(publication)
    return publication_confirm(actor=head, publication_id=publication.pk, draft_sha256=draft.sha256)


@pytest.fixture
def publish(staff, articles):
    def make(title: str, facts: str, fine: str = "200", *, basis: bool = True) -> Publication:
        return published(
            (staff.zhang, staff.li), staff.head, title=title, facts=facts, fine=fine,
            basis=(articles[14], articles[36]) if basis else None,
        )  # fmt: skip

    return make


@pytest.fixture
def draft(staff, general_case, articles):
    """A general-procedure case with its 拟处理意见: a fine for 占道 on the same articles."""
    case_basis_set(
        actor=staff.zhang, case_id=general_case.pk, violated=[articles[14]],
        penalty=[articles[36]],
    )  # fmt: skip
    Case.objects.filter(pk=general_case.pk).update(
        facts="当事人在人民路门前占道摆摊经营水果，影响通行", penalty_kinds=["fine"],
        fine_yuan=Decimal("200"),
    )  # fmt: skip
    return Case.objects.get(pk=general_case.pk)


@pytest.fixture
def other_agency(categories, django_user_model):
    """A second agency with two officers and a head of its own."""
    agency = Agency.objects.create(
        name="邻市城市管理综合行政执法局", credit_code=credit_code(2), level="municipal",
        region="邻市", address="邻市中山路 2 号", phone="0999-7654321", authority_basis="文件",
    )  # fmt: skip
    unit = Unit.objects.create(agency=agency, name="执法二大队")
    NumberingRule.objects.create(agency=agency, kind="on_spot", prefix="邻城当罚")

    def person(login, **kwargs):
        user = django_user_model.objects.create_user(login, password="correct horse battery")
        return make_officer(user=user, unit=unit, **kwargs)

    return (
        person("chen", name="陈刚", number="99020012001"),
        person("zhao", name="赵敏", number="99020012002"),
        person("sun", name="孙立", number="99020012003", roles=("head", "officer")),
    )
