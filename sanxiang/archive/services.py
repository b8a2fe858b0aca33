"""Sealing a case's 电子案卷 (归档) and handing it out.

``archive_seal`` is what the 归档 step's ``SealArchive`` effect does, inside the step's
transaction once the case is saved: it signs a fresh tree head of the agency's log, gathers
everything recorded about the case (documents, evidence, 法制审核, signatures, the case's ledger
events with their inclusion proofs into that head), writes one deterministic zip
(``package.py``), stores it beside the documents (content-addressed), and records the package's
SHA-256 as ``archive.package.sealed``. If any of it fails, the step rolls back: no case is 归档
without its package.

Evidence files are included up to ``SANXIANG_ARCHIVE_BLOB_CAP_MB`` (default 50 MiB) each. A
longer 全程录像 runs to gigabytes: copying it into the package inside the step's transaction
would keep the case locked for minutes and store the video twice. Its metadata — with the
file's SHA-256, pinned by its ledger event and proven in the package — is always included, and
the file stays in the content-addressed store under that SHA-256, so any copy of it can be
checked against the package.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.archive.events import package_downloaded, package_sealed
from sanxiang.archive.models import CaseArchive, PackageAccess, Retention, RetentionPeriod
from sanxiang.archive.package import FORMAT, Entry, Written, json_bytes, package_write
from sanxiang.cases.access import CaseAction
from sanxiang.cases.documents import KINDS
from sanxiang.cases.labels import case_event_label, procedure_label
from sanxiang.cases.models import ApprovalSignature, Case, CaseDocument, provisional_reference
from sanxiang.cases.pdf import document_pdf_ensure
from sanxiang.cases.selectors import case_get_for
from sanxiang.cases.services import evidence_reference
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.beijing import beijing
from sanxiang.core.identifiers import case_number_normalise
from sanxiang.disclosure.models import Publication
from sanxiang.errors import DomainError
from sanxiang.evidence.events import metadata_fields
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.storage import (
    CHUNK,
    blob_name,
    evidence_storage,
    open_blob,
    scratch_file,
    store_scratch,
)
from sanxiang.ledger import merkle
from sanxiang.ledger.models import LedgerEntry, TreeHead
from sanxiang.ledger.selectors import log_for, range_hashes
from sanxiang.ledger.services import SYSTEM, tree_head_sign
from sanxiang.org.models import Officer
from sanxiang.review.models import (
    CommitteeMeeting,
    Determination,
    Review,
    ReviewDocument,
)

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_BLOB_CAP_MB = 50
# The states from which a case may be archived or counts as archived (行政处罚法第四十七条).
ARCHIVABLE = ("closed", "archived")


class ArchiveRefused(DomainError):
    """An archive request the law or the case's state does not allow (Chinese message)."""


def blob_cap() -> int:
    """The largest evidence file copied into a package, in bytes."""
    return int(os.environ.get("SANXIANG_ARCHIVE_BLOB_CAP_MB", str(DEFAULT_BLOB_CAP_MB))) * MIB


def retention_for(case: Case) -> RetentionPeriod:
    """The 保管期限 row of the case's kind (loaded from data/archive/retention.csv)."""
    row = RetentionPeriod.objects.filter(procedure=case.procedure).first()
    if row is None:
        raise ArchiveRefused(
            f"尚未设置“{procedure_label(case.procedure)}”案卷的保管期限，不能归档；请系统管理员在"
            "管理后台“电子案卷保管期限”中设置（或运行 sanxiang archive retention-load）。",
            log_message=f"no retention period for {case.procedure}",
        )
    return row


# --- what goes into the package --------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return beijing(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _row(obj: models.Model, *, without: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(without)
    return {
        f.attname: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in skip
    }


def _names(ids: Iterable[int | None]) -> dict[int, str]:
    return dict(Officer.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "name"))


