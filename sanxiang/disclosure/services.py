"""Every write of 事后公开: open a publication when a decision is made, confirm its redacted
text (公示审核), correct it, withdraw it, or record why it is not published.

Each write is one transaction with a ledger event; the confirmed public text's SHA-256 is the
event's content, so anyone can check a page against the signed log (DESIGN.md rules 1, 3, 5).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from docx import Document

from sanxiang.acts.models import OtherAct, PartyType, Permit
from sanxiang.acts.services import act_fields
from sanxiang.cases.documents import PAPER_ONLY_PREFIXES
from sanxiang.cases.models import (
    Case,
    CaseDocument,
    PartyKind,
    PartyQueryCode,
    PenaltyKind,
    Procedure,
    RemedyOutcome,
    RemedyStep,
    RemedyStepKind,
)
from sanxiang.cases.party_access import code_display
from sanxiang.cases.workflow.effects import OpenPublication
from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import provisional_deadline_note
from sanxiang.disclosure import push
from sanxiang.disclosure.access import PublicationAction
from sanxiang.disclosure.annual import AnnualFigures, annual_figures
from sanxiang.disclosure.credit import SEVERITY_LABELS, credit_term, severity_for
from sanxiang.disclosure.events import (
    DisclosureEvent,
    annual_report_published,
    publication_recorded,
    publication_text_published,
)
from sanxiang.disclosure.models import (
    ActKind,
    AnnualReport,
    DeliveryEvent,
    Publication,
    PublicationPeriod,
    PublicationStatus,
    PublicationVersion,
    WithdrawalReason,
)
from sanxiang.disclosure.normalise import strip_bidi
from sanxiang.disclosure.redaction import Redaction, redact
from sanxiang.disclosure.search import publication_tokens
from sanxiang.errors import DomainError
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import sha256_hex, tree_head_sign
from sanxiang.org.models import Agency, Certificate, Officer, Role

logger = logging.getLogger(__name__)

# The case steps that make a decision to publish, and what kind of act each is.
DECISION_DOCUMENTS = ("decision", "on_spot_decision")


class PublicationRefused(DomainError):
    """A publication step the rules do not allow; nothing was changed."""


def _record(publication: Publication, actor: str, verb: str, content: object) -> None:
    publication_recorded(
        publication, actor, DisclosureEvent.named(f"disclosure.publication.{verb}"), content
    )


def period_for(kind: str) -> tuple[int, str]:
    """Working days and their basis: the table administrators edit (loaded from
    data/disclosure/periods.csv, ``disclosure.periods``)."""
    row = PublicationPeriod.objects.filter(kind=kind).first()
    if row is not None:
        return row.working_days, row.basis
    raise PublicationRefused("未设置该类执法决定的公示期限。", log_message=f"no period for {kind}")


# --- opening a record when a decision is made ---------------------------------------------------


def _fields(case: Case, kind: str, decided_on: date) -> dict[str, object]:
    """The 双公示 fields that may be shown. ID numbers are never among them; a natural
    person's name is shown as 某 (redacted like the text)."""
    parties = list(case.parties.all())
    people = [p.name for p in parties if p.kind == PartyKind.PERSON]
    organisations = [p for p in parties if p.kind == PartyKind.ORGANISATION]
    names = [
        redact(p.name, persons=people).text if p.kind == PartyKind.PERSON else p.name
        for p in parties
    ]
    kinds = [PenaltyKind(k).label for k in case.penalty_kinds if k in PenaltyKind.values]
    articles = [f"《{a.law.title}》{a.label}" for a in case.penalty_articles.select_related("law")]
    fields: dict[str, object] = {
        "执法机关": case.agency.name,
        "执法机关统一社会信用代码": case.agency.credit_code,
        "执法对象": "、".join(names),
        "执法对象类别": "、".join(sorted({p.get_kind_display() for p in parties})),
        "统一社会信用代码": "、".join(p.identifier for p in organisations),
        "执法类别": ActKind(kind).label,
        "执法领域": case.category.name,
        "决定书文号": case.number or "",
        "违法行为类型": case.title,
        "处罚依据": "、".join(articles),
        "处罚类别": "、".join(kinds),
        "罚款金额（元）": str(case.fine_yuan) if case.fine_yuan is not None else "",
        "决定日期": decided_on.isoformat(),
    }
    # Bidirectional overrides would make a published value read differently from the stored one.
    return {k: strip_bidi(v) if isinstance(v, str) else v for k, v in fields.items()}


