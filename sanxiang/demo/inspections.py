"""Demo 双随机一公开: a 名录库 and one finished draw per demo agency, made through the services.

The beacon of a demo draw is a string marked 演示 (no real lottery result is invented); the
draw is otherwise exactly what an agency does, so the portal's recompute button works on it.
"""

from __future__ import annotations

import logging
import random
from decimal import Decimal

from django.utils import timezone

from sanxiang.core.identifiers import credit_code_check_char
from sanxiang.inspections.models import InspectionTask
from sanxiang.inspections.services import (
    TARGET_COLUMNS,
    beacon_enter,
    conflict_record,
    plan_create,
    targets_import,
    task_create,
    task_draw,
    task_freeze,
)
from sanxiang.org.models import Agency, Certificate, Officer, RandomCheckItem, Role

logger = logging.getLogger(__name__)

AREAS = ("思源区", "解放区", "新城区", "高新区")
TRADES = {
    "城市管理": ("临街商铺", "户外广告设置单位", "物业服务企业"),
    "市场监管": ("餐饮服务", "食品销售", "药品零售"),
}
NAMES = ("华兴", "顺达", "永盛", "金桥", "明德", "宏远", "嘉和", "瑞丰", "恒信", "富源")
KINDS = ("商贸有限公司", "餐饮管理有限公司", "广告有限公司", "物业服务有限公司", "超市")
MARKET_ITEM = {
    "code": "SJ-SJ-01",
    "name": "食品经营者监督检查",
    "targets": "本市取得食品经营许可的经营者",
    "population": 60,
    "ratio_percent": Decimal("10"),
    "cycle": "每年一次",
    "method": "现场检查",
    "basis_note": "《中华人民共和国食品安全法》第一百一十条",
}


def _credit_code(seed: int) -> str:
    first17 = f"91990100MA{seed:07d}"
    return first17 + credit_code_check_char(first17)


def _id_number(serial: int) -> str:
    first17 = f"99010019850101{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _register_csv(agency_index: int, trades: tuple[str, ...], rng: random.Random) -> bytes:
    lines = [",".join(TARGET_COLUMNS)]
    for i in range(48):
        name = f"示范市{rng.choice(NAMES)}{rng.choice(NAMES)}{KINDS[i % len(KINDS)]}"
        lines.append(
            ",".join(
                (
                    "单位",
                    _credit_code(agency_index * 1000 + i),
                    f"{name}（{i + 1}号店）",
                    f"示范市{AREAS[i % 4]}建设路{rng.randint(1, 400)}号",
                    trades[i % len(trades)],
                    AREAS[i % 4],
                    rng.choice(("低风险", "低风险", "中风险", "高风险")),
                    rng.choice(("A", "A", "B", "C")),
                )
            )
        )
    lines.extend(
        f"个人,{_id_number(agency_index * 100 + i)},个体经营者{i + 1},"
        f"示范市{AREAS[i % 4]}和平路{i + 10}号,{trades[0]},{AREAS[i % 4]},中风险,"
        for i in range(6)
    )
    return ("\n".join(lines) + "\n").encode()


def demo_draws_load() -> int:
    """One finished task per demo agency (skipped where the agency has one): returns how many
    tasks were made."""
    made = 0
    year = timezone.localdate().year
    for index, agency in enumerate(Agency.objects.order_by("credit_code"), start=1):
        if InspectionTask.objects.filter(agency=agency).exists():
            continue
        certificate = (
            Certificate.objects.filter(
                officer__unit__agency=agency, officer__roles__role=Role.OFFICER
            )
            .exclude(officer__roles__role=Role.HEAD)
            .exclude(officer__roles__role=Role.REVIEWER)
            .select_related("officer__unit")
            .order_by("number")
            .first()
        )
        if certificate is None:
            continue
        actor: Officer = certificate.officer
        category = certificate.categories.order_by("pk").first()
        if category is None:
            continue
        item = (
            RandomCheckItem.objects.filter(agency=agency, is_active=True).order_by("code").first()
        )
        if item is None:
            item = RandomCheckItem.objects.create(agency=agency, **MARKET_ITEM)
        # Names and addresses only: the draw's randomness comes from SX-DRAW-1, not from here.
        rng = random.Random(f"sanxiang-demo-draw-{agency.credit_code}")  # noqa: S311
        trades = TRADES.get(category.name, ("经营单位",))
        targets_import(
            agency=agency,
            filename="演示检查对象名录.csv",
            content=_register_csv(index, trades, rng),
        )
        plan = plan_create(
            actor=actor, item=item, year=year, ratio_percent=Decimal("10"), frequency=item.cycle
        )
        task = task_create(
            actor=actor, plan=plan, name=f"{year}年{item.name}（第一批）", category=category, k=5
        )
        conflict_record(
            actor=actor,
            task_id=task.pk,
            target_public_id=_credit_code(index * 1000),
            inspector=certificate.number,
            reason="近亲属在该单位任职（演示数据）",
        )
        task_freeze(
            actor=actor,
            task_id=task.pk,
            beacon_sources=["演示数据（正式抽取应声明冻结后公布的彩票开奖号码等公开随机数）"],
        )
        beacon_enter(
            actor=actor,
            task_id=task.pk,
            slot=0,
            value=f"演示随机源：{agency.name}{year}年第一批",
            published_at=timezone.now(),
        )
        task_draw(actor=actor, task_id=task.pk)
        made += 1
    logger.info("demo draws: %d tasks drawn", made)
    return made
