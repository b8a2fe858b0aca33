"""How long the 归档 step's package takes, against ``zip`` of the same files in the same run.

Builds one case with ``--documents`` document versions (Word and PDF of ``--doc-kib`` each,
stored as the documents are; no LibreOffice), ``--evidence`` records of ``--evidence-mib`` each
and ``--events`` ledger events of its own in a log of ``--log-size`` entries, then times
``archive_seal`` (a fresh signed head, every inclusion proof, the deterministic zip, its SHA-256
and the stored copy; rolled back after each run; also how long of it the agency's log row is
locked, from signing the head to the end) against Info-ZIP's ``zip`` of the same stored
files (baselines: ``zip`` deflating everything, and ``zip -0`` only storing it, which is what
the package does with evidence files). Prints seconds (median of 3) and the ratios.

Run: ``.venv/bin/python bench/archive_bench.py [--evidence 10 --evidence-mib 20]``
(``scripts/with-postgres.py -- …`` for PostgreSQL).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import transaction

from sanxiang.archive import services
from sanxiang.archive.services import archive_seal
from sanxiang.cases.models import Case, CaseDocument, Procedure
from sanxiang.cases.services import NewCase, case_open, handlers_set
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import blob_name, digest_stream, evidence_storage, store_blob
from sanxiang.ledger.services import sha256_hex, tree_head_sign
from sanxiang.org.models import EnforcementCategory, Officer


class Rollback(Exception):
    pass


def build_case(args: argparse.Namespace) -> tuple[Case, Officer, list[Path]]:
    officer = Officer.objects.get(user__username="zhangwei")
    case = case_open(
        actor=officer,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="基准案件", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2), facts="基准事实",
        ),
    )  # fmt: skip
    for _ in range(args.events):  # each a ledger event about the case
        handlers_set(actor=officer, case_id=case.pk, officers=[officer])
    Case.objects.filter(pk=case.pk).update(number="基准〔2026〕1号", state="closed")
    case.refresh_from_db()
    files: list[Path] = []
    storage = evidence_storage()
    for n in range(args.documents):
        hashes = []
        for _ in ("docx", "pdf"):
            data = os.urandom(args.doc_kib * 1024)
            digest = sha256_hex(data)
            store_blob(io.BytesIO(data), digest)
            hashes.append(digest)
            files.append(Path(storage.path(blob_name(digest))))
        CaseDocument.objects.create(
            case=case, kind="inquiry_record", version=n + 1, docx_sha256=hashes[0],
            pdf_sha256=hashes[1], verification_code=f"bench{n:06d}", created_by=officer,
        )  # fmt: skip
    for n in range(args.evidence):
        handle = io.BytesIO(b"\x00\x00\x00\x18ftypmp42" + os.urandom(args.evidence_mib * 2**20))
        item = evidence_register(
            actor=officer,
            upload=Upload(handle=handle, filename=f"video{n}.mp4", digests=digest_stream(handle)),
            metadata={
                "case_number": case.number, "kind": "video",
                "collected_at": datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                "location": "基准市", "collector": officer, "proves": "基准", "device": "DSJ",
            },
        )  # fmt: skip
        files.append(Path(storage.path(item.blob.storage_name)))
    return case, officer, files


def fill_log(entries: int, officer: Officer) -> None:
    """Another case's events, so that proofs run through a log of realistic size."""
    other = case_open(
        actor=officer,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="其他案件", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2), facts="其他事实",
        ),
    )  # fmt: skip
    for _ in range(entries):
        handlers_set(actor=officer, case_id=other.pk, officers=[officer])


SIGNED_AT: list[float] = []
LOCKED: list[float] = []


def _timed_sign(**kwargs: object) -> object:
    """The head is signed under the log's row lock, held until the step commits."""
    SIGNED_AT.append(time.perf_counter())
    return tree_head_sign(**kwargs)  # type: ignore[arg-type]


def seal_once(case: Case, officer: Officer) -> float:
    setattr(services, "tree_head_sign", _timed_sign)  # noqa: B010
    began = time.perf_counter()
    try:
        with transaction.atomic():
            archive_seal(case=Case.objects.select_related("agency", "unit").get(pk=case.pk),
                         actor=officer)  # fmt: skip
            elapsed = time.perf_counter() - began
            LOCKED.append(time.perf_counter() - SIGNED_AT[-1])
            raise Rollback
    except Rollback:
        pass
    return elapsed


def zip_once(files: list[Path], work: Path, *options: str) -> float:
    target = work / "baseline.zip"
    target.unlink(missing_ok=True)
    began = time.perf_counter()
    subprocess.run(["zip", "-q", "-j", *options, str(target), *map(str, files)], check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--doc-kib", type=int, default=60)
    parser.add_argument("--evidence", type=int, default=10)
    parser.add_argument("--evidence-mib", type=int, default=20)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--log-size", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    case, officer, files = build_case(args)
    fill_log(args.log_size, officer)
    work = Path(tempfile.mkdtemp(prefix="sanxiang-archive-bench-"))
    total = sum(f.stat().st_size for f in files) / 2**20
    print(
        f"case: {args.documents} document versions (x2 files), {args.evidence} evidence files of "
        f"{args.evidence_mib} MiB, {args.events} case events; {len(files)} files, {total:,.0f} MiB"
    )
    ours = statistics.median(seal_once(case, officer) for _ in range(3))
    baseline = statistics.median(zip_once(files, work) for _ in range(3))
    stored = statistics.median(zip_once(files, work, "-0") for _ in range(3))
    print(f"zip of the same files (baseline, deflate): {baseline:.2f} s")
    print(f"zip -0 of the same files (baseline, store only): {stored:.2f} s")
    print(f"archive_seal (the 归档 step's effect): {ours:.2f} s")
    print(f"  of which the agency's log is locked (head signed .. end): {max(LOCKED):.2f} s")
    print(f"ratio: {ours / baseline:.2f}x zip, {ours / stored:.2f}x zip -0")


if __name__ == "__main__":
    main()
