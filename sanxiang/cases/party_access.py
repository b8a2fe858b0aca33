"""当事人查询: a party sees his own case on the portal after verification (DESIGN.md rule 6).

The party types the case number and the case's 查询码, printed on every document handed to him
(``documents.PARTY_KINDS``). A match grants a short session in which he sees the case's state,
its dates, and the documents handed to him, and downloads their PDFs; each view and download
is a ledger event whose actor is ``party:case:<id>`` (the case, never a name: rule 3).

Guessing is made useless three ways: the code has 50 random bits; failures are counted in the
database per typed case number and per client address (so all server processes agree), and
past the limits further tries are refused for the rest of the hour; and an unknown case number
and a wrong code get the same answer, after the same constant-time comparison, so the portal
does not tell which numbers exist. Counting before writing is not atomic: a burst of parallel
requests may get a few extra guesses in, which against 2**50 codes changes nothing.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.documents import KINDS, PARTY_KINDS
from sanxiang.cases.events import (
    CaseEvent,
    document_downloaded,
    lockout_cleared,
    party_code_issued,
    party_viewed,
)
from sanxiang.cases.models import (
    Case,
    CaseDocument,
    CaseRules,
    PartyQueryAttempt,
    PartyQueryCode,
    QueryOutcome,
)
from sanxiang.cases.pdf import document_pdf_ensure
from sanxiang.cases.workflow.definitions import HEARING_REQUEST_DEADLINE, PROCEDURES
from sanxiang.core.identifiers import case_number_normalise
from sanxiang.core.selectors import get_calendar
from sanxiang.errors import DomainError
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.services import actor_for
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)

# 32 symbols without 0/O and 1/I, so a code read off paper is typed right: 10 of them are
# 50 bits, shown as two groups of five (ABCDE-FGHJK).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# Failures in the last WINDOW that refuse further tries, per case number and per address.
WINDOW = timedelta(hours=1)
FAILURES_PER_NUMBER = 5
FAILURES_PER_ADDRESS = 20
# How long a successful verification lets the browser see the case.
GRANT = timedelta(minutes=30)

NO_MATCH = (
    "案件编号或查询码不正确。请核对送达给您的文书上“案件查询”一栏的案件编号和查询码；"
    "查询码遗失的，请联系办案机关重新签发。"
)


class PartyCodeRefused(DomainError):
    """An officer may not issue a 查询码 for this case now."""


class PartyQueryRefused(DomainError):
    """A query the portal answers with a refusal (wrong, unknown, or too many tries)."""


def party_actor(case_id: int) -> str:
    """The ledger actor of a verified party: the case he verified for, no personal data."""
    return f"party:case:{case_id}"


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_display(code: str) -> str:
    """ABCDEFGHJK → ABCDE-FGHJK, as printed."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_normalise(raw: str) -> str:
    """What was typed, as stored: full-width forms, spaces, hyphens and case do not matter."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())[:32]


def number_normalise(raw: str) -> str:
    """A typed case number as stored (brackets of any kind become 〔〕, spaces go)."""
    return case_number_normalise(raw)


# --- issuing (officers) -----------------------------------------------------------------------


def _case_for_code(case_id: int, actor: Officer) -> Case:
    in_reach = Case.objects.visible_to(actor, CaseAction.ACT)
    case = in_reach.select_for_update().filter(pk=case_id).first()
    if case is None or not actor.is_active:
        raise PartyCodeRefused(
            "未找到该案件，或您无权办理。", log_message=f"case {case_id} not for {actor.pk}"
        )
    if not case_allows(actor, CaseAction.CHANGE, case):
        raise PartyCodeRefused(
            "只有本案承办人或负责人可以签发查询码。", log_message=f"{actor.pk} not handler"
        )
    if not case.number:
        raise PartyCodeRefused(
            "案件编号后才能签发查询码（当事人凭案件编号和查询码查询）。",
            log_message=f"case {case.pk} has no number",
        )
    return case


def _issue(case: Case, actor: Officer, action: str) -> PartyQueryCode:
    issued = PartyQueryCode.objects.create(case=case, code=code_generate(), issued_by=actor)
    party_code_issued(case, actor, CaseEvent.named(f"cases.case.{action}"), issued.pk)
    logger.info("case %s: party query code %s %s by officer %s", case.pk, issued.pk, action,
                actor.pk)  # fmt: skip
    return issued


def party_code_current(case_id: int) -> PartyQueryCode | None:
    return PartyQueryCode.objects.filter(case_id=case_id, revoked_at__isnull=True).first()


def party_code_ensure(*, actor: Officer, case_id: int) -> PartyQueryCode:
    """The case's 查询码, issued now if it has none (the first document for the party).

    The case row is locked (SQLite: the whole database), so two requests never both issue.
    """
    with transaction.atomic():
        case = _case_for_code(case_id, actor)
        current = party_code_current(case.pk)
        return current or _issue(case, actor, "party_code_issued")


def party_code_reissue(*, actor: Officer, case_id: int) -> PartyQueryCode:
    """重新签发: the current code stops working at once; documents made from now on print the
    new one, which the officer gives the party in writing after checking who he is."""
    with transaction.atomic():
        case = _case_for_code(case_id, actor)
        now = timezone.now()
        revoked = PartyQueryCode.objects.filter(case=case, revoked_at__isnull=True).update(
            revoked_at=now
        )
        issued = _issue(case, actor, "party_code_reissued" if revoked else "party_code_issued")
    return issued


# --- verifying (the portal) -------------------------------------------------------------------


@dataclass(frozen=True)
class PartyGrant:
    """What a match allows until ``expires_at``: the case, while the code matched stays current
    (a re-issue ends the grants of the old code too)."""

    case_id: int
    code_id: int
    expires_at: datetime


def _retry_at(rows: list[datetime], limit: int) -> datetime | None:
    """When the count of failures in the window drops below ``limit`` again, if it is reached."""
    if len(rows) < limit:
        return None
    return sorted(rows)[len(rows) - limit] + WINDOW


def party_query_verify(*, number: str, code: str, client_ip: str) -> PartyGrant:
    """Check a typed case number and 查询码; every try is recorded, failures count."""
    number, typed = number_normalise(number), code_normalise(code)
    client_ip = (client_ip or "unknown")[:45]
    now = timezone.now()
    failures = PartyQueryAttempt.objects.filter(
        outcome=QueryOutcome.FAILED, at__gt=now - WINDOW, cleared_at__isnull=True
    )
    waits = [
        _retry_at(
            list(failures.filter(case_number=number).values_list("at", flat=True)),
            FAILURES_PER_NUMBER,
        ),
        _retry_at(
            list(failures.filter(client_ip=client_ip).values_list("at", flat=True)),
            FAILURES_PER_ADDRESS,
        ),
    ]
    retry = max((w for w in waits if w is not None), default=None)
    case = Case.objects.filter(number=number).only("pk", "agency_id").first() if number else None
    if retry is not None:
        PartyQueryAttempt.objects.create(
            client_ip=client_ip, case_number=number, case=case, outcome=QueryOutcome.THROTTLED
        )
        local = timezone.localtime(retry)
        same_day = local.date() == timezone.localdate()
        when = f"{local:%H:%M}" if same_day else f"{local:%m月%d日 %H:%M}"
        logger.warning("party query throttled: number %r from %s until %s", number, client_ip,
                       retry.isoformat())  # fmt: skip
        raise PartyQueryRefused(
            f"查询失败次数过多，请于 {when} 后再试。",
            log_message=f"party query throttled for {number!r} from {client_ip}",
        )
    # The same work whether or not the case and its code exist, so the answer's timing does
    # not tell which numbers exist: the same code query (for no case, an id no row has), a
    # decoy code drawn every time, the same constant-time comparison, the same insert.
    current = party_code_current(case.pk if case is not None else 0)
    decoy = code_generate()
    expected = current.code if current is not None else decoy
    matched = hmac.compare_digest(expected.encode(), typed.encode()) and current is not None
    PartyQueryAttempt.objects.create(
        client_ip=client_ip,
        case_number=number,
        case=case,
        outcome=QueryOutcome.SUCCEEDED if matched else QueryOutcome.FAILED,
    )
    if not matched or case is None or current is None:
        logger.warning(
            "party query failed: number %r (%s) from %s", number,
            f"case {case.pk}" if case else "no such case", client_ip,
        )  # fmt: skip
        raise PartyQueryRefused(NO_MATCH, log_message=f"party query failed for {number!r}")
    logger.info("party query succeeded: case %s from %s", case.pk, client_ip)
    return PartyGrant(case_id=case.pk, code_id=current.pk, expires_at=now + GRANT)


def party_query_lockout_clear(*, actor: AbstractBaseUser, attempt_ids: list[int]) -> int:
    """An administrator lifts the 当事人查询 limits behind the chosen tries.

    The failures of the last hour for each chosen try's case number and client address stop
    counting (``cleared_at``; the rows stay as the record of the tries). One ledger event per
    chosen try, naming the attempts it cleared. Returns how many failures were cleared.
    """
    now = timezone.now()
    cleared = 0
    with transaction.atomic():
        chosen = list(
            PartyQueryAttempt.objects.select_for_update(of=("self",))
            .filter(pk__in=attempt_ids)
            .select_related("case")
            .order_by("pk")
        )
        for attempt in chosen:
            failures = PartyQueryAttempt.objects.filter(
                Q(case_number=attempt.case_number) | Q(client_ip=attempt.client_ip),
                outcome=QueryOutcome.FAILED,
                at__gt=now - WINDOW,
                cleared_at__isnull=True,
            )
            ids = sorted(failures.values_list("pk", flat=True))
            failures.filter(pk__in=ids).update(cleared_at=now)
            cleared += len(ids)
            lockout_cleared(attempt, actor_for(actor), ids)
    logger.info("party query limits cleared by user %s: attempts %s, %s failures", actor.pk,
                attempt_ids, cleared)  # fmt: skip
    return cleared


# --- what the party sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class PartyDate:
    label: str
    day: date
    note: str = ""
    provisional: bool = False  # 暂定: counted weekends only into a year not yet entered


@dataclass(frozen=True)
class PartyDocument:
    id: int
    label: str
    version: int
    issued_on: date
    verification_code: str
    pdf_sha256: str


@dataclass(frozen=True)
class PartyCase:
    id: int
    number: str
    title: str
    agency: str
    procedure: str
    state: str
    dates: tuple[PartyDate, ...]
    documents: tuple[PartyDocument, ...]


def _handed_over(case: Case) -> set[str]:
    """Kinds of document the party has been given: recorded in a 送达回证, or handed over by
    the step that gives it (告知, 送达, 当场处罚, 实施查封扣押)."""
    served = {
        str(fields.get("served_document", ""))
        for fields in CaseDocument.objects.filter(case=case, kind="service_proof").values_list(
            "fields", flat=True
        )
    }
    if case.notified_on:
        served.add("advance_notice")  # 行政处罚法第四十四条: the notice is the 告知
    if case.served_on:
        served.add("decision" if case.procedure == "penalty_general" else "on_spot_decision")
    if case.measure_taken_at:
        served |= {"seizure_decision", "seizure_list"}  # 行政强制法第二十四条: 当场交付
    return served & PARTY_KINDS


def _party_documents(case: Case) -> list[CaseDocument]:
    """The latest version of each document handed to the party."""
    kinds = _handed_over(case)
    latest: dict[str, CaseDocument] = {}
    for document in CaseDocument.objects.filter(case=case, kind__in=kinds).order_by("version"):
        latest[document.kind] = document
    return sorted(latest.values(), key=lambda d: (d.created_at, d.pk))


def _dates(case: Case) -> list[PartyDate]:
    dates: list[PartyDate] = []
    if case.registered_on:
        dates.append(PartyDate("立案日期", case.registered_on))
    if case.notified_on:
        dates.append(PartyDate("事先告知日期", case.notified_on))
        calendar = get_calendar()
        rules = CaseRules.objects.filter(agency_id=case.agency_id).first() or CaseRules()
        # Provisional (暂定) where the period runs into a year whose schedule is not entered:
        # shown marked, never hidden; it is never later than the real date but for 调休上班.
        statement = calendar.add_workdays_provisional(case.notified_on, rules.statement_days)
        dates.append(
            PartyDate(
                "陈述、申辩期限",
                statement.on,
                f"自告知之日起{rules.statement_days}个工作日（行政处罚法第四十五条）",
                statement.provisional,
            )
        )
        if case.hearing_right:
            hearing = HEARING_REQUEST_DEADLINE.due_provisional(case.notified_on, calendar)
            dates.append(
                PartyDate(
                    "要求听证期限",
                    hearing.on,
                    "自告知之日起5个工作日（行政处罚法第六十四条）",
                    hearing.provisional,
                )
            )
    if case.decided_on:
        dates.append(PartyDate("决定日期", case.decided_on))
    if case.served_on:
        dates.append(PartyDate("送达日期", case.served_on))
    if case.payment_due_on:
        dates.append(
            PartyDate("罚款缴纳期限", case.payment_due_on, "收到决定书之日起十五日（第六十七条）")
        )
    if case.measure_taken_at:
        dates.append(PartyDate("查封、扣押实施日期", timezone.localdate(case.measure_taken_at)))
    if case.measure_due_on:
        dates.append(PartyDate("查封、扣押期限", case.measure_due_on, "行政强制法第二十五条"))
    return dates


def _grant_holds(case_id: int, code_id: int) -> bool:
    current = party_code_current(case_id)
    return current is not None and current.pk == code_id


def party_case_view(*, case_id: int, code_id: int) -> PartyCase | None:
    """What a verified party sees of his case, or None once the code he used was re-issued;
    the view is a ledger event."""
    if not _grant_holds(case_id, code_id):
        logger.info("party grant for case %s ended: code %s re-issued", case_id, code_id)
        return None
    case = Case.objects.select_related("agency").get(pk=case_id)
    definition = PROCEDURES[case.procedure]
    shown = PartyCase(
        id=case.pk,
        number=case.number or "",
        title=case.title,
        agency=case.agency.name,
        procedure=definition.label,
        state=definition.states.get(case.state, case.state),
        dates=tuple(_dates(case)),
        documents=tuple(
            PartyDocument(
                id=d.pk,
                label=KINDS[d.kind].label,
                version=d.version,
                issued_on=timezone.localdate(d.created_at),
                verification_code=d.verification_code,
                pdf_sha256=d.pdf_sha256,
            )
            for d in _party_documents(case)
        ),
    )
    with transaction.atomic():
        party_viewed(case, party_actor(case.pk), _plain(asdict(shown)))
    return shown


def _plain(value: Any) -> Any:
    """Dates as ISO strings, so what was shown can be hashed as canonical JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def party_document_open(
    *, case_id: int, code_id: int, document_id: int
) -> tuple[str, bytes] | None:
    """The PDF of a document handed to the party of ``case_id`` (file name and bytes), or None
    for any other document or once the code was re-issued; each download is a ledger event."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not _grant_holds(case_id, code_id):
        return None
    document = next((d for d in _party_documents(case) if d.pk == document_id), None)
    if document is None:
        logger.warning("party of case %s asked for document %s: refused", case_id, document_id)
        return None
    if not document.pdf_sha256:
        document = document_pdf_ensure(document.pk)
    with transaction.atomic():
        document_downloaded(
            document, party_actor(case.pk), CaseEvent.DOCUMENT_PARTY_DOWNLOADED, document.pdf_sha256
        )
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        data = handle.read()
    filename = f"{KINDS[document.kind].label}-{case.number}-v{document.version}.pdf"
    return filename, data