def publication_open(case: Case, actor: Officer, effect: OpenPublication) -> Publication | None:
    """A case step that decides opens the record that must be published by its due date: the
    step declares it (``OpenPublication`` in the procedure), with the kind of act and what the
    publication says it concluded."""
    kind = ActKind(effect.kind)
    if Publication.objects.filter(case_id=case.pk).exists():
        return None
    decided_on = timezone.localdate()
    days, basis = period_for(kind)
    # Provisional (暂定) where the period runs into a year whose schedule is not entered yet:
    # the decision must not wait for it; the date is recomputed when the year is entered.
    due = get_calendar().add_workdays_provisional(decided_on, days)
    due_on = due.on
    fields = _fields(case, kind, decided_on)
    fields["执法结论"] = effect.conclusion or fields["处罚类别"] or "行政处罚"
    credit = (
        credit_term(decided_on, severity_for(list(case.penalty_kinds)))
        if kind == ActKind.PENALTY
        else None
    )
    publication = Publication.objects.create(
        credit_severity=credit.severity if credit else "",
        credit_until=credit.until if credit else None,
        credit_basis=credit.basis[:300] if credit else "",
        case=case,
        agency_id=case.agency_id,
        kind=kind,
        title=strip_bidi(f"{case.number or ''} {case.title}".strip()),
        decided_on=decided_on,
        due_on=due_on,
        due_basis=f"自决定之日起{days}个工作日（{basis}）"[:300],
        # 河北方案: general-procedure penalty decisions are published in full text.
        # Other 执法决定 (a 不予处罚 among them) publish the 118号 fields only.
        full_text=case.procedure == Procedure.PENALTY_GENERAL and kind == ActKind.PENALTY,
        fields=fields,
    )
    provisional_deadline_note(
        instance=publication, field="due_on", start=decided_on, workdays=days, due=due,
        actor=actor.ledger_actor, agency_id=case.agency_id,
    )  # fmt: skip
    _record(
        publication, actor.ledger_actor, "opened", {"case": case.pk, "due_on": due_on.isoformat()}
    )
    logger.info("publication %s opened for case %s, due %s", publication.pk, case.pk, due_on)
    return publication


# --- an act recorded in ``acts`` (行政许可, 征收征用, 确认, 给付, 裁决 …) ---------------------


def _act_fields(act: Permit | OtherAct) -> dict[str, object]:
    """The 双公示 fields of a recorded act that may be shown: never an ID number; a natural
    person's name as 某."""
    person = act.party_type == PartyType.PERSON
    name = redact(act.party_name, persons=[act.party_name]).text if person else act.party_name
    fields: dict[str, object] = {
        "执法机关": act.agency.name,
        "执法机关统一社会信用代码": act.agency.credit_code,
        "执法对象": name,
        "执法对象类别": act.party_type,
        "统一社会信用代码": act.party_credit_code,
        "决定书文号": act.decision_number,
        "决定日期": act.decided_on.isoformat(),
    }
    if isinstance(act, Permit):
        fields.update({
            "执法类别": ActKind.PERMIT.label,
            "决定类型": act.get_decision_display(),
            "法定代表人": "" if person else act.legal_representative,
            "许可决定文书名称": act.decision_title,
            "许可类别": act.category,
            "许可证书名称": act.licence_name,
            "许可证书编号": act.licence_number,
            "许可内容": act.content,
            "有效期自": act.valid_from.isoformat(),
            "有效期至": act.valid_until.isoformat() if act.valid_until else "长期",
            "许可机关": act.authority_name,
            "许可机关统一社会信用代码": act.authority_credit_code,
            "数据来源单位": act.source_unit,
            "原许可决定文书号": act.original.decision_number if act.original else "",
            "备注": act.remarks,
            "执法结论": act.get_decision_display(),
        })  # fmt: skip
    else:
        public = {f.key: f.label for f in act_fields(act.kind) if f.public}
        fields.update({
            "执法类别": act.get_kind_display(),
            "决定名称": act.title,
            "决定内容": act.content,
            **{public[k]: v for k, v in act.extra.items() if k in public},
            "执法结论": act.title,
        })  # fmt: skip
    return {k: strip_bidi(v) if isinstance(v, str) else v for k, v in fields.items()}


