"""Demo 行政许可 and other acts: a few dozen per demo agency, recorded through the services as
the 政务服务 platform's export would bring them, about half already published (公示审核)."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.utils import timezone

from sanxiang.acts.models import Permit
from sanxiang.acts.services import act_record, permit_record
from sanxiang.core.identifiers import credit_code_check_char
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.disclosure.services import publication_confirm, publication_draft
from sanxiang.org.models import Agency, Officer, Role

logger = logging.getLogger(__name__)

PERMITS_PER_AGENCY = 30
LICENCES = {
    "城市管理": (
        ("城市建筑垃圾处置核准", "核准", "准予处置建筑垃圾，运输路线按核准路线执行"),
        (
            "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
            "普通",
            "准予设置户外广告牌一块",
        ),
        ("临时占用城市道路审批", "普通", "准予临时占用人行道堆放建筑材料"),
        ("城镇污水排入排水管网许可", "普通", "准予向市政排水管网排放污水"),
    ),
    "市场监管": (
        ("食品经营许可", "普通", "准予从事预包装食品销售、热食类食品制售"),
        ("特种设备使用登记", "登记", "准予电梯使用登记"),
        ("工业产品生产许可", "普通", "准予生产许可目录内产品"),
    ),
}
COMPANIES = ("华兴", "顺达", "永盛", "金桥", "明德", "宏远", "嘉和", "瑞丰", "恒信", "富源")
PEOPLE = ("王建国", "李秀英", "张志强", "刘芳", "陈磊")


def _code(seed: int) -> str:
    first17 = f"91990100MA{seed:07d}"
    return first17 + credit_code_check_char(first17)


def _officer(agency: Agency, role: str) -> Officer | None:
    return (
        Officer.objects.filter(unit__agency=agency, is_active=True, roles__role=role)
        .order_by("pk")
        .first()
    )


def demo_permits_load() -> int:
    """Permits for each demo agency that has none: returns how many were recorded."""
    made = 0
    today = timezone.localdate()
    for index, agency in enumerate(Agency.objects.order_by("credit_code"), start=1):
        if Permit.objects.filter(agency=agency).exists():
            continue
        head, reviewer = _officer(agency, Role.HEAD), _officer(agency, Role.REVIEWER)
        if head is None:
            continue
        field = "市场监管" if "市场" in agency.name else "城市管理"
        rng = random.Random(f"sanxiang-demo-permits-{agency.credit_code}")  # noqa: S311
        prefix = agency.name[:2] + ("市许" if field == "市场监管" else "城许")
        numbers: list[str] = []
        for n in range(1, PERMITS_PER_AGENCY + 1):
            licence, category, content = rng.choice(LICENCES[field])
            person = n % 7 == 0
            decided = today - timedelta(days=rng.randint(1, 40))
            number = f"{prefix}〔{decided.year}〕{n}号"
            trade = "餐饮管理" if field == "市场监管" else "建设工程"
            name = rng.choice(PEOPLE) if person else f"示范市{rng.choice(COMPANIES)}{trade}有限公司"
            refusal = n % 11 == 0
            fields = {
                "decision": "refusal" if refusal else "grant",
                "party_name": name,
                "party_type": "自然人" if person else "法人及非法人组织",
                "party_credit_code": "" if person else _code(index * 10_000 + n),
                "party_ref": f"P{index:02d}{n:05d}" if person else "",
                "legal_representative": "" if person else rng.choice(PEOPLE),
                "decision_number": number,
                "decision_title": "不予行政许可决定书" if refusal else "准予行政许可决定书",
                "category": category,
                "licence_name": "" if refusal else licence,
                "licence_number": "" if refusal else f"XK{decided:%Y}{index:02d}{n:04d}",
                "content": f"不予许可：申请材料不符合法定条件（{licence}）" if refusal else content,
                "decided_on": decided.isoformat(),
                "valid_from": decided.isoformat(),
                "valid_until": ""
                if refusal
                else decided.replace(year=decided.year + 3).isoformat(),
                "authority_name": agency.name,
                "authority_credit_code": agency.credit_code,
                "source_unit": "示范市政务服务中心",
            }
            permit_record(agency=agency, fields=fields, source="演示导入", actor=head)
            if not refusal:
                numbers.append(number)
            made += 1
        for n, number in enumerate(numbers[:2], start=1):
            original = Permit.objects.get(agency=agency, decision_number=number)
            ending = "revocation" if n == 1 else "cancellation"
            permit_record(
                agency=agency,
                fields={
                    "decision": ending,
                    "original": number,
                    "party_name": original.party_name,
                    "party_type": original.party_type,
                    "party_credit_code": original.party_credit_code,
                    "party_ref": original.party_ref,
                    "legal_representative": original.legal_representative,
                    "decision_number": f"{prefix}{'撤' if n == 1 else '销'}〔{today.year}〕{n}号",
                    "decision_title": "撤销行政许可决定书" if n == 1 else "注销行政许可决定书",
                    "category": original.category,
                    "content": "以欺骗手段取得许可，依法撤销" if n == 1 else "被许可人申请注销",
                    "decided_on": today.isoformat(),
                    "valid_from": today.isoformat(),
                    "authority_name": agency.name,
                    "authority_credit_code": agency.credit_code,
                    "source_unit": "示范市政务服务中心",
                },
                source="演示导入",
                actor=head,
            )
            made += 1
        act_record(
            agency=agency,
            kind="confirmation" if field == "市场监管" else "adjudication",
            fields={
                "party_name": f"示范市{rng.choice(COMPANIES)}物业服务有限公司",
                "party_type": "法人及非法人组织",
                "party_credit_code": _code(index * 10_000 + 5000),
                "decision_number": f"{prefix}确〔{today.year}〕1号",
                "title": "行政确认决定" if field == "市场监管" else "行政裁决书",
                "content": "确认申请事项符合法定条件"
                if field == "市场监管"
                else "裁决双方按原约定履行",
                "decided_on": (today - timedelta(days=3)).isoformat(),
                "item" if field == "市场监管" else "dispute": "演示事项",
                "basis": "示范数据",
            },
            source="演示导入",
            actor=head,
        )
        if reviewer is not None:
            pending = Publication.objects.filter(
                agency=agency, permit__isnull=False, status=PublicationStatus.PENDING
            ).order_by("decided_on", "pk")
            for publication in list(pending)[: PERMITS_PER_AGENCY // 2]:
                draft = publication_draft(publication)
                publication_confirm(
                    actor=reviewer, publication_id=publication.pk, draft_sha256=draft.sha256
                )
        logger.info("demo permits recorded for agency %s", agency.pk)
    return made
