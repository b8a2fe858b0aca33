"""Writes of 执法监督意见: each in one transaction with its ledger event in the agency's log.

``opinion_issue`` (a 监督人员 of a body over the case's agency) → ``opinion_answer`` (the
agency's 负责人, in writing, citing the case's evidence records by number and/or sending files of
its own into the evidence store) → ``opinion_accept``
or ``opinion_return`` (a 监督人员 of a body over the agency; returned, it is answered again).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.services import number_allocate
from sanxiang.core.background import enqueue
from sanxiang.core.selectors import get_calendar
from sanxiang.errors import DomainError
from sanxiang.evidence.access import EvidenceAction
from sanxiang.evidence.attachments import (
    StoredUpload,
    Upload,
    blob_for,
    uploads_check,
    uploads_stored,
)
from sanxiang.evidence.models import EvidenceItem
from sanxiang.org.models import Officer
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.opinions.documents import opinion_docx, opinion_docx_store
from sanxiang.supervision.opinions.events import opinion_issued, opinion_step_recorded
from sanxiang.supervision.opinions.models import (
    AWAITING_ANSWER,
    LegalPoint,
    Opinion,
    OpinionAttachment,
    OpinionBasis,
    OpinionFileAccess,
    OpinionKind,
    OpinionStatus,
    OpinionStep,
    StepKind,
)
from sanxiang.supervision.opinions.selectors import may_answer, opinions_for

log = logging.getLogger(__name__)

NUMBER_KIND = "supervision"  # the body's NumberingRule: 示司监〔2026〕3号
MAX_PERIOD = 60
MAX_TEXT = 4000


class OpinionRefused(DomainError):
    """Bad input or a state that does not allow the step (400)."""


class OpinionForbidden(OpinionRefused):
    """The actor may read the opinion but this step is not his (403)."""


class OpinionNotFound(OpinionRefused):
    """No such opinion, or none the actor may read (404)."""


@dataclass(frozen=True)
class OpinionInput:
    case_id: int
    kind: str
    problems: str
    requirement: str
    basis_ids: Sequence[int]
    period_workdays: int
    legal_point: str = ""


def _due(start: date, workdays: int) -> date:
    return get_calendar().add_workdays_provisional(start, workdays).on


def _text(value: str, label: str) -> str:
    value = value.strip()
    if not value:
        raise OpinionRefused(f"请填写{label}。")
    if len(value) > MAX_TEXT:
        raise OpinionRefused(f"{label}不能超过 {MAX_TEXT} 字。")
    return value


def _checked(data: OpinionInput) -> tuple[str, str, list[OpinionBasis]]:
    if data.kind not in OpinionKind.values:
        raise OpinionRefused("请选择文书种类（行政执法监督意见书或者责令纠正通知书）。")
    problems = _text(data.problems, "发现的问题")
    requirement = _text(
        data.requirement, "纠正要求" if data.kind == OpinionKind.ORDER else "监督意见"
    )
    if data.legal_point and data.legal_point not in LegalPoint.values:
        raise OpinionRefused("问题所涉环节不在可选范围内。")
    if not 1 <= data.period_workdays <= MAX_PERIOD:
        raise OpinionRefused(f"答复期限应为 1 至 {MAX_PERIOD} 个工作日。")
    wanted = set(data.basis_ids)
    bases = [
        b for b in OpinionBasis.objects.filter(pk__in=sorted(wanted), enabled=True)
        if b.applies_to(data.kind)
    ]  # fmt: skip
    if not wanted or len(bases) != len(wanted):
        raise OpinionRefused("请选择适用于该文书的依据。")
    return problems, requirement, bases


def opinion_issue(*, actor: Officer, data: OpinionInput) -> Opinion:
    """A 监督人员 issues a 行政执法监督意见书 or 责令纠正通知书 on a case of an agency under his
    body: numbered per body and year without gaps, rendered (A4, QR) and recorded; its PDF
    is made after the request."""
    body = supervisory_body_of(actor)
    if body is None:
        raise OpinionForbidden(
            "只有行政执法监督机构的监督人员可以出具监督意见。",
            log_message=f"officer {actor.pk} is no supervisor",
        )
    problems, requirement, bases = _checked(data)
    case = (
        Case.objects.filter(pk=data.case_id, agency_id__in=sorted(supervised_agency_ids(actor)))
        .select_related("agency")
        .first()
    )
    if case is None:
        raise OpinionNotFound(
            "未找到该案件，或者该案件不在本机构监督范围内。",
            log_message=f"opinion on case {data.case_id} refused for officer {actor.pk}",
        )
    today = timezone.localdate()
    with transaction.atomic():
        try:
            number = number_allocate(agency_id=body.agency_id, kind=NUMBER_KIND, year=today.year)
        except DomainError as exc:
            raise OpinionRefused(
                f"本监督机构尚未设置监督文书的编号规则：请系统管理员在管理后台“编号规则”中为"
                f"{body.agency.name}添加编号种类 {NUMBER_KIND} 的机关代字（例如：示司监）。",
                log_message=exc.log_message,
            ) from exc
        opinion = Opinion(
            body=body, case=case, agency_id=case.agency_id, kind=data.kind, number=number,
            problems=problems, requirement=requirement, legal_point=data.legal_point,
            period_workdays=data.period_workdays, issued_on=today,
            answer_due_on=_due(today, data.period_workdays), issued_by=actor,
            verification_code=secrets.token_hex(6),
        )  # fmt: skip
        opinion.docx_sha256 = opinion_docx_store(opinion_docx(opinion, bases))
        opinion.save()
        opinion.bases.set(bases)
        OpinionStep.objects.create(
            opinion=opinion, kind=StepKind.ISSUED, actor=actor, due_on=opinion.answer_due_on,
            text=f"{opinion.get_kind_display()} {number}",
        )  # fmt: skip
        opinion_issued(opinion, actor=actor.ledger_actor)
        enqueue("supervision.opinion_pdf", opinion_id=opinion.pk)
    log.info("opinion %s (%s) issued on case %s", opinion.pk, number, case.pk)
    return opinion


def _locked(actor: Officer, opinion_id: int) -> Opinion:
    if not opinions_for(actor).filter(pk=opinion_id).exists():
        raise OpinionNotFound(
            "未找到该监督意见。", log_message=f"opinion {opinion_id} not readable by {actor.pk}"
        )
    return Opinion.objects.select_for_update().select_related("agency").get(pk=opinion_id)


_REFERENCE = re.compile(r"[\s,，、;；]+")


def _references(actor: Officer, typed: str) -> str:
    references = [r for r in _REFERENCE.split(typed.strip()) if r]
    if len(references) > 20:
        raise OpinionRefused("附件最多 20 项。")
    visible = set(
        EvidenceItem.objects.visible_to(actor, EvidenceAction.VIEW)
        .filter(record_id__in=references)
        .values_list("record_id", flat=True)
    )
    missing = [r for r in references if r not in visible]
    if missing:
        raise OpinionRefused(
            f"未找到证据记录编号 {'、'.join(missing[:5])}，或者您无权调阅。"
            "请先在“证据与全过程记录”中存证，再填写其记录编号。"
        )
    return " ".join(dict.fromkeys(references))


def _step(
    opinion: Opinion, *, kind: str, actor: Officer, text: str, files: Sequence[StoredUpload] = (),
    **extra: object,
) -> None:  # fmt: skip
    step = OpinionStep.objects.create(opinion=opinion, kind=kind, actor=actor, text=text, **extra)
    step.opinion = opinion
    attachments = [
        OpinionAttachment.objects.create(step=step, blob=blob_for(f), filename=f.filename)
        for f in files
    ]
    opinion_step_recorded(step, actor=actor.ledger_actor, attachments=attachments)


def opinion_answer(
    *,
    actor: Officer,
    opinion_id: int,
    text: str,
    evidence_references: str = "",
    files: Sequence[Upload] = (),
) -> Opinion:
    """The agency's 负责人 answers in writing: what was corrected, with the case's evidence
    records cited by number and/or files of its own (PDF, Word, photos) stored in the evidence
    store; the answer's ledger event carries each file's SHA-256. Refused whole (nothing stored)
    when a file, a reference or the step is refused."""
    answer = _text(text, "答复内容（纠正或者落实情况）")
    checked = uploads_check(files)
    if checked:
        # Who and when before a byte is stored; the same checks run again under the lock.
        _answerable(actor, opinions_for(actor).filter(pk=opinion_id).first(), opinion_id)
    with ExitStack() as stack:
        stored = stack.enter_context(uploads_stored(checked)) if checked else []
        return _answer(actor, opinion_id, answer, evidence_references, stored)


def _answerable(actor: Officer, opinion: Opinion | None, opinion_id: int) -> Opinion:
    if opinion is None:
        raise OpinionNotFound(
            "未找到该监督意见。", log_message=f"opinion {opinion_id} not readable by {actor.pk}"
        )
    if not may_answer(actor, opinion):
        raise OpinionForbidden(
            "只有被监督执法主体的负责人可以答复监督意见。",
            log_message=f"officer {actor.pk} may not answer opinion {opinion.pk}",
        )
    if opinion.status not in AWAITING_ANSWER:
        raise OpinionRefused("该监督意见当前无需答复（已答复待审查或者已办结）。")
    return opinion


def _answer(
    actor: Officer,
    opinion_id: int,
    answer: str,
    evidence_references: str,
    stored: Sequence[StoredUpload],
) -> Opinion:
    with transaction.atomic():
        opinion = _answerable(actor, _locked(actor, opinion_id), opinion_id)
        references = _references(actor, evidence_references)
        opinion.status = OpinionStatus.ANSWERED
        opinion.save(update_fields=["status"])
        _step(
            opinion, kind=StepKind.ANSWERED, actor=actor, text=answer,
            evidence_references=references, files=stored,
        )  # fmt: skip
    log.info("opinion %s answered by officer %s (%d files)", opinion.pk, actor.pk, len(stored))
    return opinion


def opinion_attachment_open(
    *, actor: Officer, opinion_id: int, attachment_id: int
) -> OpinionAttachment | None:
    """One file of an answer, if ``actor`` may read the opinion (the supervising body's
    监督人员, the agency's 负责人, the case's handlers), after recording that he opened it; None
    (and no row) otherwise."""
    with transaction.atomic():
        opinion = opinions_for(actor).filter(pk=opinion_id).first()
        found = (
            OpinionAttachment.objects.select_related("blob")
            .filter(pk=attachment_id, step__opinion_id=opinion.pk)
            .first()
            if opinion is not None
            else None
        )
        if found is None:
            return None
        OpinionFileAccess.objects.create(attachment=found, officer=actor, actor=actor.ledger_actor)
    return found


def _reviewable(actor: Officer, opinion_id: int) -> Opinion:
    opinion = _locked(actor, opinion_id)
    if opinion.agency_id not in supervised_agency_ids(actor):
        raise OpinionForbidden(
            "只有对该执法主体负有监督职责的监督人员可以审查答复。",
            log_message=f"officer {actor.pk} may not review opinion {opinion.pk}",
        )
    if opinion.status != OpinionStatus.ANSWERED:
        raise OpinionRefused("该监督意见没有待审查的答复。")
    return opinion


def opinion_accept(*, actor: Officer, opinion_id: int, note: str = "") -> Opinion:
    """The body accepts the answer: the opinion is closed (办结)."""
    with transaction.atomic():
        opinion = _reviewable(actor, opinion_id)
        opinion.status = OpinionStatus.ACCEPTED
        opinion.save(update_fields=["status"])
        _step(opinion, kind=StepKind.ACCEPTED, actor=actor, text=note.strip()[:MAX_TEXT])
    log.info("opinion %s accepted by officer %s", opinion.pk, actor.pk)
    return opinion


def opinion_return(*, actor: Officer, opinion_id: int, reason: str) -> Opinion:
    """The body returns the answer with its reason; the agency answers again within a new
    period of the opinion's working days, counted from today."""
    why = _text(reason, "退回理由")
    with transaction.atomic():
        opinion = _reviewable(actor, opinion_id)
        opinion.status = OpinionStatus.RETURNED
        opinion.answer_due_on = _due(timezone.localdate(), opinion.period_workdays)
        opinion.save(update_fields=["status", "answer_due_on"])
        _step(opinion, kind=StepKind.RETURNED, actor=actor, text=why, due_on=opinion.answer_due_on)
    log.info("opinion %s returned by officer %s", opinion.pk, actor.pk)
    return opinion