def publication_open_for_act(act: Permit | OtherAct, actor: str) -> Publication:
    """A recorded act opens its publication with its due date counted from the decision date
    (7 working days for 许可, 20 for the others: data/disclosure/periods.csv), in the act's
    own transaction (installed as ``acts.publishing``'s publisher)."""
    kind = ActKind.PERMIT if isinstance(act, Permit) else ActKind.OTHER
    days, basis = period_for(kind)
    due = get_calendar().add_workdays_provisional(act.decided_on, days)
    fields = _act_fields(act)
    title = f"{act.decision_number} {fields['执法对象']} {fields['执法类别']}"
    publication = Publication.objects.create(
        permit=act if isinstance(act, Permit) else None,
        act=act if isinstance(act, OtherAct) else None,
        agency_id=act.agency_id,
        kind=kind,
        title=strip_bidi(title)[:300],
        decided_on=act.decided_on,
        due_on=due.on,
        due_basis=f"自决定之日起{days}个工作日（{basis}）"[:300],
        fields=fields,
    )
    provisional_deadline_note(
        instance=publication, field="due_on", start=act.decided_on, workdays=days, due=due,
        actor=actor, agency_id=act.agency_id,
    )  # fmt: skip
    content = {"permit" if kind == ActKind.PERMIT else "act": act.pk, "due_on": due.on.isoformat()}
    _record(publication, actor, "opened", content)
    return publication


# --- a 复议/诉讼 outcome that brings the decision down ----------------------------------------

# 行政处罚法第四十八条第二款 names the four outcomes; each has its withdrawal reason.
WITHDRAWAL_FOR_OUTCOME = {
    RemedyOutcome.REVOKED: WithdrawalReason.REVOKED,
    RemedyOutcome.CHANGED: WithdrawalReason.CHANGED,
    RemedyOutcome.ILLEGAL: WithdrawalReason.ILLEGAL,
    RemedyOutcome.VOID: WithdrawalReason.VOID,
}
WITHDRAWAL_PERIOD_DAYS = 3  # working days: 行政处罚法第四十八条第二款、第八十五条


def publication_withdrawal_due(case: Case, actor: Officer, action: str) -> Publication | None:
    """When a 复议决定 or judgment changes, revokes, or finds the decision illegal or void, the
    withdrawal becomes due three working days from that day. Withdrawing needs a public
    statement a person writes, so it is not done here: the record shows the due date, and the
    warning fires if it passes (``selectors.overdue_for``). A decision not yet published is
    held back instead (``publication_confirm`` refuses it)."""
    if action != "remedy_outcome":
        return None
    step = (
        RemedyStep.objects.filter(remedy__case=case, kind=RemedyStepKind.OUTCOME)
        .order_by("-pk")
        .first()
    )
    if step is None or step.outcome not in WITHDRAWAL_FOR_OUTCOME:
        return None
    publication = Publication.objects.select_for_update().filter(case_id=case.pk).first()
    if publication is None or publication.status not in (
        PublicationStatus.PENDING,
        PublicationStatus.PUBLISHED,
    ):
        return None
    if publication.withdrawal_occurred_on is not None:
        return publication  # an earlier outcome already made it due
    publication.withdrawal_reason = WITHDRAWAL_FOR_OUTCOME[RemedyOutcome(step.outcome)]
    publication.withdrawal_occurred_on = step.decided_on
    withdrawal_due = get_calendar().add_workdays_provisional(
        step.decided_on, WITHDRAWAL_PERIOD_DAYS
    )
    publication.withdrawal_due_on = withdrawal_due.on
    publication.save(
        update_fields=["withdrawal_reason", "withdrawal_occurred_on", "withdrawal_due_on"]
    )
    provisional_deadline_note(
        instance=publication, field="withdrawal_due_on", start=step.decided_on,
        workdays=WITHDRAWAL_PERIOD_DAYS, due=withdrawal_due, actor=actor.ledger_actor,
        agency_id=case.agency_id,
    )  # fmt: skip
    _record(
        publication,
        actor.ledger_actor,
        "withdrawal_due",
        {
            "case": case.pk,
            "remedy_step": step.pk,
            "reason": publication.withdrawal_reason,
            "occurred_on": step.decided_on.isoformat(),
            "due_on": publication.withdrawal_due_on.isoformat(),
        },
    )
    logger.info(
        "publication %s: withdrawal due %s after remedy outcome %s",
        publication.pk,
        publication.withdrawal_due_on,
        step.pk,
    )
    return publication