def _case_json(case: Case) -> dict[str, Any]:
    return {
        **_row(case),
        "procedure_label": procedure_label(case.procedure),
        "state_label": _state_label(case),
        "agency_name": case.agency.name,
        "unit_name": case.unit.name,
        "parties": [_row(p, without=("case_id",)) for p in case.parties.order_by("pk")],
        "handlers": [
            {"id": o.pk, "name": o.name, "post": o.post} for o in case.handlers.order_by("pk")
        ],
        "violated_articles": [str(a) for a in case.violated_articles.order_by("pk")],
        "penalty_articles": [str(a) for a in case.penalty_articles.order_by("pk")],
        # The records kept beside the case: 延长期限 (with 集体讨论), 执行, its history.
        "decision_extensions": [_row(r) for r in case.extensions.order_by("pk")],
        "payments": [_row(r) for r in case.payments.order_by("pk")],
        "payment_schedules": [_row(r) for r in case.schedules.order_by("pk")],
        "remedies": [
            {**_row(r), "steps": [_row(step) for step in r.steps.order_by("pk")]}
            for r in case.remedies.order_by("pk")
        ],
        "execution_steps": [_row(r) for r in case.execution_steps.order_by("pk")],
        "steps_taken": [_row(r) for r in case.steps_taken.order_by("taken_at", "pk")],
    }


def _blob_opener(sha256: str) -> Any:
    return lambda: open_blob(blob_name(sha256))


def _documents(case: Case) -> tuple[list[Entry], list[dict[str, Any]]]:
    entries, index = [], []
    documents = list(CaseDocument.objects.filter(case=case).order_by("kind", "version", "pk"))
    names = _names(d.created_by_id for d in documents)
    for document in documents:
        stem = f"documents/{document.kind}-v{document.version}-{document.pk}"
        kind = KINDS.get(document.kind)
        index.append(
            {
                "id": document.pk,
                "kind": document.kind,
                "label": kind.label if kind else document.kind,
                "version": document.version,
                "verification_code": document.verification_code,
                "fields": document.fields,
                "created_by": names.get(document.created_by_id, ""),
                "created_at": _plain(document.created_at),
                "docx_sha256": document.docx_sha256,
                "pdf_sha256": document.pdf_sha256,
                "docx_file": f"{stem}.docx",
                "pdf_file": f"{stem}.pdf",
            }
        )
        entries.append(Entry(f"{stem}.docx", opener=_blob_opener(document.docx_sha256)))
        entries.append(Entry(f"{stem}.pdf", opener=_blob_opener(document.pdf_sha256)))
    entries.append(Entry("documents/index.json", json_bytes(index)))
    return entries, index


def _evidence(case: Case) -> tuple[list[Entry], list[EvidenceItem]]:
    # Filed under the case's number, or under its provisional reference before it had one.
    references = {evidence_reference(case), provisional_reference(case.pk)}
    items = list(
        EvidenceItem.objects.filter(case_number__in=references, agency_id=case.agency_id)
        .select_related("blob", "collector", "target")
        .order_by("record_id", "version")
    )
    cap, entries, records, included = blob_cap(), [], [], set()
    for item in items:
        blob = item.blob
        path = f"evidence/files/{blob.sha256}" if blob.size <= cap else ""
        if path and blob.sha256 not in included:
            included.add(blob.sha256)
            entries.append(Entry(path, opener=_blob_opener(blob.sha256), compress=False))
        records.append(
            {
                "ledger_fields": metadata_fields(item),
                "original_filename": item.original_filename,
                "kind_label": item.get_kind_display(),
                "collector_name": item.collector.name,
                "target_name": item.target.name if item.target else None,
                "correction_reason": item.correction_reason,
                "sha256": blob.sha256,
                "sm3": blob.sm3,
                "size": blob.size,
                "content_type": blob.content_type,
                "file": path,
                "not_included_reason": ""
                if path
                else f"超过随包附带上限（{cap // MIB} MiB），原文件按 SHA-256 保存在存储中",
            }
        )
    entries.append(Entry("evidence/records.json", json_bytes(records)))
    return entries, items


