"""Case documents (文书): Word from the templates, PDF through LibreOffice, QR to verification.

Rendering is separate from recording (``services.document_generate``): this module turns a
case into bytes; the service stores them, hashes them into the ledger and hands out the
verification code the QR code carries.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.utils import timezone
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from sanxiang.cases.models import Case, PartyKind
from sanxiang.errors import DomainError

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
        DocumentKind("decision", "行政处罚决定书", "decision.docx", "行政处罚法第五十九条"),
        DocumentKind(
            "on_spot_decision",
            "当场行政处罚决定书",
            "on_spot_decision.docx",
            "行政处罚法第五十二条",
        ),
    )
}
# Which document each state calls for (the one a user may generate there).
AVAILABLE_IN = {
    "registration": {"investigating", "investigated", "under_review", "reviewed", "notified"},
    "decision": {"decided", "served", "executed", "closed", "archived"},
    "on_spot_decision": {"served", "executed", "closed", "archived"},
}


class DocumentError(DomainError):
    """A document that cannot be produced now."""


def _penalty(case: Case) -> str:
    if case.warning_only:
        return "警告"
    if case.fine_yuan is not None:
        return f"罚款人民币{case.fine_yuan}元"
    return "（见处罚决定）"


def context_for(case: Case, *, verification_code: str, approver: str = "") -> dict[str, Any]:
    """The placeholders of every template, from the case as it is now."""
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
    return {
        "agency_name": case.agency.name,
        "number": case.number or "（未编号）",
        "title": case.title,
        "source": case.source,
        "facts": case.facts,
        "evidence_summary": "现场检查笔录、询问笔录、现场照片及音像记录",
        "basis": "相关法律、法规、规章的规定",
        "penalty": _penalty(case),
        "parties": parties,
        "handlers": handlers,
        "approver": approver,
        "place": case.unit.agency.region,
        "violation_on": f"{case.violation_on:%Y年%m月%d日}",
        "registered_on": f"{case.registered_on:%Y年%m月%d日}" if case.registered_on else "",
        # A decision carries the day it was made (第五十九条), however late it is printed.
        "issued_on": f"{case.decided_on or today:%Y年%m月%d日}",
        "verification_code": verification_code,
        "verify_url": verify_url(verification_code),
    }


def verify_url(code: str) -> str:
    base = os.environ.get("SANXIANG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/gongshi/documents/{code}/"


def render_docx(kind: DocumentKind, context: dict[str, Any]) -> bytes:
    template = DocxTemplate(str(TEMPLATES / kind.template))
    qr = io.BytesIO()
    segno.make(context["verify_url"], error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    template.render({**context, "qr_code": InlineImage(template, qr, width=Mm(25))})
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
    work = Path(tempfile.mkdtemp(prefix="sanxiang-pdf-", dir=settings.VAR_DIR / "tmp"))
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