# --- the redacted rendering and 公示审核 --------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    text: str
    sha256: str
    redaction: Redaction
    source: CaseDocument | None


def _docx_text(document: CaseDocument) -> str:
    with open_blob(blob_name(document.docx_sha256)) as handle:
        word = Document(io.BytesIO(handle.read()))
    lines = [p.text.strip() for p in word.paragraphs]
    lines += [
        "　".join(cell.text.strip() for cell in row.cells)
        for table in word.tables
        for row in table.rows
    ]
    # The verification footer and the party's 查询码 are about the paper copy, not the public
    # text; a line carrying any code ever issued for the case goes too, whatever the template.
    codes = PartyQueryCode.objects.filter(case_id=document.case_id).values_list("code", flat=True)
    printed = [form for code in codes for form in (code, code_display(code))]
    return "\n".join(
        line
        for line in lines
        if line
        and not line.startswith(PAPER_ONLY_PREFIXES)
        and not any(code in line for code in printed)
    )


@dataclass(frozen=True)
class KnownData:
    """What the case says about the people and bodies a decision names, for ``redact``."""

    persons: list[str]  # natural-person parties: masked
    addresses: list[str]  # their addresses: masked
    organisations: list[str]  # organisation parties and the agency: public
    public: list[str]  # handlers' names, officers' 执法证 numbers, the agency's address, phone

    def redact(self, text: str) -> Redaction:
        return redact(
            text,
            persons=self.persons,
            addresses=self.addresses,
            organisations=self.organisations,
            public=self.public,
        )


def _known(publication: Publication) -> KnownData:
    """What may be shown and what must be masked, for a case's decision or a recorded act."""
    if publication.case is not None:
        return _people(publication.case)
    act = publication.permit or publication.act
    if act is None:  # the table's CHECK makes this impossible
        raise PublicationRefused("该公示没有对应的决定。", log_message=f"{publication.pk} orphan")
    person = act.party_type == PartyType.PERSON
    return KnownData(
        persons=[act.party_name] if person else [],
        addresses=[],
        organisations=[act.agency.name, *([] if person else [act.party_name])],
        public=[value for value in (act.agency.address, act.agency.phone) if value],
    )


def _people(case: Case) -> KnownData:
    parties = list(case.parties.all())
    agency = case.agency
    handlers = list(case.handlers.select_related("unit"))
    units = {officer.unit for officer in handlers}
    # Any officer of the agency may be named in a decision (送达人, 记录人 …) with his 执法证号.
    certificates = Certificate.objects.filter(officer__unit__agency_id=agency.pk).values_list(
        "number", flat=True
    )
    public = [
        agency.address,
        agency.phone,
        *(officer.name for officer in handlers),
        *certificates,
        *(value for unit in units for value in (unit.address, unit.phone)),
    ]
    return KnownData(
        persons=[p.name for p in parties if p.kind == PartyKind.PERSON],
        addresses=[p.address for p in parties if p.kind == PartyKind.PERSON],
        organisations=[
            *(p.name for p in parties if p.kind == PartyKind.ORGANISATION),
            agency.name,
        ],
        public=[value for value in public if value],
    )


