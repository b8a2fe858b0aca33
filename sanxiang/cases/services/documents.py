"""Generating a case's documents (文书) and opening them again, each recorded in the ledger."""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.document_inputs import InputError, inputs_clean
from sanxiang.cases.documents import (
    EVIDENCE_LISTING_KINDS,
    EVIDENTIAL_DOCUMENTS,
    KINDS,
    PARTY_KINDS,
    context_for,
    document_refusal,
    inputs_refusal,
    is_available,
    render_docx,
)
from sanxiang.cases.events import (
    CaseEvent,
    document_downloaded,
    document_generated,
    document_inputs_sha256,
)
from sanxiang.cases.models import Case, CaseDocument, evidence_reference
from sanxiang.cases.no_penalty import decision_fields as no_penalty_decision_fields
from sanxiang.cases.notified import notice_fields
from sanxiang.cases.party_access import code_display, party_code_current, party_code_ensure
from sanxiang.cases.pdf import document_pdf_ensure
from sanxiang.cases.reasoning import reasoning_text
from sanxiang.cases.selectors import case_get_for
from sanxiang.cases.services._common import CaseRefused, _case_for_update, _snapshot_sha256
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.background import enqueue
from sanxiang.core.selectors import get_calendar
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.storage import blob_name, open_blob, store_blob
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Officer


def _document_checks(case: Case, actor: Officer, kind: str) -> None:
    if not case_allows(actor, CaseAction.CHANGE, case):
        raise CaseRefused(
            "只有本案承办人或负责人可以制作文书。", log_message=f"{actor.pk} not handler"
        )
    if not is_available(kind, case):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，不能制作{KINDS[kind].label}。",
            log_message=f"case {case.pk} state {case.state}: no {kind}",
        )
    refusal = document_refusal(kind, case)
    if refusal is not None:
        raise CaseRefused(f"{refusal}。", log_message=f"case {case.pk}: {kind} refused")


# kind -> (the document it copies from, (input, value if absent) …, where its 核验码 goes):
# 行政强制法第二十四条, the 清单 names what the 决定书 names; 行政处罚法第四十五条, the 复核意见
# answers the points of the 陈述申辩笔录.
COPIED_FROM: dict[str, tuple[str, tuple[tuple[str, Any], ...], str]] = {
    "seizure_list": ("seizure_decision", (("items", []), ("measure", "")), "decision_code"),
    "statement_review": ("statement_record", (("points", ""),), "statement_code"),
}


def _document_fields(
    case: Case, kind: str, inputs: Mapping[str, str], today: date
) -> dict[str, Any]:
    """The validated inputs, with what the document copies from an earlier one."""
    try:
        fields = inputs_clean(kind, inputs, today=today)
    except InputError as exc:
        raise CaseRefused(exc.message, log_message=exc.log_message) from exc
    if kind == "decision" and not fields.get("reasoning"):
        fields["reasoning"] = reasoning_text(case)
    refusal = inputs_refusal(kind, case, fields, today=today, calendar=get_calendar())
    if refusal is not None:
        raise CaseRefused(f"{refusal}。", log_message=f"case {case.pk}: {kind} inputs refused")
    # What the document repeats from the latest version of another, with that one's 核验码.
    copied = COPIED_FROM.get(kind)
    if copied is not None:
        source_kind, names, code_field = copied
        source = (
            CaseDocument.objects.filter(case=case, kind=source_kind).order_by("-version").first()
        )
        if source is not None:
            for name, empty in names:
                fields[name] = source.fields.get(name, empty)
            fields[code_field] = source.verification_code
    if kind == "no_penalty_decision":
        fields.update(no_penalty_decision_fields(case))
    if kind == "advance_notice":
        # The 情节 the party is told of, so a later change against him is seen (cases.notified).
        fields.update(notice_fields(case))
    return fields


def _same_version(
    case: Case, kind: str, fields: dict[str, Any], snapshot: str
) -> CaseDocument | None:
    """The latest version of ``kind`` if it was made from this very case and these inputs — and,
    for a document printed with the party's 查询码, before no newer code was issued."""
    latest = CaseDocument.objects.filter(case=case, kind=kind).order_by("-version").first()
    if latest is None or latest.case_snapshot_sha256 != snapshot:
        return None
    if document_inputs_sha256(latest.fields) != document_inputs_sha256(fields):
        return None
    # The evidence a decision or notice lists (documents.evidence_summary) is not part of the
    # case's snapshot: evidence registered or an evidential document made since is new content.
    if kind in EVIDENCE_LISTING_KINDS and (
        EvidenceItem.objects.filter(
            case_number=evidence_reference(case),
            agency_id=case.agency_id,
            created_at__gt=latest.created_at,
        ).exists()
        or case.documents.filter(
            kind__in=EVIDENTIAL_DOCUMENTS, created_at__gt=latest.created_at
        ).exists()
    ):
        return None
    if kind in PARTY_KINDS and case.number:
        current = party_code_current(case.pk)
        if current is None or current.issued_at > latest.created_at:
            return None
    return latest


