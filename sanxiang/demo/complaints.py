"""Demo 投诉举报: a few complaints per demo agency in each state, made through the services.

Made today, after the demo's year, so every agency's log stays in time order. Nothing is made
when any complaint exists (the demo is loaded again without doubling them).
"""

from __future__ import annotations

from sanxiang.complaints import services
from sanxiang.complaints.models import Complaint
from sanxiang.org.models import Agency, EnforcementCategory, Officer, Role, SupervisoryBody

TEXTS = {
    "城市管理": (
        ("report", "violation", "解放路菜市场门口有流动摊贩长期占道经营，早高峰堵塞人行道。"),
        ("report", "violation", "建设路工地夜间十一点后仍在施工，噪声扰民已持续一周。"),
        ("complaint", "officer", "执法人员在检查我的店铺时没有出示执法证件，态度粗暴。"),
        ("report", "violation", "人民路 12 号门前擅自设置大型户外广告牌，存在坠落隐患。"),
    ),
    "市场监管": (
        ("complaint", "violation", "在新城区某超市购买的牛奶已过保质期，商家拒绝退换。"),
        ("report", "violation", "高新区一家餐馆后厨卫生条件差，没有张贴食品经营许可证。"),
        ("complaint", "agency", "反映的问题两个月没有任何答复，也没有人联系我。"),
    ),
}


def demo_complaints_load() -> int:
    """Registered, accepted, being handled and answered complaints; how many were made."""
    if Complaint.objects.exists():
        return 0
    made = 0
    # The enforcement agencies; a supervising body (示范市司法局) is registered as an agency too.
    for agency in Agency.objects.exclude(pk__in=SupervisoryBody.objects.values("agency")).order_by(
        "pk"
    ):
        field = "市场监管" if "市场" in agency.name else "城市管理"
        head = (
            Officer.objects.filter(unit__agency=agency, roles__role=Role.HEAD, is_active=True)
            .order_by("pk")
            .first()
        )
        category = EnforcementCategory.objects.filter(name=field).first()
        for i, (kind, subject, text) in enumerate(TEXTS[field]):
            complaint = services.complaint_submit(
                new=services.NewComplaint(
                    agency_id=agency.pk,
                    kind=kind,
                    subject=subject,
                    text=text,
                    category_id=category.pk if category and i % 2 == 0 else None,
                    name="" if i % 2 == 0 else "王先生",
                    contact="" if i % 2 == 0 else "139 0000 0000",
                ),
                client=services.Client(
                    address_hash=services.client_hash(f"demo-{agency.pk}-{i}"),
                    session_hash=services.client_hash(f"demo-session-{agency.pk}-{i}"),
                ),
            )
            made += 1
            if head is None or i == 0:
                continue  # left 已登记
            services.complaint_accept(actor=head, complaint_id=complaint.pk)
            if i == 1:
                continue  # left 已受理
            services.complaint_start(actor=head, complaint_id=complaint.pk)
            if i == 2:
                services.complaint_reply(
                    actor=head,
                    complaint_id=complaint.pk,
                    reply="经核查，反映的情况属实，已责令改正并对相关人员批评教育。感谢您的监督。",
                )
    return made
