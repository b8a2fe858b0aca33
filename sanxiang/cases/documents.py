"""Case documents (文书): Word from the templates, PDF through LibreOffice, QR to verification.

Rendering is separate from recording (``services.document_generate``): this module turns a
case into bytes; the service stores them, hashes them into the ledger and hands out the
verification code the QR code carries.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import segno
from django.utils import timezone
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from sanxiang.cases.document_inputs import INPUTS
from sanxiang.cases.gate import review_gate
from sanxiang.cases.models import Case, CaseDocument, PartyKind, evidence_reference
from sanxiang.cases.no_penalty import (
    ARTICLE_33,
    education_refusal,
    proposal_ground,
    proposal_refusal,
)
from sanxiang.cases.notified import notice_discretion_text
from sanxiang.cases.recording import recording_refusal, service_step
from sanxiang.cases.statements import IN_WRITING, WAIVED, points, replies, replies_problem
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import in_states
from sanxiang.cases.workflow.states import GeneralState
from sanxiang.core.deadlines import CalendarDays
from sanxiang.core.paper import a4_pages
from sanxiang.core.public_url import public_reverse
from sanxiang.core.scratch import CONVERSION_PREFIX, conversion_dir
from sanxiang.core.selectors import get_calendar
from sanxiang.core.workdays import CalendarYearUnknownError, WorkdayCalendar
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.org.models import Article

logger = logging.getLogger(__name__)

# Inputs of a 送达回证 that only some modes record (``delivery.MODES``).
SERVICE_DETAILS = frozenset(
    ("refusal", "witness", "tracking", "agent", "consent", "address", "medium", "unreachable")
)
TEMPLATES = Path(__file__).resolve().parent / "document_templates"


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    template: str
    basis: str


KINDS = {
    kind.code: kind
    for kind in (
        DocumentKind("registration", "立案审批表", "registration.docx", "行政处罚法第五十四条"),
        DocumentKind(
            "inspection_record", "现场检查笔录", "inspection_record.docx", "行政处罚法第五十五条"
        ),
        DocumentKind("inquiry_record", "询问笔录", "inquiry_record.docx", "行政处罚法第五十五条"),
        DocumentKind(
            "correction_order", "责令改正通知书", "correction_order.docx", "行政处罚法第二十八条"
        ),
        DocumentKind(
            "advance_notice",
            "行政处罚事先告知书",
            "advance_notice.docx",
            "行政处罚法第四十四条、第六十三条、第六十四条",
        ),
        DocumentKind(
            "statement_record", "陈述申辩笔录", "statement_record.docx", "行政处罚法第四十五条"
        ),
        DocumentKind(
            "statement_review",
            "陈述申辩复核意见",
            "statement_review.docx",
            "行政处罚法第四十五条",
        ),
        DocumentKind("hearing_notice", "听证通知书", "hearing_notice.docx", "行政处罚法第六十四条"),
        DocumentKind(
            "hearing_record", "听证笔录", "hearing_record.docx", "行政处罚法第六十四条第八项"
        ),
        DocumentKind("decision", "行政处罚决定书", "decision.docx", "行政处罚法第五十九条"),
        DocumentKind(
            "no_penalty_decision",
            "不予行政处罚决定书",
            "no_penalty_decision.docx",
            "行政处罚法第三十三条、第五十七条第一款",
        ),
        DocumentKind(
            "on_spot_decision",
            "当场行政处罚决定书",
            "on_spot_decision.docx",
            "行政处罚法第五十二条",
        ),
        DocumentKind("service_proof", "送达回证", "service_proof.docx", "行政处罚法第六十一条"),
        DocumentKind(
            "seizure_decision",
            "查封（扣押）决定书",
            "seizure_decision.docx",
            "行政强制法第十八条、第二十四条",
        ),
        DocumentKind(
            "seizure_list", "查封（扣押）清单", "seizure_list.docx", "行政强制法第二十四条"
        ),
        DocumentKind(
            "closing_approval", "结案审批表", "closing_approval.docx", "行政处罚法第四十七条"
        ),
    )
}

# Which documents each procedure calls for in each of its states, as the procedures declare
# them (workflow/definitions.py, their ``documents``): kind -> procedure -> states in which a
# user may generate (or correct) it.
AVAILABLE_IN: dict[str, dict[str, frozenset[str]]] = {}
for _code, _definition in PROCEDURES.items():
    for _kind, _states in _definition.documents.items():
        AVAILABLE_IN.setdefault(_kind, {})[_code] = _states
# Documents handed to the party (served under 行政处罚法第六十一条, or handed over on the spot
# under 第五十二条 and 行政强制法第二十四条): they print his 查询码 for the portal's 当事人查询.
PARTY_KINDS = frozenset(
    {
        "advance_notice",
        "hearing_notice",
        "correction_order",
        "decision",
        "no_penalty_decision",
        "on_spot_decision",
        "seizure_decision",
        "seizure_list",
    }
)
# Documents made on the spot with the party present, which he signs (or refuses to sign, noted
# with a witness): 笔录 (行政处罚法第五十五条; 行政强制法第十八条第八项、第九项), the 当场处罚决定书
# he receives (行政处罚法第五十二条), the 送达回证 and the 查封（扣押）清单 (行政强制法第二十四条).
# He may sign on the officer's phone (``services.party_signature_record``).
PARTY_SIGNED_KINDS = frozenset(
    {"inspection_record", "inquiry_record", "on_spot_decision", "service_proof", "seizure_list"}
)
# Lines of the footer that concern the paper copy only; a publication leaves them out.
PAPER_ONLY_PREFIXES = ("扫码核验", "文书核验码", "案件查询")

NEEDS_PENALTY_BASIS = {
    "decision": "行政处罚决定书应当载明行政处罚的依据（行政处罚法第五十九条）",
    "advance_notice": "事先告知书应当告知拟作出行政处罚的依据（行政处罚法第四十四条）",
    "seizure_decision": "查封（扣押）决定书应当载明查封、扣押的依据（行政强制法第二十四条）",
}
NEEDS_VIOLATED_BASIS = {
    "correction_order": "责令改正通知书应当写明当事人违反的法律、法规、规章条款",
}


class DocumentError(DomainError):
    """A document that cannot be produced now."""


def is_available(kind: str, case: Case) -> bool:
    """Whether the case's procedure and state call for this kind of document."""
    return in_states(case, AVAILABLE_IN.get(kind, {}).get(case.procedure, frozenset()))


