"""负责人审批的电子签名: what a head signs when he approves a step, and the check of it.

The server proposes a text naming the case, its number, the step, the state it is in and the
SHA-256 of what the case proposes to decide (``proposal_sha256``), with the time it was issued.
The head's browser signs it with his own key (``org.signatures``); the step is taken only if the
text still describes the case exactly and the signature verifies. The signed text and signature
are kept (append-only) and anchored in the ledger, so the approval can be checked later without
trusting the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sanxiang.cases.events import approval_signed, proposal_sha256, signature_digest
from sanxiang.cases.models import ApprovalSignature, Case, CaseRules
from sanxiang.cases.workflow.definitions import HEAD, PROCEDURES
from sanxiang.cases.workflow.engine import Transition
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.org.models import Officer
from sanxiang.org.signatures import signature_check, signature_valid

# How long a proposed text stays signable: long enough to read it, short enough that it cannot
# be held back and used later.
FRESH_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Signed:
    """What the browser sends back: the proposed text, unchanged, and its signature."""

    text: str
    signature: str


class ApprovalSignatureRefused(DomainError):
    """The approval's signature is missing, stale, for another step, or does not verify."""


def is_approval(transition: Transition) -> bool:
    """A step only a 负责人 takes (立案, 决定, 批准 …) is an approval."""
    return transition.roles == HEAD


def signatures_required(case: Case) -> bool:
    rules = CaseRules.objects.filter(agency_id=case.agency_id).first()
    return bool(rules and rules.approvals_signed)


def _facts(case: Case, action: str, actor: Officer) -> dict[str, object]:
    definition = PROCEDURES[case.procedure]
    return {
        "执法主体": case.agency.name,
        "案件": case.pk,
        "案件编号": case.number or "",
        "案由": case.title,
        "环节": definition.transition(action).label,
        "环节代码": action,
        "当前状态": definition.states.get(case.state, case.state),
        "拟决定内容SHA-256": proposal_sha256(case),
        "审批人": actor.name,
        "审批人编号": actor.pk,
    }


def approval_text(case: Case, action: str, actor: Officer, *, now: datetime | None = None) -> str:
    """The text the head's browser signs for taking ``action`` on ``case`` now."""
    issued = (now or timezone.now()).astimezone(timezone.get_current_timezone())
    facts = {**_facts(case, action, actor), "签发时间": issued.isoformat(timespec="seconds")}
    return canonical_json(facts).decode("utf-8")


def approval_sign_check(case: Case, action: str, actor: Officer, signed: Signed | None) -> None:
    """Refuse unless ``signed`` is the head's valid signature of this very step, now."""
    if signed is None or not signed.text or not signed.signature:
        raise ApprovalSignatureRefused(
            "本机关规定负责人审批须电子签名，请在登记了签名密钥的浏览器上签名后办理。",
            log_message=f"case {case.pk}: {action} without signature",
        )
    try:
        facts = json.loads(signed.text)
        issued = datetime.fromisoformat(facts.pop("签发时间"))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ApprovalSignatureRefused(
            "签名内容无法识别，请刷新页面后重新签名。",
            log_message=f"case {case.pk}: unreadable signed text",
        ) from None
    if facts != _facts(case, action, actor):
        raise ApprovalSignatureRefused(
            "案件在您签名后发生了变化（或签名的不是本环节），请刷新页面核对后重新签名。",
            log_message=f"case {case.pk}: signed text no longer describes {action}",
        )
    now = timezone.now()
    if issued.tzinfo is None or not (now - FRESH_FOR <= issued <= now + timedelta(minutes=1)):
        raise ApprovalSignatureRefused(
            "签名内容已过期，请刷新页面后重新签名。",
            log_message=f"case {case.pk}: signed text issued at {issued}",
        )
    key = signature_check(officer=actor, text=signed.text, signature_b64=signed.signature)
    record = ApprovalSignature.objects.create(
        case=case,
        action=action,
        officer=actor,
        key=key,
        text=signed.text,
        signature=signed.signature.strip(),
    )
    approval_signed(record, actor)


def register_signature_check() -> None:
    """``sanxiang ledger verify`` re-checks each stored signature and its event."""
    from typing import Any

    from sanxiang.ledger.content import batch_key, register_event_check

    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        batch = cache.get(batch_key("cases.approvalsignature"))
        if batch is not None:
            record = batch.get(entry.object_id)
        else:
            record = (
                ApprovalSignature.objects.select_related("key").filter(pk=entry.object_id).first()
            )
        if record is None:
            return f"approval signature {entry.object_id} no longer exists"
        if signature_digest(record) != entry.content_sha256:
            return f"approval signature {record.pk} no longer matches its event"
        if not signature_valid(record.key.public_key, record.text, record.signature):
            return f"approval signature {record.pk} does not verify with its key"
        return None

    def prefetch(entries: list[Any]) -> dict[str, ApprovalSignature]:
        ids = {entry.object_id for entry in entries}
        records = ApprovalSignature.objects.select_related("key").filter(pk__in=ids)
        return {str(record.pk): record for record in records}

    register_event_check("cases.approvalsignature", check, prefetch=prefetch)