def publication_draft(publication: Publication) -> Draft:
    """The text the public would see: the decision's full text (一般程序) or the structured
    fields, with natural persons' data taken out (DESIGN.md rule 5)."""
    case = publication.case
    source = None
    if publication.full_text and case is not None:
        source = (
            CaseDocument.objects.filter(case_id=case.pk, kind__in=DECISION_DOCUMENTS)
            .order_by("-created_at", "-pk")
            .first()
        )
        if source is None:
            raise PublicationRefused(
                "本案须全文公示行政处罚决定书，请先制作决定书。",
                log_message=f"publication {publication.pk}: no decision document",
            )
        original = _docx_text(source)
    else:
        original = "\n".join(f"{k}：{v}" for k, v in publication.fields.items() if v)
    result = _known(publication).redact(original)
    text = strip_bidi(result.text)  # no bidirectional override reaches the public
    return Draft(text, sha256_hex(text.encode("utf-8")), result, source)


def _may_confirm(actor: Officer, publication: Publication) -> None:
    if not (actor.has_role(Role.HEAD) or actor.has_role(Role.REVIEWER)):
        raise PublicationRefused(
            "公示审核由负责人或法制审核人员办理。", log_message=f"{actor.pk} may not confirm"
        )
    if publication.case is not None and publication.case.handlers.filter(pk=actor.pk).exists():
        raise PublicationRefused(
            "本案承办人不得审核本案的公示内容。", log_message=f"{actor.pk} handled the case"
        )


def _locked_for(actor: Officer, publication_id: int) -> Publication:
    """The publication, locked for this transaction, if ``actor`` may act on it."""
    in_reach = Publication.objects.visible_to(actor, PublicationAction.ACT)
    publication = in_reach.select_for_update().filter(pk=publication_id).first()
    if publication is None:  # the same answer for a record of another agency as for none
        raise PublicationRefused(
            "未找到该公示，或您无权办理。", log_message=f"publication {publication_id} not in reach"
        )
    _may_confirm(actor, publication)
    return publication


def _findings_json(redaction: Redaction) -> list[dict[str, object]]:
    # Where and what kind — never the personal data itself.
    return [
        {"kind": f.kind, "start": f.start, "end": f.end, "replacement": f.replacement}
        for f in redaction.findings
    ]


def _publish_version(
    publication: Publication, actor: Officer, text: str, findings: list[dict[str, object]],
    source: CaseDocument | None, reason: str, verb: str,
) -> PublicationVersion:  # fmt: skip
    number = publication.versions.count() + 1
    digest = sha256_hex(text.encode("utf-8"))
    version = PublicationVersion.objects.create(
        publication=publication, number=number, text=text, sha256=digest,
        source_document=source, findings=findings, reason=reason, confirmed_by=actor,
    )  # fmt: skip
    now = timezone.now()
    publication.public_text, publication.public_sha256 = text, digest
    publication.status = PublicationStatus.PUBLISHED
    publication.published_at = publication.published_at or now
    publication.search_tokens = publication_tokens(publication)
    publication.save(
        update_fields=["public_text", "public_sha256", "status", "published_at", "search_tokens"]
    )
    publication_text_published(
        publication, actor.ledger_actor, DisclosureEvent.named(f"disclosure.publication.{verb}")
    )
    event = DeliveryEvent.PUBLISH if verb == "published" else DeliveryEvent.CORRECT
    push.enqueue(publication, event, version)  # the outbox, in this same transaction
    return version


def publication_confirm(*, actor: Officer, publication_id: int, draft_sha256: str) -> Publication:
    """公示审核: the person confirms the redacted rendering they saw; it is published."""
    with transaction.atomic():
        publication = _locked_for(actor, publication_id)
        if publication.status != PublicationStatus.PENDING:
            raise PublicationRefused(
                f"该公示当前为“{publication.get_status_display()}”，不能再次发布；如有错误请更正。",
                log_message=f"publication {publication.pk} is {publication.status}",
            )
        if publication.withdrawal_occurred_on is not None:
            raise PublicationRefused(
                f"该决定已于 {publication.withdrawal_occurred_on:%Y年%m月%d日} "
                f"{publication.get_withdrawal_reason_display()}，不能再公示原决定；"
                "如依法不予公示，请由负责人写明理由。",
                log_message=f"publication {publication.pk}: decision fell before publishing",
            )
        draft = publication_draft(publication)
        if draft.sha256 != draft_sha256:
            raise PublicationRefused(
                "公示内容在您核对后发生了变化，请重新核对后再发布。",
                log_message=f"publication {publication.pk}: draft changed",
            )
        _publish_version(
            publication, actor, draft.text, _findings_json(draft.redaction), draft.source, "",
            "published",
        )  # fmt: skip
    # Anchor the public text in a signed tree head now, so its proof can be checked at once.
    tree_head_sign()
    logger.info("publication %s published by officer %s", publication.pk, actor.pk)
    return publication


