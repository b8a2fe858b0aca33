"""双随机一公开 from the 名录库 to the draw: what an agency does and what it is refused."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sanxiang.cases.models import Case, Procedure
from sanxiang.inspections import draw
from sanxiang.inspections.models import InspectionTarget, InspectionTask, TaskState
from sanxiang.inspections.services import (
    InspectionRefused,
    beacon_enter,
    commitment_record,
    conflict_record,
    targets_import,
    task_create,
    task_draw,
    task_freeze,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.importing import ImportRejected
from sanxiang.org.models import EnforcementCategory
from tests.conftest import credit_code, make_officer
from tests.inspections.conftest import (
    id_number,
    just_before,
    targets_csv,
    time_machine_later,
)


def test_the_register_import_checks_every_row_and_imports_nothing_when_one_is_wrong(agency):
    bad = targets_csv(3).decode().replace(credit_code(101), "91350200000000000X")
    bad += f"单位,{credit_code(100)},重复公司,地址,餐饮,东城区,极高风险,\n"
    with pytest.raises(ImportRejected) as refused:
        targets_import(agency=agency, filename="名录.csv", content=bad.encode())
    rows = {(e.row, e.column) for e in refused.value.errors}
    assert (3, "统一社会信用代码或身份证号码") in rows
    assert (5, "统一社会信用代码或身份证号码") in rows  # the duplicate of row 2
    assert (5, "风险等级") in rows
    assert not InspectionTarget.objects.exists()


def test_individuals_are_listed_by_a_pseudonym_never_their_id_number(agency):
    targets_import(agency=agency, filename="名录.csv", content=targets_csv(1, people=1))
    person = InspectionTarget.objects.get(kind="individual")
    assert person.public_id != person.identifier and person.public_id.startswith("GR")
    assert id_number(1) not in person.public_label and "张" not in person.public_label
    # Importing again updates the row and keeps its public ID.
    targets_import(agency=agency, filename="名录.csv", content=targets_csv(1, people=1))
    assert InspectionTarget.objects.get(kind="individual").public_id == person.public_id


def test_k_defaults_to_the_plans_ratio_of_matching_targets(task):
    assert task.k == 3  # 15 % of 20, rounded up


LOTTERY = "福利彩票双色球第2026140期开奖号码"
DRAWN = "福彩双色球2026140期：03 07 12 19 25 31+09"


def freeze(manager, task, *sources: str):
    return task_freeze(actor=manager, task_id=task.pk, beacon_sources=list(sources or (LOTTERY,)))


def enter(manager, task, value: str = DRAWN, *, slot: int = 0, published_at=None):
    return beacon_enter(
        actor=manager,
        task_id=task.pk,
        slot=slot,
        value=value,
        published_at=published_at or just_before(),
    )


def test_freeze_then_beacon_then_draw_opens_an_inspection_case_per_target(task, manager):
    frozen = freeze(manager, task)
    assert frozen.state == TaskState.FROZEN
    assert frozen.candidates_sha256 == draw.list_sha256(frozen.candidates)
    assert frozen.beacon_plan == [LOTTERY]
    assert len(frozen.inspectors) == 6  # the manager holds a certificate too
    with time_machine_later():
        with pytest.raises(InspectionRefused, match="晚于现在"):
            enter(manager, task, "x", published_at=timezone.now() + timedelta(days=1))
        beacon = enter(manager, task)
        assert beacon.source == LOTTERY
        drawn = task_draw(actor=manager, task_id=task.pk)
    expected = draw.run(
        candidates=frozen.candidates, inspectors=frozen.inspectors, beacons=[DRAWN], k=3, m=2
    )
    assert drawn.targets == expected.targets and drawn.teams == expected.teams
    cases = Case.objects.filter(random_draw__task=task).order_by("random_draw__position")
    assert [c.procedure for c in cases] == [Procedure.INSPECTION] * 3
    first = cases[0]
    assert first.parties.get().name in {
        t.name for t in InspectionTarget.objects.filter(public_id=drawn.targets[0])
    }
    # Exactly the drawn team handles the case — not the officer who pressed 抽取.
    numbers = {c.number for officer in first.handlers.all() for c in officer.certificates.all()}
    assert numbers == set(drawn.teams[drawn.targets[0]])
    assert first.violation_place and first.handlers_drawn
    actions = list(
        LedgerEntry.objects.filter(object_type="inspections.inspectiontask").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "inspections.task.created",
        "inspections.task.frozen",
        "inspections.task.drawn",
    ]


def test_no_draw_before_the_freeze_and_no_beacon_from_before_it(task, manager):
    with pytest.raises(InspectionRefused, match="尚未冻结"):
        task_draw(actor=manager, task_id=task.pk)
    with pytest.raises(InspectionRefused, match="请先冻结名单"):
        enter(manager, task, published_at=timezone.now())
    with pytest.raises(InspectionRefused, match="请声明至少一个"):
        task_freeze(actor=manager, task_id=task.pk, beacon_sources=["  "])
    freeze(manager, task)
    with pytest.raises(InspectionRefused, match="早于名单冻结时间"):
        enter(manager, task, published_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(InspectionRefused, match="尚未录入"):
        task_draw(actor=manager, task_id=task.pk)
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.FROZEN


def test_only_the_beacons_declared_at_the_freeze_are_taken_once_each(task, manager):
    """Nobody can add public numbers until a draw comes out as he likes."""
    freeze(manager, task, LOTTERY, "上证指数2026年6月10日收盘点位")
    with time_machine_later():
        enter(manager, task, DRAWN, slot=0)
        with pytest.raises(InspectionRefused, match="不能更改"):
            enter(manager, task, "福彩双色球2026140期：01 02 03 04 05 06+07", slot=0)
        with pytest.raises(InspectionRefused, match="只能录入冻结时声明的"):
            enter(manager, task, "深证成指收盘 10234.56", slot=2)
        with pytest.raises(InspectionRefused, match="还有 1 个"):
            task_draw(actor=manager, task_id=task.pk)
        enter(manager, task, "3321.45", slot=1)
        drawn = task_draw(actor=manager, task_id=task.pk)
    assert [b.value for b in drawn.beacons.order_by("position")] == [DRAWN, "3321.45"]


def test_a_frozen_record_changed_afterwards_refuses_the_draw(task, manager, agency):
    freeze(manager, task)
    # A new 名录库 row after the freeze does not enter the frozen list …
    targets_import(agency=agency, filename="新增.csv", content=targets_csv(25))
    assert len(InspectionTask.objects.get(pk=task.pk).candidates) == 20
    # … and a record changed behind the service's back is caught against the ledger: the
    # lists, or k with the lists left alone.
    InspectionTask.objects.filter(pk=task.pk).update(k=1)
    with time_machine_later():
        enter(manager, task)
    with time_machine_later(20), pytest.raises(InspectionRefused, match="已被改动"):
        task_draw(actor=manager, task_id=task.pk)
    assert not Case.objects.exists()


def test_conflicts_are_recorded_before_the_freeze_and_respected_by_the_draw(task, manager):
    target = InspectionTarget.objects.filter(kind="organisation").order_by("public_id")[0]
    for number in ("99010010001", "99010010002", "99010010003", "99010010004"):
        conflict_record(
            actor=manager,
            task_id=task.pk,
            target_public_id=target.public_id,
            inspector=number,
            reason="近亲属在该单位任职",
        )
    frozen = freeze(manager, task)
    assert frozen.conflicts[target.public_id] == [
        "99010010001",
        "99010010002",
        "99010010003",
        "99010010004",
    ]
    after_freeze = "冻结后不能再登记回避：回避（行政处罚法第四十三条）"
    with pytest.raises(InspectionRefused, match=after_freeze):
        conflict_record(
            actor=manager,
            task_id=task.pk,
            target_public_id=target.public_id,
            inspector="99010010005",
            reason="x",
        )


def test_a_conflict_follows_the_person_to_his_new_certificate(task, manager, inspectors):
    """A 回避 names the person: renewed under another 执法证号 before the freeze, he is still
    kept off that target."""
    from sanxiang.org.models import Certificate

    target = InspectionTarget.objects.order_by("public_id")[0]
    conflict_record(
        actor=manager, task_id=task.pk, target_public_id=target.public_id,
        inspector="99010010001", reason="近亲属在该单位任职",
    )  # fmt: skip
    Certificate.objects.filter(number="99010010001").update(number="99010019999")
    frozen = freeze(manager, task)
    assert frozen.conflicts[target.public_id] == ["99010019999"]


def test_too_few_inspectors_after_conflicts_refuses_the_freeze(task, manager):
    target = InspectionTarget.objects.order_by("public_id")[0]
    for number in ("99010010000", "99010010001", "99010010002", "99010010003", "99010010004"):
        conflict_record(
            actor=manager,
            task_id=task.pk,
            target_public_id=target.public_id,
            inspector=number,
            reason="曾在该单位任职",
        )
    with pytest.raises(InspectionRefused, match="不足每组 2 人"):
        freeze(manager, task)
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.DRAFT


def test_a_commitment_must_be_revealed_with_its_own_value(task, manager):
    secret = "监督人员随机数 7391"
    commitment_record(
        actor=manager,
        task_id=task.pk,
        participant="市司法局监督人员",
        digest=hashlib.sha256(secret.encode()).hexdigest(),
    )
    freeze(manager, task)
    with time_machine_later():
        enter(manager, task, slot=0)
        with pytest.raises(InspectionRefused, match="尚未录入"):
            task_draw(actor=manager, task_id=task.pk)
        with pytest.raises(InspectionRefused, match="不符"):
            enter(manager, task, "另一个数", slot=1)
        enter(manager, task, secret, slot=1)
        drawn = task_draw(actor=manager, task_id=task.pk)
    assert len(drawn.targets) == 3
    assert drawn.beacons.get(position=1).source == "市司法局监督人员揭示冻结前承诺的随机数"


def test_the_drawn_team_cannot_be_swapped_afterwards(task, manager, unit):
    from sanxiang.cases.services import CaseRefused, handlers_set
    from sanxiang.org.models import Officer

    freeze(manager, task)
    with time_machine_later():
        enter(manager, task)
        drawn = task_draw(actor=manager, task_id=task.pk)
    case = drawn.drawn.order_by("position")[0].case
    head = make_officer(unit=unit, name="局长", number="99010010099", roles=("head", "officer"))
    team = list(case.handlers.all())
    other = Officer.objects.exclude(pk__in=[o.pk for o in team]).exclude(pk=head.pk).first()
    assert other is not None
    with pytest.raises(CaseRefused, match="不能换下抽中的人员"):
        handlers_set(actor=head, case_id=case.pk, officers=[other, *team[1:]])
    # Adding to the team is allowed.
    handlers_set(actor=head, case_id=case.pk, officers=[*team, other])
    assert set(case.handlers.all()) == {*team, other}


def test_nonsense_numbers_are_refused_in_chinese(plan, manager, task):
    from sanxiang.inspections.services import tasks_create_by_risk

    category = EnforcementCategory.objects.get(name="城市管理")
    for ratio in ("NaN", "sNaN", "Infinity", "0.001", "100.01"):
        with pytest.raises(InspectionRefused, match="抽查比例"):
            tasks_create_by_risk(
                actor=manager, plan=plan, name="x", category=category,
                ratios={"high": Decimal(ratio)},
            )  # fmt: skip
    with pytest.raises(InspectionRefused, match="每组检查人员数"):
        task_create(actor=manager, plan=plan, name="x", category=category, m=40000)
    with pytest.raises(InspectionRefused, match="不能超过 200 字"):
        task_create(actor=manager, plan=plan, name="名" * 201, category=category)
    with pytest.raises(InspectionRefused, match="无法保存的字符"):
        task_create(actor=manager, plan=plan, name="a\x00b", category=category)


def test_k_larger_than_the_pool_is_refused(plan, manager, agency):
    targets_import(agency=agency, filename="名录.csv", content=targets_csv(2))
    with pytest.raises(InspectionRefused, match="只有 2 个"):
        task_create(
            actor=manager,
            plan=plan,
            name="x",
            category=EnforcementCategory.objects.get(name="城市管理"),
            k=5,
        )
    assert not InspectionTask.objects.exists()


def test_a_reviewer_cannot_run_a_task(task, unit):
    reviewer = make_officer(unit=unit, name="审核员", number=None, roles=("reviewer",))
    with pytest.raises(InspectionRefused, match="只有牵头执法主体"):
        freeze(reviewer, task)


def test_risk_tiered_ratios_make_one_task_per_level(plan, manager, agency, inspectors):
    from sanxiang.inspections.services import tasks_create_by_risk

    targets_import(agency=agency, filename="名录.csv", content=targets_csv(18, people=2))
    category = EnforcementCategory.objects.get(name="城市管理")
    made = tasks_create_by_risk(
        actor=manager,
        plan=plan,
        name="分级抽查",
        category=category,
        ratios={"high": Decimal("100"), "low": Decimal("10")},
    )
    assert [(t.name, t.filter_risk, t.k) for t in made] == [
        ("分级抽查（高风险）", ["high"], 6),  # every high-risk target (rows 0, 3, … 15)
        ("分级抽查（低风险）", ["low"], 2),  # 10 % of 12, rounded up
    ]
    before = InspectionTask.objects.count()
    with pytest.raises(InspectionRefused, match="低风险的抽查比例"):
        tasks_create_by_risk(
            actor=manager,
            plan=plan,
            name="x",
            category=category,
            ratios={"high": Decimal("50"), "low": Decimal("150")},
        )
    with pytest.raises(InspectionRefused, match="没有符合条件的高风险"):
        tasks_create_by_risk(
            actor=manager,
            plan=plan,
            name="x",
            category=category,
            area="西城区",
            ratios={"high": Decimal("50")},
        )
    assert InspectionTask.objects.count() == before


def test_a_joint_task_draws_inspectors_of_both_agencies(task, manager, categories):
    from sanxiang.inspections.services import inspector_pool
    from sanxiang.org.models import Agency, Unit

    market = Agency.objects.create(
        name="测试市市场监督管理局",
        credit_code=credit_code(3),
        level="municipal",
        region="测试市",
        address="x",
        phone="1",
        authority_basis="x",
    )
    unit = Unit.objects.create(agency=market, name="稽查支队")
    make_officer(unit=unit, name="市监甲", number="99030010001", category="市场监管")
    make_officer(
        unit=unit,
        name="市监审核",
        number="99030010002",
        category="市场监管",
        roles=("officer", "reviewer"),
    )
    assert "99030010001" not in inspector_pool(task)
    task.partners.set([market])
    pool = inspector_pool(task)
    assert "99030010001" in pool and "99030010002" not in pool
