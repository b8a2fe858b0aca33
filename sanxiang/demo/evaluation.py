"""Demo 案卷评查: 示范市司法局 evaluates the cases its two agencies closed in the demo year.

One campaign, played inside the year (``activity``) at the moments it would happen, through
the services: started and frozen some weeks before the year ends, drawn once its declared
beacon is "published" two days later, scored by the body's 监督人员 after reading each case
under the 调阅事由 案卷评查, answered by each agency's 负责人 (one answer with a rectification
report as a file), closed and published — so the portal's 案卷评查结果 and the office pages show
a finished campaign on first start. The beacon is of the demo form (a string marked 演示, no
lottery result is invented); the demo switches that form on for itself.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Generator
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from sanxiang.cases.models import AccessReason
from sanxiang.cases.services import case_page_open
from sanxiang.errors import DomainError
from sanxiang.evaluation.models import BeaconForm, Campaign
from sanxiang.evaluation.services import (
    CampaignInput,
    EvaluationRefused,
    assignment_answer,
    assignment_score,
    campaign_close,
    campaign_create,
    campaign_draw,
    campaign_freeze,
    campaign_publish,
)
from sanxiang.evidence.attachments import Upload
from sanxiang.org.models import Officer, Role, SupervisoryBody

logger = logging.getLogger(__name__)

BODY = "示范市司法局"
NAME = "示范市{year}年行政执法案卷评查（演示）"
# Days before the end of the demo year at which the campaign starts (its period ends then).
STARTS_BEFORE_END = 30
# A few findings, by item number of the shipped standard, so the roll-ups are not all 100.
FINDINGS = (
    ("4.2", Decimal("2"), "告知书未写明拟作出处罚的依据条款（演示）"),
    ("8.1", Decimal("1.5"), "送达回证未载明送达方式（演示）"),
)
REPORT = (
    b"%PDF-1.4\n% demo rectification report\n1 0 obj<< /Type /Catalog >>endobj\n"
    b"trailer<< /Root 1 0 R >>\n%%EOF\n"
)


def _people() -> tuple[SupervisoryBody, Officer] | None:
    body = SupervisoryBody.objects.filter(name=BODY).first()
    if body is None:
        return None
    supervisor = (
        Officer.objects.filter(
            unit__agency_id=body.agency_id, roles__role=Role.SUPERVISOR, is_active=True
        )
        .order_by("pk")
        .first()
    )
    return None if supervisor is None else (body, supervisor)


def evaluation_story() -> Generator[timedelta, None, None]:
    """The campaign as a story of the demo year (a generator yielding the waits between its
    steps); a refused step ends it where it stands, and the rest of the demo goes on."""
    try:
        yield from _steps()
    except DomainError as exc:
        logger.warning("demo evaluation stopped: %s", exc.log_message)


def _steps() -> Generator[timedelta, None, None]:
    found = _people()
    if found is None or Campaign.objects.exists():
        return
    body, supervisor = found
    today = timezone.localdate()
    agencies = list(body.agencies.exclude(pk=body.agency_id).order_by("pk"))
    try:
        campaign = campaign_create(
            actor=supervisor,
            data=CampaignInput(
                name=NAME.format(year=today.year), closed_from=today - timedelta(days=365),
                closed_to=today, per_stratum=2, agency_ids=[a.pk for a in agencies],
                evaluator_ids=[supervisor.pk],
            ),
        )  # fmt: skip
        form = BeaconForm.objects.get(key="demo")
        if not form.enabled:
            BeaconForm.objects.filter(pk=form.pk).update(enabled=True)
        campaign_freeze(
            actor=supervisor, campaign_id=campaign.pk,
            beacon_source=f"演示随机源（{body.name}{today.year}年案卷评查）",
            beacon_form_id=form.pk, beacon_known_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    except EvaluationRefused as exc:  # e.g. no case closed yet: no campaign this year
        logger.info("demo evaluation not started: %s", exc.log_message)
        return
    yield timedelta(days=2, hours=1)
    campaign_draw(
        actor=supervisor, campaign_id=campaign.pk,
        beacon=f"演示随机源：{body.name}{today.year}年案卷评查",
    )  # fmt: skip
    items = {item.number: item for item in campaign.standard.items.all()}
    for n, assignment in enumerate(campaign.assignments.order_by("pk")):
        yield timedelta(hours=2)
        case_page_open(
            actor=supervisor, case_id=assignment.case_id, reason=AccessReason.FILE_REVIEW
        )
        marks = {item.pk: (Decimal(0), "") for item in items.values()}
        number, deduction, finding = FINDINGS[n % len(FINDINGS)]
        if n % 3 != 2 and number in items:
            marks[items[number].pk] = (deduction, finding)
        assignment_score(
            actor=supervisor, assignment_id=assignment.pk, marks=marks,
            summary="案卷基本规范，个别环节需改进（演示）。",
        )  # fmt: skip
    yield timedelta(days=3)
    for n, assignment in enumerate(campaign.assignments.order_by("agency_id", "pk")):
        head = (
            Officer.objects.filter(
                unit__agency_id=assignment.agency_id, roles__role=Role.HEAD, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if head is None:
            continue
        files = [Upload(io.BytesIO(REPORT), "整改报告（演示）.pdf")] if n == 0 else []
        assignment_answer(
            actor=head, assignment_id=assignment.pk,
            answer="已组织承办人员对照评查意见逐项整改，并在全局通报（演示）。", files=files,
        )  # fmt: skip
    yield timedelta(days=1)
    campaign_close(actor=supervisor, campaign_id=campaign.pk)
    campaign_publish(actor=supervisor, campaign_id=campaign.pk)