def publication_correct(
    *, actor: Officer, publication_id: int, text: str, reason: str
) -> Publication:
    """更正: published information found wrong is replaced by a corrected text (a new version)."""
    if not reason.strip() or not text.strip():
        raise PublicationRefused("请填写更正后的内容和更正理由。", log_message="correction empty")
    with transaction.atomic():
        publication = _locked_for(actor, publication_id)
        if publication.status != PublicationStatus.PUBLISHED:
            raise PublicationRefused(
                "只有已公示的内容可以更正。", log_message=f"publication {publication.pk} not live"
            )
        leftover = [
            f
            for f in _known(publication).redact(text).findings
            if f.original != f.replacement  # e.g. a name already written as 王某
        ]
        if leftover:
            kinds = "、".join(sorted({f.kind for f in leftover}))
            raise PublicationRefused(
                f"更正后的内容仍含有应当隐去的个人信息（{kinds}），请删除后再提交。",
                log_message=f"publication {publication.pk}: correction not redacted",
            )
        _publish_version(
            publication, actor, strip_bidi(text.strip()), [], None, reason.strip(), "corrected"
        )
    tree_head_sign()
    return publication


def publication_withdraw(
    *,
    actor: Officer,
    publication_id: int,
    reason: str,
    statement: str,
    occurred_on: date,
) -> Publication:
    """撤下 (行政处罚法第四十八条第二款): within three working days of the decision's fall,
    leaving a public statement of why in place of the content."""
    if reason not in WithdrawalReason.values:
        raise PublicationRefused("请选择撤下原因。", log_message=f"bad reason {reason!r}")
    if not statement.strip():
        raise PublicationRefused("请填写向社会公开的撤下说明。", log_message="no statement")
    today = timezone.localdate()
    if occurred_on > today:
        raise PublicationRefused("决定被撤销、变更或确认的日期不能晚于今天。", log_message="future")
    with transaction.atomic():
        publication = _locked_for(actor, publication_id)
        if publication.status != PublicationStatus.PUBLISHED:
            raise PublicationRefused(
                "只有已公示的内容可以撤下。", log_message=f"publication {publication.pk} not live"
            )
        if publication.withdrawal_occurred_on is not None:
            # Recorded from the 复议决定 or judgment: the three days run from that day.
            occurred_on = min(occurred_on, publication.withdrawal_occurred_on)
        publication.status = PublicationStatus.WITHDRAWN
        publication.withdrawal_reason = reason
        publication.withdrawal_statement = strip_bidi(statement.strip())
        publication.withdrawal_occurred_on = occurred_on
        withdrawal_due = get_calendar().add_workdays_provisional(
            occurred_on, WITHDRAWAL_PERIOD_DAYS
        )
        publication.withdrawal_due_on = withdrawal_due.on
        publication.withdrawn_at = timezone.now()
        publication.search_tokens = publication_tokens(publication)  # the title only
        publication.save()
        provisional_deadline_note(
            instance=publication, field="withdrawal_due_on", start=occurred_on,
            workdays=WITHDRAWAL_PERIOD_DAYS, due=withdrawal_due, actor=actor.ledger_actor,
            agency_id=publication.agency_id,
        )  # fmt: skip
        _record(
            publication,
            actor.ledger_actor,
            "withdrawn",
            {
                "reason": reason,
                "statement": publication.withdrawal_statement,
                "occurred_on": occurred_on.isoformat(),
            },
        )
        push.enqueue(publication, DeliveryEvent.WITHDRAW)
    return publication


