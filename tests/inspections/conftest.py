"""Fixtures of the random-inspection tests: a 名录库, a plan, a task and its people."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from sanxiang.cases.models import NumberingRule
from sanxiang.inspections.services import TARGET_COLUMNS, plan_create, targets_import, task_create
from sanxiang.org.models import EnforcementCategory, RandomCheckItem, Unit
from tests.conftest import credit_code, make_officer

HEADER = ",".join(TARGET_COLUMNS) + "\n"


def id_number(serial: int) -> str:
    """A checksum-valid 居民身份证号码 of a fictional person."""
    first17 = f"11010119900101{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def targets_csv(count: int, *, people: int = 0, area: str = "东城区") -> bytes:
    lines = [
        f"单位,{credit_code(100 + i)},测试商贸有限公司{i},测试市东城路{i}号,餐饮,{area},"
        f"{'高风险' if i % 3 == 0 else '低风险'},A"
        for i in range(count)
    ]
    lines += [
        f"个人,{id_number(i + 1)},张{i},测试市西城路{i}号,餐饮,{area},中风险,"
        for i in range(people)
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture
def unit(agency):
    return Unit.objects.get(agency=agency, name="执法一大队")


@pytest.fixture
def manager(unit):
    user = User.objects.create_user("manager")
    return make_officer(unit=unit, name="管理员甲", number="99010010000", user=user)


@pytest.fixture
def inspectors(unit):
    return [
        make_officer(unit=unit, name=f"检查员{i}", number=f"9901001000{i}") for i in range(1, 6)
    ]


@pytest.fixture
def plan(agency, manager):
    NumberingRule.objects.create(agency=agency, kind="inspection", prefix="测城检")
    item = RandomCheckItem.objects.create(
        agency=agency,
        code="SJ-01",
        name="餐饮服务单位检查",
        targets="辖区餐饮服务单位",
        population=20,
        ratio_percent=Decimal("10"),
        cycle="每年一次",
        method="现场检查",
    )
    return plan_create(
        actor=manager,
        item=item,
        year=timezone.localdate().year,
        ratio_percent=Decimal("15"),
        frequency="每年一次",
    )


@pytest.fixture
def task(agency, plan, manager, inspectors):
    targets_import(agency=agency, filename="名录.csv", content=targets_csv(18, people=2))
    return task_create(
        actor=manager,
        plan=plan,
        name="2026年第一批",
        category=EnforcementCategory.objects.get(name="城市管理"),
        m=2,
    )


def later(minutes: int = 5):
    return timezone.now() + timedelta(minutes=minutes)


def just_before():
    """A beacon's publication time inside ``time_machine_later``: after the freeze, before now."""
    return timezone.now() - timedelta(minutes=1)


def time_machine_later(minutes: int = 10):
    return time_machine.travel(later(minutes), tick=False)