def document_refusal(kind: str, case: Case) -> str | None:
    """Why a document the state calls for cannot be made yet (the case lacks what it states)."""
    if kind in NEEDS_PENALTY_BASIS and not case.penalty_articles.exists():
        what = "查封、扣押的依据" if kind == "seizure_decision" else "处罚依据"
        return f"请先在案件中登记{what}；{NEEDS_PENALTY_BASIS[kind]}"
    if kind in NEEDS_VIOLATED_BASIS and not case.violated_articles.exists():
        return f"请先在案件中登记违法依据；{NEEDS_VIOLATED_BASIS[kind]}"
    if kind == "no_penalty_decision":
        return _no_penalty_decision_refusal(case)
    if kind == "seizure_list" and not case.documents.filter(kind="seizure_decision").exists():
        return "请先制作查封（扣押）决定书；清单列明决定书中的场所、设施或者财物"
    return None


def _no_penalty_decision_refusal(case: Case) -> str | None:
    """The 不予行政处罚决定书 states the ground and the education (第三十三条第三款), and a case the
    catalogue sends to 法制审核 gets it only once the review passed (第五十八条)."""
    refusal = proposal_refusal(case) or education_refusal(case)
    if refusal is not None:
        return refusal
    if not case.violated_articles.exists() and proposal_ground(case) in ARTICLE_33:
        return "请先在案件中登记违法依据；不予行政处罚决定书应当写明当事人违反的规定"
    reviewed = frozenset({"under_review.passed", GeneralState.DISCUSSED, GeneralState.NO_PENALTY})
    if review_gate().need(case).required and not in_states(case, reviewed):
        return "本案须经法制审核，审核通过后再制作不予行政处罚决定书"
    return None