def document_generate(
    *, actor: Officer, case_id: int, kind: str, inputs: Mapping[str, str] | None = None
) -> CaseDocument:
    """Render a document from the case as it is now and the inputs typed for it (validated per
    kind, ``document_inputs``), store Word and PDF, record the version and its inputs' hash.

    Idempotent per input: asked again for the same kind, with the same inputs, of a case that
    has not changed (a double click on 生成决定书, a retried request), it returns the version
    already made — one document, one 核验码 — and records nothing new.

    Rendering happens before the transaction, so the case row is locked only briefly; inside
    it the case must still be as it was rendered. The PDF (LibreOffice, seconds) is made after
    the answer, in the background, or by the first reader who needs it (``document_pdf_ensure``).
    """
    if kind not in KINDS:
        raise CaseRefused("没有这种文书。", log_message=f"unknown document kind {kind!r}")
    case = case_get_for(actor, case_id)
    _document_checks(case, actor, kind)
    fields = _document_fields(case, kind, inputs or {}, timezone.localdate())
    rendered_from = _snapshot_sha256(case)
    existing = _same_version(case, kind, fields, rendered_from)
    if existing is not None:
        return existing
    code = secrets.token_hex(6)
    # The 负责人 who approved: who took 立案 (立案审批表) or 结案 (结案审批表).
    head = case.closed_by if kind == "closing_approval" else case.registered_by
    approver = head.name if head else ""
    # Documents for the party print his 查询码 (issued with the first of them).
    party_code = (
        party_code_ensure(actor=actor, case_id=case.pk).code
        if kind in PARTY_KINDS and case.number
        else ""
    )
    context = context_for(
        case,
        verification_code=code,
        approver=approver,
        kind=kind,
        fields=fields,
        party_code=code_display(party_code) if party_code else "",
    )
    docx = render_docx(KINDS[kind], context)
    docx_sha256 = sha256_hex(docx)
    store_blob(io.BytesIO(docx), docx_sha256)
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _document_checks(case, actor, kind)
        if _snapshot_sha256(case) != rendered_from:
            raise CaseRefused(
                "生成文书期间案件信息发生了变化，请重新生成。",
                log_message=f"case {case.pk} changed while rendering {kind}",
            )
        current = party_code_current(case.pk) if party_code else None
        if party_code and (current is None or current.code != party_code):
            raise CaseRefused(
                "生成文书期间查询码已重新签发，请重新生成。",
                log_message=f"case {case.pk}: party code reissued while rendering {kind}",
            )
        existing = _same_version(case, kind, fields, rendered_from)
        if existing is not None:  # the same request won the race: its version stands
            return existing
        version = CaseDocument.objects.filter(case=case, kind=kind).count() + 1
        document = CaseDocument.objects.create(
            case=case,
            kind=kind,
            version=version,
            docx_sha256=docx_sha256,
            verification_code=code,
            fields=fields,
            case_snapshot_sha256=rendered_from,
            created_by=actor,
        )
        document_generated(document, actor)
        document_id = document.pk
        enqueue("cases.document_pdf", document_id=document_id)
    return document


def document_fields_sha256(fields: dict[str, Any]) -> str:
    return document_inputs_sha256(fields)


def document_open(*, actor: Officer, document_id: int, form: str) -> tuple[CaseDocument, bytes]:
    """The bytes of a stored document version; each download is recorded."""
    document = (
        CaseDocument.objects.select_related("case")
        .filter(pk=document_id, case__in=Case.objects.visible_to(actor, CaseAction.VIEW))
        .first()
    )
    if document is None:
        raise CaseRefused(
            "未找到该文书，或您无权查看。", log_message=f"document {document_id} not for {actor.pk}"
        )
    if form == "pdf":
        document = document_pdf_ensure(document.pk)
    digest = document.pdf_sha256 if form == "pdf" else document.docx_sha256
    with transaction.atomic():
        document_downloaded(document, actor.ledger_actor, CaseEvent.DOCUMENT_DOWNLOADED, digest)
    with open_blob(blob_name(digest)) as handle:
        return document, handle.read()