def _review(case: Case) -> tuple[list[Entry], list[Review]]:
    reviews = list(Review.objects.filter(case=case).order_by("pk"))
    data = []
    for review in reviews:
        rounds = []
        for round_ in review.rounds.order_by("number"):
            item: dict[str, Any] = {**_row(round_), "opinion": None, "answer": None}
            opinion = getattr(round_, "opinion", None)
            if opinion is not None:
                item["opinion"] = {
                    **_row(opinion),
                    "points": [_row(p) for p in opinion.points.order_by("pk")],
                }
            answer = getattr(round_, "answer", None)
            if answer is not None:
                item["answer"] = _row(answer)
            rounds.append(item)
        meetings = [
            {**_row(m), "participants": [_row(p) for p in m.participants.order_by("pk")]}
            for m in CommitteeMeeting.objects.filter(review=review).order_by("held_on", "pk")
        ]
        data.append({**_row(review), "rounds": rounds, "committee_meetings": meetings})
    determinations = [_row(d) for d in Determination.objects.filter(case=case).order_by("pk")]
    entries = [
        Entry(
            "review/reviews.json", json_bytes({"reviews": data, "determinations": determinations})
        )
    ]
    for document in ReviewDocument.objects.filter(review__in=reviews).order_by("pk"):
        stem = f"review/documents/{document.kind}-{document.pk}"
        entries.append(Entry(f"{stem}.docx", opener=_blob_opener(document.docx_sha256)))
        entries.append(Entry(f"{stem}.pdf", opener=_blob_opener(document.pdf_sha256)))
    return entries, reviews


def _signatures(case: Case) -> tuple[Entry, list[ApprovalSignature]]:
    signatures = list(
        ApprovalSignature.objects.filter(case=case).select_related("officer", "key").order_by("pk")
    )
    rows = [
        {
            **_row(s),
            "officer_name": s.officer.name,
            "algorithm": s.key.algorithm,
            "public_key": s.key.public_key,
            "key_id": s.key.key_id,
        }
        for s in signatures
    ]
    return Entry("signatures.json", json_bytes(rows)), signatures


PROOF_BATCH = 64
# The timeline's names of the events about the case's records (its own steps are named by the
# procedure declarations, ``case_event_label``).
RECORD_EVENT_LABELS = {
    "cases.document.generated": "生成文书",
    "cases.document.pdf_made": "生成文书 PDF",
    "cases.document.inputs": "记录文书填写内容",
    "cases.document.downloaded": "下载文书",
    "cases.document.party_downloaded": "当事人下载文书",
    "cases.approval.signed": "负责人电子签名",
    "cases.document.party_signed": "当事人签名",
    "cases.document.party_refused_to_sign": "当事人拒绝签名",
    "cases.partysignature.viewed": "查看当事人签名",
    "evidence.created": "登记证据记录",
    "evidence.corrected": "更正证据记录",
    "evidence.handed_over": "移交证据记录",
    "evidence.viewed": "查看证据记录",
    "evidence.downloaded": "下载证据记录",
    "evidence.exported": "导出证据记录",
    "evidence.listed": "检索证据目录",
    "review.review.submitted": "提请法制审核",
    "review.review.opinion": "法制审核意见",
    "review.review.answered": "承办机构答复审核意见",
    "review.review.committee": "法制审核委员会集体审议",
    "review.document.generated": "生成法制审核文书",
    "review.document.downloaded": "下载法制审核文书",
    "disclosure.publication.opened": "建立公示记录",
    "disclosure.publication.published": "公示",
    "disclosure.publication.corrected": "更正公示",
    "disclosure.publication.withdrawal_due": "公示应当撤下",
    "disclosure.publication.withdrawn": "撤下公示",
    "disclosure.publication.exempted": "依法不予公示",
    "disclosure.publication.credit_set": "设定信用公示期限",
}


def _actor_names(entries: list[LedgerEntry]) -> dict[str, str]:
    """``user:<id>`` / ``officer:<id>`` -> the officer's name."""
    users = {int(e.actor[5:]) for e in entries if e.actor.startswith("user:")}
    officers = {int(e.actor[8:]) for e in entries if e.actor.startswith("officer:")}
    names = {
        f"user:{user}": name
        for user, name in Officer.objects.filter(user_id__in=users).values_list("user_id", "name")
    }
    names.update(
        (f"officer:{pk}", name)
        for pk, name in Officer.objects.filter(pk__in=officers).values_list("pk", "name")
    )
    return names