def inputs_refusal(
    kind: str, case: Case, values: dict[str, Any], *, today: date, calendar: WorkdayCalendar
) -> str | None:
    """Checks of typed inputs against the case (after ``inputs_clean``)."""
    from sanxiang.cases.workflow.definitions import HEARING_NOTICE_PERIOD

    handler_names = set(case.handlers.values_list("name", flat=True))
    if kind in ("hearing_notice", "hearing_record") and values["host"] in handler_names:
        return (
            "听证应由行政机关指定的非本案调查人员主持，请更换听证主持人"
            "（行政处罚法第六十四条第四项）"
        )
    if kind == "hearing_notice":
        # Once 通知听证 is recorded the period runs from that day (a corrected notice keeps it).
        if case.state == GeneralState.HEARING_NOTICED and case.step_due_on:
            earliest = case.step_due_on
        else:
            # Not provisional: a guessed end can be earlier than the real one and would shorten
            # the party's seven working days' notice. Refused until the year is entered.
            try:
                earliest = HEARING_NOTICE_PERIOD.due(today, calendar)
            except CalendarYearUnknownError as exc:
                logger.warning("case %s: hearing notice refused: %s", case.pk, exc.log_message)
                return exc.message.removesuffix("。")
        if date.fromisoformat(values["hearing_at"][:10]) < earliest:
            return (
                "应当在举行听证的七日前通知当事人，听证时间最早为 "
                f"{earliest:%Y年%m月%d日}（行政处罚法第六十四条第二项、第八十五条）"
            )
    if kind == "statement_record":
        return _statement_record_refusal(case, values)
    if kind == "statement_review":
        record = case.documents.filter(kind="statement_record").order_by("-version").first()
        if record is None:
            return "请先制作陈述申辩笔录，复核意见逐项答复其中记载的意见"
        if record.fields.get("way") == WAIVED:
            return "当事人明确放弃陈述、申辩，无需复核"
        return replies_problem(record.fields, values)
    # 民事诉讼法第八十九条: a witness signs, or the service is recorded by photo or video.
    if (
        kind == "service_proof"
        and values.get("method") == "留置送达"
        and not values.get("witness")
        and not EvidenceItem.objects.filter(
            case_number=evidence_reference(case), agency_id=case.agency_id,
            kind__in=(EvidenceKind.PHOTO, EvidenceKind.VIDEO, EvidenceKind.FULL_VIDEO),
        ).exists()
    ):  # fmt: skip
        return (
            "留置送达须有见证人到场（写明见证人的姓名和身份），或者以拍照、录像等方式记录"
            "送达过程并登记为本案证据（民事诉讼法第八十九条）"
        )
    if kind == "service_proof":
        served = case.documents.filter(kind=values["served_document"]).order_by("-version").first()
        label = KINDS[values["served_document"]].label
        if served is None:
            return f"本案尚未制作{label}，不能制作其送达回证"
        if values["served_at"][:10] < timezone.localdate(served.created_at).isoformat():
            return f"送达时间不能早于{label}的制作时间"
        return recording_refusal(case, service_step(values["method"]))
    return None


def _statement_record_refusal(case: Case, values: dict[str, Any]) -> str | None:
    stated = datetime.fromisoformat(values["stated_at"]).date()
    if case.notified_on is not None and stated < case.notified_on:
        return f"陈述、申辩的时间不能早于事先告知书送达之日（{case.notified_on:%Y年%m月%d日}）"
    if values["way"] != WAIVED and not points(values):
        return "请逐行记录当事人陈述、申辩的意见（每行一项）；当事人明确放弃的，请选择“明确放弃”"
    if values["way"] == IN_WRITING:
        material = str(values.get("material", ""))
        if not material:
            return "书面陈述、申辩的，请先将材料登记为证据，并填写其记录编号"
        if not EvidenceItem.objects.filter(
            record_id=material, case_number=case.number, agency_id=case.agency_id
        ).exists():
            return f"本案证据中没有记录编号为“{material}”的材料"
    return None


def _penalty(case: Case) -> str:
    if case.warning_only:
        return "警告"
    if case.fine_yuan is not None:
        return f"罚款人民币{case.fine_yuan}元"
    return "（见处罚决定）"


def articles_text(articles: Iterable[Article]) -> str:
    """《法律名称》第X条、第Y条、《另一法律》第Z条, grouped by law in the order given."""
    groups: dict[str, list[str]] = {}
    for article in articles:
        groups.setdefault(article.law.title, []).append(article.label)
    return "、".join(f"《{title}》{'、'.join(labels)}" for title, labels in groups.items())


def _articles(case: Case, relation: str) -> str:
    manager = getattr(case, relation)
    return articles_text(manager.select_related("law").order_by("law__title", "number"))


def _when(value: str) -> str:
    """2026-05-20T09:30 → 2026年05月20日09时30分; 2026-05-20 → 2026年05月20日."""
    if "T" in value:
        moment = datetime.fromisoformat(value)
        return f"{moment:%Y年%m月%d日%H时%M分}"
    return f"{date.fromisoformat(value):%Y年%m月%d日}" if value else ""


