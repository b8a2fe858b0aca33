"""Writes of 案卷评查: each one transaction with its ledger event; refusals in Chinese."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import AccessReason, CaseAccess, StepTaken
from sanxiang.errors import DomainError
from sanxiang.evaluation import events, sampling
from sanxiang.evaluation.models import (
    Assignment,
    BeaconForm,
    Campaign,
    CampaignStatus,
    FindingAttachment,
    FindingFileAccess,
    Mark,
    Standard,
)
from sanxiang.evaluation.selectors import may_open_finding_files
from sanxiang.evidence.attachments import (
    StoredUpload,
    Upload,
    blob_for,
    uploads_check,
    uploads_stored,
)
from sanxiang.inspections import draw
from sanxiang.ledger.events import content_digest
from sanxiang.org.models import Agency, Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of

log = logging.getLogger(__name__)

CLOSED_STATES = ("closed", "archived")
MAX_PER_STRATUM = 50
MAX_TEXT = 4000
TENTH = Decimal("0.1")
# A beacon published later than this after the freeze is refused (a campaign would wait idle).
MAX_BEACON_WAIT = timedelta(days=60)


class EvaluationRefused(DomainError):
    pass


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise EvaluationRefused(f"请填写{label}。")
    if len(text) > limit:
        raise EvaluationRefused(f"{label}不能超过 {limit} 个字。")
    return text


def _campaign_for_update(campaign_id: int, actor: Officer) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update()
        .select_related("body", "standard")
        .filter(pk=campaign_id)
    ).first()
    body = supervisory_body_of(actor)
    if campaign is None or body is None or campaign.body_id != body.pk:
        raise EvaluationRefused(
            "未找到该评查活动，或者您不是发起该活动的监督机构的监督人员。",
            log_message=f"campaign {campaign_id} refused for officer {actor.pk}",
        )
    return campaign


def _check_evaluators(evaluators: Sequence[Officer], agencies: Sequence[Agency]) -> None:
    """An evaluator is never from an agency under evaluation, and must be able to read its
    cases (a 监督人员 whose area covers every agency of the campaign)."""
    by_id = {agency.pk: agency for agency in agencies}
    for person in evaluators:
        own = by_id.get(person.unit.agency_id)
        if own is not None:
            raise EvaluationRefused(
                f"评查人员{person.name}来自被评查的{own.name}，不得参与评查。"
                "请更换评查人员，或者将该单位移出被评查范围。",
                log_message=f"evaluator {person.pk} belongs to agency {own.pk}",
            )
        if not person.is_active:
            raise EvaluationRefused(f"评查人员{person.name}当前不在岗。")
        if not set(by_id) <= supervised_agency_ids(person):
            raise EvaluationRefused(
                f"{person.name}不是监督范围覆盖全部被评查单位的监督人员，无法调阅其案卷。",
                log_message=f"evaluator {person.pk} cannot read every agency",
            )


@dataclass(frozen=True)
class CampaignInput:
    name: str
    closed_from: date
    closed_to: date
    per_stratum: int
    agency_ids: Sequence[int]
    evaluator_ids: Sequence[int]


def campaign_create(*, actor: Officer, data: CampaignInput) -> Campaign:
    """A 监督人员 starts a campaign of his body over agencies in its area."""
    body = supervisory_body_of(actor)
    if body is None:
        raise EvaluationRefused("只有行政执法监督机构的监督人员可以发起案卷评查。")
    name = _text(data.name, "评查活动名称", 100)
    if data.closed_from > data.closed_to:
        raise EvaluationRefused("结案日期的起始日不能晚于截止日。")
    if data.closed_to > timezone.localdate():
        raise EvaluationRefused("结案日期的截止日不能晚于今天。")
    if not 1 <= data.per_stratum <= MAX_PER_STRATUM:
        raise EvaluationRefused(f"每层抽取的案卷数应在 1 到 {MAX_PER_STRATUM} 之间。")
    if not data.agency_ids:
        raise EvaluationRefused("请选择被评查的执法主体。")
    if not data.evaluator_ids:
        raise EvaluationRefused("请指定至少一名评查人员。")
    scope = supervised_agency_ids(actor)
    agencies = list(Agency.objects.filter(pk__in=data.agency_ids))
    if len(agencies) != len(set(data.agency_ids)) or any(a.pk not in scope for a in agencies):
        raise EvaluationRefused("所选执法主体不在本机构的监督范围内。")
    evaluators = list(
        Officer.objects.filter(pk__in=data.evaluator_ids).select_related("unit")
        .prefetch_related("roles")
    )  # fmt: skip
    if len(evaluators) != len(set(data.evaluator_ids)):
        raise EvaluationRefused("未找到所选的评查人员。")
    _check_evaluators(evaluators, agencies)
    standard = Standard.objects.filter(items__isnull=False).order_by("-pk").first()
    if standard is None:
        raise EvaluationRefused("尚未配置评查标准，请先在管理后台录入。")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            body=body,
            name=name,
            closed_from=data.closed_from,
            closed_to=data.closed_to,
            per_stratum=data.per_stratum,
            standard=standard,
            created_by=actor,
        )
        campaign.agencies.set(agencies)
        campaign.evaluators.set(evaluators)
        events.campaign_created(campaign, actor=actor.ledger_actor)
    log.info("evaluation campaign %s created by officer %s", campaign.pk, actor.pk)
    return campaign


def _frame(campaign: Campaign) -> dict[str, object]:
    agencies = {a.pk: a.credit_code for a in campaign.agencies.all()}
    closed = (
        StepTaken.objects.filter(
            to_state="closed",
            taken_on__gte=campaign.closed_from,
            taken_on__lte=campaign.closed_to,
            case__agency_id__in=list(agencies),
            case__state__in=CLOSED_STATES,
        )
        .values_list("case_id", "case__number", "case__agency_id", "case__procedure")
        .distinct()
    )
    strata: dict[tuple[str, str], dict[str, int]] = {}
    for case_id, number, agency_id, procedure in closed:
        strata.setdefault((agencies[agency_id], procedure), {})[
            sampling.case_key(case_id, number)
        ] = case_id
    built = []
    for (agency, procedure), ids in sorted(strata.items()):
        stratum = sampling.stratum(
            agency=agency, procedure=procedure, candidates=list(ids),
            per_stratum=campaign.per_stratum,
        )  # fmt: skip
        stratum["ids"] = ids
        built.append(stratum)
    evaluators = draw.sorted_identifiers(
        [sampling.evaluator_key(pk) for pk in campaign.evaluators.values_list("pk", flat=True)],
        what="评查人员名单",
    )
    return {"strata": built, "evaluators": evaluators}


def beacon_value_normalise(value: str) -> str:
    """A typed beacon value as it enters the draw: surrounding blanks dropped, each run of
    blanks inside one space (so ``03  09`` and ``03 09`` are the same value)."""
    return " ".join((value or "").split())


def campaign_freeze(
    *,
    actor: Officer,
    campaign_id: int,
    beacon_source: str,
    beacon_form_id: int,
    beacon_known_at: datetime,
) -> Campaign:
    """冻结样本框: the closed cases of the period, per agency and procedure, are listed, sorted
    and hashed with the evaluators, and the beacon that will decide the draw is declared: which
    public value (``beacon_source``, e.g. 双色球第2026141期开奖号码), of which form
    (``BeaconForm``, copied onto the campaign) and when it is published — after the freeze, so
    that nobody running the campaign can know it when the frame is fixed."""
    source = _text(beacon_source, "随机源（例如某期彩票开奖号码）", 300)
    form = BeaconForm.objects.filter(pk=beacon_form_id, enabled=True).first()
    if form is None:
        raise EvaluationRefused("请选择随机源的形式。")
    if beacon_known_at <= timezone.now():
        raise EvaluationRefused(
            "随机源的公布时间必须晚于现在（冻结时间）：只有冻结之后才公布的数字才无法被预先利用。",
            log_message=f"campaign {campaign_id} beacon known at {beacon_known_at}",
        )
    if beacon_known_at > timezone.now() + MAX_BEACON_WAIT:
        raise EvaluationRefused(f"随机源的公布时间不能晚于冻结后 {MAX_BEACON_WAIT.days} 天。")
    with transaction.atomic():
        campaign = _campaign_for_update(campaign_id, actor)
        if campaign.status != CampaignStatus.DRAFT:
            raise EvaluationRefused("该评查活动的样本框已经冻结。")
        evaluators = list(campaign.evaluators.select_related("unit").prefetch_related("roles"))
        _check_evaluators(evaluators, list(campaign.agencies.all()))
        try:
            frame = _frame(campaign)
        except draw.DrawInputError as exc:
            raise EvaluationRefused(str(exc)) from exc
        if not frame["strata"]:
            raise EvaluationRefused("该期间内被评查单位没有已结案的案件，无法抽样。")
        campaign.frame = frame
        campaign.beacon_source = source
        campaign.beacon_form = form.name
        campaign.beacon_pattern = form.pattern
        campaign.beacon_example = form.example
        campaign.beacon_known_at = beacon_known_at
        campaign.frozen_at = timezone.now()
        campaign.status = CampaignStatus.FROZEN
        campaign.save()
        events.campaign_frozen(campaign, actor=actor.ledger_actor)
    log.info("evaluation campaign %s frozen", campaign.pk)
    return campaign


def campaign_draw(*, actor: Officer, campaign_id: int, beacon: str) -> Campaign:
    """抽取: the declared beacon's value is entered — not before the declared publication time,
    and only in the declared form — and SX-DRAW-1 draws each stratum's cases and their
    evaluators; one assignment per drawn case."""
    value = beacon_value_normalise(_text(beacon, "随机源的取值", 300))
    with transaction.atomic():
        campaign = _campaign_for_update(campaign_id, actor)
        if campaign.status != CampaignStatus.FROZEN:
            raise EvaluationRefused("只有已冻结样本框、尚未抽取的评查活动可以抽取。")
        _check_beacon(campaign, value)
        if content_digest(events.freeze_content(campaign)) != events.event_digest(
            campaign, events.EvaluationEvent.CAMPAIGN_FROZEN
        ):
            raise EvaluationRefused(
                "样本框与冻结时的记录不一致，不能抽取。",
                log_message=f"campaign {campaign.pk} frame changed after the freeze",
            )
        try:
            result = sampling.sample(campaign.frame, value)
        except draw.DrawInputError as exc:
            raise EvaluationRefused(str(exc)) from exc
        evaluators = {sampling.evaluator_key(o.pk): o for o in campaign.evaluators.all()}
        agencies = {a.credit_code: a.pk for a in campaign.agencies.all()}
        for drawn, stratum in zip(result, campaign.frame["strata"], strict=True):
            for key in drawn["cases"]:
                Assignment.objects.create(
                    campaign=campaign,
                    case_id=stratum["ids"][key],
                    agency_id=agencies[stratum["agency"]],
                    procedure=stratum["procedure"],
                    evaluator=evaluators[drawn["evaluators"][key]],
                )
        campaign.beacon = value
        campaign.result = result
        campaign.drawn_at = timezone.now()
        campaign.status = CampaignStatus.DRAWN
        campaign.save()
        events.campaign_drawn(campaign, actor=actor.ledger_actor)
    log.info("evaluation campaign %s drawn", campaign.pk)
    return campaign


def _check_beacon(campaign: Campaign, value: str) -> None:
    known_at = campaign.beacon_known_at
    if known_at is not None and timezone.now() < known_at:
        shown = timezone.localtime(known_at).strftime("%Y年%-m月%-d日 %H:%M")
        raise EvaluationRefused(
            f"声明的随机源于 {shown} 公布，此前不能录入取值、不能抽取。",
            log_message=f"campaign {campaign.pk} beacon entered before {known_at}",
        )
    if campaign.beacon_pattern and re.fullmatch(campaign.beacon_pattern, value) is None:
        raise EvaluationRefused(
            f"取值“{value[:40]}”不符合声明的随机源形式（{campaign.beacon_form}），"
            f"例如：{campaign.beacon_example}。请照抄公布的号码。",
            log_message=f"campaign {campaign.pk} beacon not of its form",
        )


def assignment_score(
    *,
    actor: Officer,
    assignment_id: int,
    marks: Mapping[int, tuple[Decimal, str]],
    summary: str = "",
) -> Assignment:
    """The evaluator scores his case item by item (deduction and written finding) after reading
    it under the 调阅事由 案卷评查. One submission; the score is final."""
    summary = _text(summary, "总体评查意见", MAX_TEXT, required=False)
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("campaign__standard", "campaign__body")
            .filter(pk=assignment_id, evaluator=actor)
            .first()
        )
        if assignment is None:
            raise EvaluationRefused(
                "未找到该案卷，或者它不是分配给您评查的。",
                log_message=f"assignment {assignment_id} refused for officer {actor.pk}",
            )
        if assignment.campaign.status != CampaignStatus.DRAWN:
            raise EvaluationRefused("该评查活动不在评查阶段，不能评分。")
        if assignment.submitted_at is not None:
            raise EvaluationRefused("该案卷的评分已经提交，不能修改。")
        read = CaseAccess.objects.filter(
            case_id=assignment.case_id, officer=actor, reason=AccessReason.FILE_REVIEW
        ).exists()
        if not read:
            raise EvaluationRefused("请先以“案卷评查”为调阅事由打开该案卷，阅卷后再评分。")
        items = list(assignment.campaign.standard.items.all())
        if set(marks) != {item.pk for item in items}:
            raise EvaluationRefused("请对评查标准的每一项评分（不扣分的填 0）。")
        rows = []
        for item in items:
            deduction, finding = marks[item.pk]
            # As the column stores it (one decimal), so the event's digest is the row's.
            deduction = Decimal(deduction).quantize(TENTH)
            finding = (finding or "").strip()
            if deduction < 0 or deduction > item.points:
                raise EvaluationRefused(
                    f"第 {item.number} 项的扣分应在 0 到 {item.points} 分之间。"
                )
            if deduction > 0 and not finding:
                raise EvaluationRefused(f"第 {item.number} 项扣了分，请写明评查意见（问题所在）。")
            if len(finding) > MAX_TEXT:
                raise EvaluationRefused(f"第 {item.number} 项的评查意见不能超过 {MAX_TEXT} 个字。")
            rows.append(
                Mark(assignment=assignment, item=item, deduction=deduction, finding=finding)
            )
        Mark.objects.bulk_create(rows)
        total = sum((item.points for item in items), Decimal(0))
        lost = sum((m.deduction for m in rows), Decimal(0))
        assignment.score = max(total - lost, Decimal(0)).quantize(TENTH)
        assignment.summary = summary
        assignment.submitted_at = timezone.now()
        assignment.save()
        events.assignment_recorded(
            assignment,
            event=events.EvaluationEvent.ASSIGNMENT_SCORED,
            actor=actor.ledger_actor,
            marks=rows,
        )
    log.info("assignment %s scored %s by officer %s", assignment.pk, assignment.score, actor.pk)
    return assignment


def _answerable(actor: Officer, assignment: Assignment | None, assignment_id: int) -> Assignment:
    if (
        assignment is None
        or not actor.is_active
        or not actor.has_role(Role.HEAD)
        or actor.unit.agency_id != assignment.agency_id
        or assignment.submitted_at is None
    ):
        raise EvaluationRefused(
            "未找到该评查意见，或者您不是被评查单位的负责人。",
            log_message=f"answer to assignment {assignment_id} refused for {actor.pk}",
        )
    if assignment.answered_at is not None:
        raise EvaluationRefused("该评查意见已经答复过整改情况。")
    return assignment


def assignment_answer(
    *, actor: Officer, assignment_id: int, answer: str, files: Sequence[Upload] = ()
) -> Assignment:
    """The 负责人 of the evaluated agency answers the findings on one case (整改情况), with
    files of his own (整改报告, the corrected documents) stored in the evidence store; the
    answer's ledger event carries each file's SHA-256. Refused whole, nothing stored."""
    text = _text(answer, "整改情况", MAX_TEXT)
    try:
        checked = uploads_check(files)
    except DomainError as exc:
        raise EvaluationRefused(exc.message, log_message=exc.log_message) from exc
    if checked:  # who and when before a byte is stored; again under the lock
        _answerable(actor, Assignment.objects.filter(pk=assignment_id).first(), assignment_id)
    with ExitStack() as stack:
        stored = stack.enter_context(uploads_stored(checked)) if checked else []
        return _answer(actor, assignment_id, text, stored)


def _answer(
    actor: Officer, assignment_id: int, text: str, stored: Sequence[StoredUpload]
) -> Assignment:
    with transaction.atomic():
        assignment = _answerable(
            actor,
            Assignment.objects.select_for_update()
            .select_related("campaign__body")
            .filter(pk=assignment_id)
            .first(),
            assignment_id,
        )
        assignment.answer = text
        assignment.answered_by = actor
        assignment.answered_at = timezone.now()
        assignment.save()
        attachments = [
            FindingAttachment.objects.create(
                assignment=assignment, blob=blob_for(f), filename=f.filename
            )
            for f in stored
        ]
        events.assignment_recorded(
            assignment,
            event=events.EvaluationEvent.ASSIGNMENT_ANSWERED,
            actor=actor.ledger_actor,
            marks=list(assignment.marks.order_by("item__position", "pk")),
            attachments=attachments,
        )
    log.info(
        "assignment %s answered by officer %s (%d files)", assignment.pk, actor.pk, len(stored)
    )
    return assignment


def finding_attachment_open(*, actor: Officer, attachment_id: int) -> FindingAttachment | None:
    """One 整改情况 file, if ``actor`` may open it (``may_open_finding_files``), after recording
    that he did; None (and no row) otherwise."""
    with transaction.atomic():
        found = (
            FindingAttachment.objects.select_related("blob", "assignment__campaign")
            .filter(pk=attachment_id)
            .first()
        )
        if found is None or not may_open_finding_files(actor, found.assignment):
            return None
        FindingFileAccess.objects.create(attachment=found, officer=actor, actor=actor.ledger_actor)
    return found


def campaign_close(*, actor: Officer, campaign_id: int) -> Campaign:
    """结束评查: once every drawn case is scored."""
    with transaction.atomic():
        campaign = _campaign_for_update(campaign_id, actor)
        if campaign.status != CampaignStatus.DRAWN:
            raise EvaluationRefused("只有评查中的活动可以结束。")
        left = campaign.assignments.filter(submitted_at__isnull=True).count()
        if left:
            raise EvaluationRefused(f"还有 {left} 件案卷未提交评分，不能结束评查。")
        campaign.status = CampaignStatus.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save()
        events.campaign_status_recorded(
            campaign, event=events.EvaluationEvent.CAMPAIGN_CLOSED, actor=actor.ledger_actor
        )
    return campaign


def campaign_publish(*, actor: Officer, campaign_id: int) -> Campaign:
    """公开评查结果: the aggregate scores per agency go on the portal (no personal data)."""
    with transaction.atomic():
        campaign = _campaign_for_update(campaign_id, actor)
        if campaign.status != CampaignStatus.CLOSED:
            raise EvaluationRefused("评查结束后才能公开结果。")
        if campaign.published_at is not None:
            raise EvaluationRefused("该评查活动的结果已经公开。")
        campaign.published_at = timezone.now()
        campaign.save()
        events.campaign_status_recorded(
            campaign, event=events.EvaluationEvent.CAMPAIGN_PUBLISHED, actor=actor.ledger_actor
        )
    return campaign