def _proofs(head: TreeHead, indexes: list[int]) -> list[list[bytes]]:
    """RFC 9162 inclusion proofs of ``indexes`` into ``head``, reading the stored subtree
    hashes of a batch of entries in one query (``inclusion_proof`` reads them per entry)."""
    proofs: list[list[bytes]] = []
    for start in range(0, len(indexes), PROOF_BATCH):
        batch = [
            merkle.inclusion_ranges(i, head.size) for i in indexes[start : start + PROOF_BATCH]
        ]
        hashes = iter(range_hashes(head.log, [r for ranges in batch for r in ranges]))
        proofs += [[next(hashes) for _ in ranges] for ranges in batch]
    return proofs


def _ledger(
    case: Case,
    head: TreeHead,
    objects: dict[str, list[Any]],
) -> tuple[list[Entry], int]:
    """The case's events in the agency's log up to the signed head, with their proofs."""
    query = Q(pk__in=[])
    for object_type, ids in objects.items():
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    entries = list(
        LedgerEntry.objects.filter(query, log_id=head.log_id, index__lt=head.size).order_by("index")
    )
    lines, proofs, timeline = [], {}, []
    names = _actor_names(entries)
    definition = PROCEDURES[case.procedure]
    for entry, path in zip(entries, _proofs(head, [e.index for e in entries]), strict=True):
        lines.append(json_line({"index": entry.index, "leaf": entry.leaf}))
        proofs[str(entry.index)] = [base64.b64encode(node).decode() for node in path]
        if entry.object_type == "cases.case":
            label = case_event_label(entry.action, definition)
        else:
            label = RECORD_EVENT_LABELS.get(entry.action, entry.action)
        who = names.get(entry.actor) or (
            "当事人（凭查询码）" if entry.actor.startswith("party:") else "系统"
        )
        timeline.append(
            {
                "index": entry.index,
                "time": json.loads(entry.leaf)["time"],
                "time_beijing": beijing(entry.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
                "action": entry.action,
                "label": label,
                "object": f"{entry.object_type}:{entry.object_id}",
                "actor": entry.actor,
                "actor_name": who,
            }
        )
    key = head.key
    return [
        Entry("ledger/entries.jsonl", "".join(lines).encode()),
        Entry("ledger/proofs.json", json_bytes({"tree_size": head.size, "proofs": proofs})),
        Entry(
            "ledger/tree-head.json",
            json_bytes(
                {
                    "payload": head.payload,
                    "signature": head.signature,
                    "algorithm": key.algorithm,
                    "key_id": key.key_id,
                    "public_key_pem": key.public_key_pem,
                }
            ),
        ),
        Entry("timeline.json", json_bytes(timeline)),
    ], len(entries)


def json_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n"


README = """电子案卷归档包

本文件是案件 {number}（{title}）归档时生成的电子案卷，包含：全部文书及其各版本（Word 与 PDF）、
证据记录的全部版本元数据（含文件 SHA-256，{cap} MiB 以内的文件随包附带）、法制审核的各轮意见、
答复与审核委员会会议纪要、负责人电子签名、本案全过程记录（时间线）及每条记录在本执法主体日志
签名树头中的包含证明。manifest.json 列出每个文件的 SHA-256；保管期限：{retention}。

核验（无需数据库、无需联网）：
    sanxiang archive verify 本文件.zip --key 执法主体公钥.pem
公钥请从公示平台“签名公钥”页面另行取得：包内附带的公钥只能证明签名者持有该密钥。
本包的 SHA-256 已作为“归档”事件记入全过程记录，可与公示平台上的记录核对。
"""


class _LedgerPart:
    """The ledger files of the package, made when the writer first reaches one of them: only
    then is the agency's log locked to sign its head (``sign``), after the documents and the
    evidence files (sorted before ``ledger/``) are written and synced."""

    def __init__(
        self, case: Case, objects: dict[str, list[Any]], sign: Callable[[], TreeHead]
    ) -> None:
        self.case, self.objects, self.sign = case, objects, sign
        self.head: TreeHead | None = None
        self.events = 0
        self._files: dict[str, bytes] = {}

    def file(self, path: str) -> bytes:
        if self.head is None:
            self.head = self.sign()
            entries, self.events = _ledger(self.case, self.head, self.objects)
            self._files = {entry.path: entry.data or b"" for entry in entries}
        return self._files[path]

    def entries(self) -> list[Entry]:
        paths = ("ledger/entries.jsonl", "ledger/proofs.json", "ledger/tree-head.json")
        return [
            Entry(path, produce=lambda path=path: self.file(path))  # type: ignore[misc]
            for path in (*paths, "timeline.json")
        ]


def _package(
    case: Case, retention: RetentionPeriod, handle: IO[bytes], sign: Callable[[], TreeHead]
) -> tuple[Written, TreeHead]:
    document_entries, documents = _documents(case)
    evidence_entries, items = _evidence(case)
    review_entries, reviews = _review(case)
    signatures_entry, signatures = _signatures(case)
    publication = Publication.objects.filter(case=case).values_list("pk", flat=True).first()
    objects: dict[str, list[Any]] = {
        "cases.case": [case.pk],
        "cases.casedocument": [d["id"] for d in documents],
        "cases.approvalsignature": [s.pk for s in signatures],
        # 当事人签名 (their events and proofs; the images stay in the store, by hash).
        "cases.partysignature": list(case.party_signatures.values_list("pk", flat=True)),
        "evidence.evidenceitem": [i.pk for i in items],
        "review.review": [r.pk for r in reviews],
        "review.reviewdocument": list(
            ReviewDocument.objects.filter(review__in=reviews).values_list("pk", flat=True)
        ),
        "disclosure.publication": [publication] if publication else [],
    }
    ledger = _LedgerPart(case, objects, sign)
    cap = blob_cap()
    sealed_at = _plain(timezone.now())

    def manifest() -> dict[str, Any]:
        head = ledger.head
        if head is None:  # pragma: no cover - the ledger files sort before the manifest
            raise RuntimeError("the manifest was written before the ledger files")
        return {
            "format": FORMAT,
            "case": {"id": case.pk, "number": case.number, "title": case.title},
            "agency": {"id": case.agency_id, "name": case.agency.name},
            "log": head.log.key if head.log else "",
            "tree_head": {"size": head.size, "root": head.root},
            "retention": {
                "code": retention.retention,
                "label": Retention(retention.retention).label,
                "basis": retention.basis,
            },
            "sealed_at": sealed_at,
            "evidence_file_cap_bytes": cap,
            "counts": {
                "documents": len(documents),
                "evidence_versions": len(items),
                "reviews": len(reviews),
                "signatures": len(signatures),
                "ledger_events": ledger.events,
            },
        }

    readme = README.format(
        number=case.number or "（无编号）",
        title=case.title,
        cap=cap // MIB,
        retention=Retention(retention.retention).label,
    )
    entries = [
        Entry("说明.txt", readme.encode()),
        Entry("case.json", json_bytes(_case_json(case))),
        *document_entries,
        *evidence_entries,
        *review_entries,
        signatures_entry,
        *ledger.entries(),
    ]
    written = package_write(handle, entries, manifest)
    if ledger.head is None:  # pragma: no cover - every package has its ledger files
        raise RuntimeError("the package was written without its ledger files")
    return written, ledger.head


# --- services ---------------------------------------------------------------------------------


def archive_seal(*, case: Case, actor: Officer | None) -> CaseArchive:
    """Build, store and record the case's package (the 归档 step's ``SealArchive`` effect; also
    ``sanxiang archive build`` for a case archived before packages existed, ``actor`` None).

    Runs inside the caller's transaction; the case is already saved in its archived state.
    """
    if CaseArchive.objects.filter(case=case).exists():
        raise ArchiveRefused(
            "本案已生成电子案卷归档包，不能重复归档。",
            log_message=f"case {case.pk} already has a package",
        )
    # Every version goes in with its PDF: one not yet converted (the background converter is
    # behind, or was off) is converted now, its own event before the head is signed.
    for document_id in CaseDocument.objects.filter(case=case, pdf_sha256="").values_list(
        "pk", flat=True
    ):
        document_pdf_ensure(document_id)
    retention = retention_for(case)
    log = log_for(agency_id=case.agency_id)
    if log is None:  # a case is opened by an event, so its agency has a log
        raise ArchiveRefused(
            "本案的执法主体尚无全过程记录，不能归档。", log_message=f"case {case.pk}: no log"
        )
    handle = scratch_file("package.")

    def sign() -> TreeHead:
        # The large files are written: sync them now, so that the log is locked (signing its
        # head) only for the small files that follow and the sync of those.
        handle.flush()
        os.fsync(handle.fileno())
        return tree_head_sign(log=log)  # covers every event of the case so far

    with transaction.atomic():
        try:
            written, head = _package(case, retention, handle, sign)
        except BaseException:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
            raise
        count, size, sha256 = written.files, written.size, written.sha256
        store_scratch(handle, sha256)  # outside the database: content-addressed, like documents
        archive = CaseArchive.objects.create(
            case=case,
            agency_id=case.agency_id,
            package_sha256=sha256,
            size=size,
            file_count=count,
            tree_head_id=head.pk,
            tree_size=head.size,
            retention=retention.retention,
            retention_basis=retention.basis,
            sealed_by=actor,
            sealed_at=timezone.now(),
        )
        package_sealed(archive, actor.ledger_actor if actor else SYSTEM)
    logger.info(
        "case %s sealed: package %s, %d files, %d bytes, tree size %d",
        case.pk, sha256, count, size, head.size,
    )  # fmt: skip
    return archive


def _refuse_open_case(case: Case) -> None:
    if case.state not in ARCHIVABLE:
        state = case.state
        raise ArchiveRefused(
            f"案件 {case.number or case.pk} 尚未结案（当前：{_state_label(case)}），不能归档。"
            "行政处罚法第四十七条：对行政处罚的启动、调查取证、审核、决定、送达、执行等进行"
            "全过程记录，归档保存——归档在执行完毕并结案之后进行。",
            log_message=f"case {case.pk} in {state}: not closed, no archive",
        )


def _state_label(case: Case) -> str:
    definition = PROCEDURES[case.procedure]
    for state in definition.state_enum:
        if state.value == case.state:
            return str(state.label)
    return case.state


def archive_build(*, case_number: str) -> CaseArchive:
    """``sanxiang archive build``: the package of an archived case — the one sealed by its 归档
    step, or, for a case archived before packages existed, one sealed now (by the system).

    A case not yet closed is refused (行政处罚法第四十七条), and so is a closed case: its 归档
    is a step its handler takes on the case page, which seals the package itself.
    """
    number = case_number_normalise(case_number)
    case = Case.objects.select_related("agency", "unit").filter(number=number).first()
    if case is None:
        raise ArchiveRefused(f"没有编号为 {number} 的案件。", log_message=f"no case {number!r}")
    _refuse_open_case(case)
    existing = CaseArchive.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.state != "archived":
        raise ArchiveRefused(
            f"案件 {number} 已结案但尚未归档：归档由承办人员在案件页面办理“归档”步骤，"
            "该步骤同时生成归档包（行政处罚法第四十七条）。",
            log_message=f"case {case.pk} closed, not archived",
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("agency", "unit").get(pk=case.pk)
        return archive_seal(case=case, actor=None)


def package_bytes(archive: CaseArchive) -> Iterable[bytes]:
    """The stored package, in chunks."""
    with open_blob(blob_name(archive.package_sha256)) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def package_open(*, actor: Officer, case_id: object) -> tuple[CaseArchive, Iterable[bytes]]:
    """The case's package for ``actor`` if he may view the case (the access gate), after
    recording the download (an access row and a ledger event)."""
    case = case_get_for(actor, case_id, CaseAction.VIEW)  # CaseNotFound out of scope
    archive = CaseArchive.objects.filter(case=case).first()
    if archive is None:
        raise ArchiveRefused(
            "本案尚未生成电子案卷归档包。", log_message=f"case {case.pk}: no package"
        )
    if not evidence_storage().exists(blob_name(archive.package_sha256)):
        raise ArchiveRefused(
            "归档包文件在存储中缺失，请联系系统管理员（sanxiang ledger verify 会报告此问题）。",
            log_message=f"case {case.pk}: package {archive.package_sha256} missing from storage",
        )
    with transaction.atomic():
        PackageAccess.objects.create(archive=archive, officer=actor, actor=actor.ledger_actor)
        package_downloaded(archive, actor.ledger_actor)
    return archive, package_bytes(archive)  # streamed: a package may be large