def _shown(kind: str, fields: dict[str, Any], calendar: WorkdayCalendar) -> dict[str, Any]:
    """The inputs as the template shows them: dates in Chinese, labels instead of codes."""
    shown: dict[str, Any] = {}
    for field in INPUTS.get(kind, ()):
        value = fields.get(field.name, "")
        if field.kind in ("date", "datetime") and value:
            value = _when(value)
        shown[field.name] = value
    if kind == "service_proof":
        shown["served_document"] = KINDS[fields["served_document"]].label
        # What the mode had to record (拒收事由、见证人、邮件号码 …) is printed in 备注.
        details = [
            f"{field.label}：{fields[field.name]}"
            for field in INPUTS["service_proof"]
            if field.name in SERVICE_DETAILS and fields.get(field.name)
        ]
        shown["note"] = "；".join([*details, *([fields["note"]] if fields.get("note") else [])])
    if kind == "seizure_decision":
        starts = date.fromisoformat(fields["starts_on"])
        # Counted like the case's own period: from the day after it starts (行政强制法第二十五条).
        ends_on = CalendarDays(int(fields["days"])).due(starts, calendar)
        shown["ends_on"] = f"{ends_on:%Y年%m月%d日}"
    if kind == "statement_record":
        listed = points(fields)
        shown["point_text"] = (
            "；".join(f"（{n}）{p}" for n, p in enumerate(listed, start=1)) or "（无）"
        )
    if kind == "statement_review":
        # The points come from the 陈述申辩笔录 (copied in by the service), each with its answer.
        pairs = zip(points(fields), replies(fields), strict=False)
        shown["review_text"] = "；".join(
            f"（{n}）{point}——{reply}" for n, (point, reply) in enumerate(pairs, start=1)
        )
    for key, value in fields.items():
        shown.setdefault(key, value)  # what the service copied in, e.g. a seizure's items
    if kind == "decision":
        # 说理, one paragraph per line (the template repeats the paragraph).
        text = str(fields.get("reasoning", ""))
        shown["reasoning_lines"] = [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "advance_notice":
        parts = []
        if fields.get("intended_fine"):
            parts.append(f"罚款人民币{fields['intended_fine']}元")
        if fields.get("intended_other"):
            parts.append(fields["intended_other"])
        shown["penalty"] = "；".join(parts)
        # 第四十四条: the 情节 and the tier the proposed penalty rests on, as kept with the notice.
        shown["discretion"] = notice_discretion_text(fields)
    return shown


def context_for(
    case: Case,
    *,
    verification_code: str,
    approver: str = "",
    kind: str = "",
    fields: dict[str, Any] | None = None,
    calendar: WorkdayCalendar | None = None,
    party_code: str = "",
) -> dict[str, Any]:
    """The placeholders of every template, from the case as it is now and the typed inputs.

    ``party_code`` is the case's 查询码 (formatted), printed only on documents for the party.
    """
    today = timezone.localdate()
    handlers = []
    for officer in case.handlers.prefetch_related("certificates"):
        certificate = officer.certificate_valid_on(today)
        handlers.append(
            {"name": officer.name, "certificate": certificate.number if certificate else "—"}
        )
    parties = [
        {
            "name": party.name,
            "kind": PartyKind(party.kind).label,
            "identifier": party.identifier,
            "identifier_label": "身份证号码"
            if party.kind == PartyKind.PERSON
            else "统一社会信用代码",
            "address": party.address,
        }
        for party in case.parties.all()
    ]
    violated = _articles(case, "violated_articles")
    penalty_basis = _articles(case, "penalty_articles")
    return {
        "agency_name": case.agency.name,
        "agency_address": case.agency.address,
        "number": case.number or "（未编号）",
        "title": case.title,
        "source": case.source,
        "facts": case.facts,
        "evidence_summary": evidence_summary(case),
        "violated_basis": violated,
        "penalty_basis": penalty_basis,
        # Kept for agencies' own templates written against the first placeholder set.
        "basis": penalty_basis or "相关法律、法规、规章的规定",
        "penalty": _penalty(case),
        "hearing_right": case.hearing_right,
        "parties": parties,
        "handlers": handlers,
        "approver": approver,
        "place": violation_place(case),
        "violation_on": f"{case.violation_on:%Y年%m月%d日}",
        "registered_on": f"{case.registered_on:%Y年%m月%d日}" if case.registered_on else "",
        # A decision carries the day it was made (第五十九条), however late it is printed.
        "issued_on": f"{case.decided_on or today:%Y年%m月%d日}"
        if kind in ("decision", "on_spot_decision", "")
        else f"{today:%Y年%m月%d日}",
        "f": _shown(kind, fields or {}, calendar or get_calendar()),
        "verification_code": verification_code,
        "verify_url": verify_url(verification_code),
        "party_code": party_code,
        "party_query_url": party_query_url() if party_code else "",
    }


# Documents that are themselves evidence of the facts (行政处罚法第四十六条: 书证、当事人的陈述、
# 勘验笔录、现场笔录 …), listed with the registered evidence.
EVIDENTIAL_DOCUMENTS = (
    "inspection_record", "inquiry_record", "hearing_record", "statement_record", "seizure_list",
)  # fmt: skip


# The kinds whose template prints ``evidence_summary``.
EVIDENCE_LISTING_KINDS = frozenset({"decision", "advance_notice", "no_penalty_decision"})


def evidence_summary(case: Case) -> str:
    """The case's evidence as the decision and the 事先告知书 name it ("以上事实，有…等证据为证",
    行政处罚法第五十九条第二项): the evidential documents made (the latest version of each) and
    the registered records (current versions), in the order they were collected."""
    lines: list[str] = []
    made: dict[str, CaseDocument] = {}
    for document in case.documents.filter(kind__in=EVIDENTIAL_DOCUMENTS).order_by("created_at"):
        made[document.kind] = document
    lines.extend(
        f"{KINDS[kind].label}（{timezone.localdate(made[kind].created_at):%Y年%m月%d日}）"
        for kind in EVIDENTIAL_DOCUMENTS
        if kind in made
    )
    items = (
        EvidenceItem.objects.filter(
            case_number=evidence_reference(case), agency_id=case.agency_id,
            superseded_by__isnull=True,
        )
        .order_by("collected_at", "pk")
    )  # fmt: skip
    for item in items:
        when = timezone.localtime(item.collected_at)
        lines.append(
            f"{item.proves}（{EvidenceKind(item.kind).label}，{when:%Y年%m月%d日}于{item.location}"
            f"采集，记录编号 {item.record_id}）"
        )
    if not lines:
        return "（本案尚未登记证据）"
    return "；".join(lines)


def violation_place(case: Case) -> str:
    """Where the violation was, as recorded: the case's own field, else the place written in its
    latest 现场检查笔录 (on-site cases record it there)."""
    if case.violation_place:
        return case.violation_place
    record = case.documents.filter(kind="inspection_record").order_by("-version").first()
    if record is not None and record.fields.get("place"):
        return str(record.fields["place"])
    return "（未登记）"


def verify_url(code: str) -> str:
    """The document's 核验 page on the portal, at the installation's public address."""
    return public_reverse("portal:document-verify", code)


def party_query_url() -> str:
    """The portal page where a party types his case number and 查询码."""
    return public_reverse("portal:party-query")


def render_docx(kind: DocumentKind, context: dict[str, Any]) -> bytes:
    return render_template(TEMPLATES / kind.template, context)


def render_template(path: Path, context: dict[str, Any]) -> bytes:
    """A Word template filled from ``context``; with a QR code when it carries ``verify_url``."""
    template = DocxTemplate(str(path))
    extra: dict[str, Any] = {}
    if "verify_url" in context:
        qr = io.BytesIO()
        segno.make(context["verify_url"], error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        extra["qr_code"] = InlineImage(template, qr, width=Mm(25))
    # Escaped: typed text such as "罚款<5000元 & 没收" must reach the document as written.
    template.render({**context, **extra}, autoescape=True)
    a4_pages(template.docx)  # the rendered document (get_docx would reload the template)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: bytes) -> bytes:
    """PDF through LibreOffice headless, with a private profile so conversions never collide."""
    binary = soffice()
    if binary is None:
        raise DocumentError(
            "服务器未安装 LibreOffice，无法生成 PDF；请系统管理员安装 libreoffice-writer-nogui。",
            log_message="soffice not found",
        )
    # A private folder (0700) that `sanxiang serve` clears of what a crash left behind.
    work = Path(tempfile.mkdtemp(prefix=CONVERSION_PREFIX, dir=conversion_dir()))
    try:
        source = work / "document.docx"
        source.write_bytes(docx)
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own file
            [binary, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(work), str(source)],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        target = work / "document.pdf"
        if result.returncode != 0 or not target.exists():
            raise DocumentError(
                "生成 PDF 失败，请稍后重试。",
                log_message=f"soffice exit {result.returncode}: {result.stderr[-500:]!r}",
            )
        return target.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