def publication_exempt(*, actor: Officer, publication_id: int, reason: str) -> Publication:
    """依法不予公示 (e.g. the party is a minor, or state or trade secrets), with the reason."""
    if not reason.strip():
        raise PublicationRefused("请写明不予公示的理由和依据。", log_message="no exempt reason")
    with transaction.atomic():
        publication = _locked_for(actor, publication_id)
        if not actor.has_role(Role.HEAD):
            raise PublicationRefused("不予公示须经负责人决定。", log_message="exempt not head")
        if publication.status != PublicationStatus.PENDING:
            raise PublicationRefused("该公示已处理。", log_message="exempt after publishing")
        publication.status = PublicationStatus.EXEMPT
        publication.exempt_reason = reason.strip()[:300]
        publication.save(update_fields=["status", "exempt_reason"])
        _record(publication, actor.ledger_actor, "exempted", {"reason": publication.exempt_reason})
    return publication


def publication_credit_set(
    *, actor: Officer, publication_id: int, severity: str, reason: str
) -> Publication:
    """Change a penalty's 失信程度 and so its 公示截止期 (a head or reviewer, with reasons)."""
    if severity not in SEVERITY_LABELS:
        raise PublicationRefused("请选择失信程度。", log_message=f"severity {severity!r}")
    reason = reason.strip()
    if not reason:
        raise PublicationRefused("请写明认定失信程度的理由。", log_message="no reason")
    with transaction.atomic():
        publication = _locked_for(actor, publication_id)
        if publication.kind != ActKind.PENALTY:
            raise PublicationRefused(
                "只有行政处罚信息有信用公示期限。", log_message=f"{publication.pk} not a penalty"
            )
        term = credit_term(publication.decided_on, severity)
        publication.credit_severity = term.severity
        publication.credit_until = term.until
        publication.credit_basis = term.basis[:300]
        publication.save(update_fields=["credit_severity", "credit_until", "credit_basis"])
        if publication.status == PublicationStatus.PUBLISHED:
            # Platforms hold the old 公示截止期: tell them (outbox, same transaction).
            push.enqueue(publication, DeliveryEvent.UPDATE, publication.versions.last())
        _record(
            publication,
            actor.ledger_actor,
            "credit_set",
            {
                "severity": term.severity,
                "until": term.until.isoformat() if term.until else None,
                "reason": reason,
            },
        )
    logger.info("publication %s credit severity set to %s", publication.pk, severity)
    return publication


# --- 行政执法统计年报 -------------------------------------------------------------------------


def annual_snapshot(figures: AnnualFigures) -> tuple[str, str]:
    """The figures as canonical JSON text and its SHA-256: what a head confirms and publishes."""
    data = canonical_json(figures.to_json())
    return data.decode("utf-8"), sha256_hex(data)


def report_publish(*, actor: Officer, agency: Agency, year: int, seen_sha256: str) -> AnnualReport:
    """公开上年度行政执法总体情况 (by 31 January; 陕西省指标体系第（43）项): a 负责人 of the agency
    confirms the figures he saw; they are frozen as a snapshot whose SHA-256 is in the ledger."""
    if not actor.is_active or actor.unit.agency_id != agency.pk or not actor.has_role(Role.HEAD):
        raise PublicationRefused(
            "统计年报须经本机关负责人确认后公开。",
            log_message=f"officer {actor.pk} may not publish the report of agency {agency.pk}",
        )
    today = timezone.localdate()
    if year >= today.year:
        raise PublicationRefused(
            f"{year}年度尚未结束，年报只能在次年公开。", log_message=f"report {year} not over"
        )
    figures = annual_figures(agency=agency, year=year, today=today)
    text, digest = annual_snapshot(figures)
    if digest != seen_sha256:
        raise PublicationRefused(
            "统计数据在您核对后发生了变化，请重新核对后再公开。",
            log_message=f"annual report {agency.pk}/{year}: figures changed",
        )
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        if AnnualReport.objects.filter(agency=agency, year=year).exists():
            raise PublicationRefused(
                f"{year}年度统计年报已经公开，不能再次公开。",
                log_message=f"annual report {agency.pk}/{year} exists",
            )
        report = AnnualReport.objects.create(
            agency=agency, year=year, snapshot=text, sha256=digest, published_by=actor
        )
        annual_report_published(report, actor.ledger_actor)
    tree_head_sign()
    logger.info("annual report %s/%s published by officer %s", agency.pk, year, actor.pk)
    return report
