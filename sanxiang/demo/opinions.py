"""Demo 执法监督意见: 示范市司法局's 监督人员 issues one document per agency of its area, made
through the services today (after the demo's year, so every log stays in time order); the
first agency's 负责人 has answered his, with a rectification report as a file. Nothing is
made when any opinion exists."""

from __future__ import annotations

import io

from sanxiang.cases.models import Case
from sanxiang.demo.evaluation import REPORT
from sanxiang.evidence.attachments import Upload
from sanxiang.org.models import Officer, Role, SupervisoryBody
from sanxiang.supervision.opinions.models import Opinion, OpinionBasis
from sanxiang.supervision.opinions.services import OpinionInput, opinion_answer, opinion_issue

TEXTS = (
    (
        "opinion",
        "ordinance_opinion",
        "procedure",
        "1. 现场检查笔录未载明执法人员的执法证件号码；\n2. 立案审批表缺少负责人签署意见的日期。",
        "补正立案审批手续；今后现场检查时出示执法证件并在笔录中记明证件号码。",
    ),
    (
        "order",
        "ordinance_order",
        "service",
        "行政处罚决定书作出后超过七日未送达当事人，卷内无送达回证。",
        "依法送达行政处罚决定书，补齐送达回证，并报告纠正情况。",
    ),
)


def demo_opinions_load() -> int:
    if Opinion.objects.exists():
        return 0
    body = SupervisoryBody.objects.filter(name="示范市司法局").first()
    supervisor = (
        Officer.objects.filter(
            unit__agency_id=body.agency_id, roles__role=Role.SUPERVISOR, is_active=True
        )
        .order_by("pk")
        .first()
        if body is not None
        else None
    )
    if body is None or supervisor is None:
        return 0
    made = 0
    for agency, (kind, basis, point, problems, requirement) in zip(
        body.agencies.exclude(pk=body.agency_id).order_by("pk"), TEXTS, strict=False
    ):
        case = Case.objects.filter(agency=agency).exclude(number="").order_by("pk").first()
        if case is None:
            continue
        opinion = opinion_issue(
            actor=supervisor,
            data=OpinionInput(
                case_id=case.pk, kind=kind, problems=problems, requirement=requirement,
                legal_point=point, period_workdays=20 if kind == "opinion" else 15,
                basis_ids=[OpinionBasis.objects.get(key=basis).pk],
            ),
        )  # fmt: skip
        made += 1
        head = (
            Officer.objects.filter(unit__agency=agency, roles__role=Role.HEAD, is_active=True)
            .order_by("pk")
            .first()
        )
        if made == 1 and head is not None:
            opinion_answer(
                actor=head,
                opinion_id=opinion.pk,
                text="已补正立案审批手续；已组织全体执法人员学习执法证件出示和记录的规定。",
                files=[Upload(io.BytesIO(REPORT), "整改报告（演示）.pdf")],
            )
    return made
