"""Evidence ingest speed and memory for a large video, against the physical limit.

Baseline, same run, same file: bare ``hashlib.sha256`` over the file in 1 MiB chunks (what any
ingest must at least do). Ours: the upload-time digests (SHA-256 and SM3 together, as
``HashingUploadHandler`` computes them) plus ``evidence_register`` (type check, content-addressed
copy into storage, database rows, ledger event). Peak RSS shows memory stays flat.

Run: ``.venv/bin/python bench/evidence_bench.py [--mib 1024]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.management import call_command

from sanxiang.evidence.casefiles import case_files
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import CHUNK, Digests
from sanxiang.org.models import Officer


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    work = Path(os.environ["SANXIANG_VAR"]) / "tmp"
    video = work / "bench.mp4"
    with video.open("wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00")
        block = os.urandom(CHUNK)
        for _ in range(args.mib):
            handle.write(block)
    size_mib = video.stat().st_size / 2**20
    print(f"file: {size_mib:,.0f} MiB; peak RSS before: {peak_rss_mib():.0f} MiB")

    began = time.perf_counter()
    with video.open("rb") as handle:
        digest = hashlib.sha256()
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    baseline = size_mib / (time.perf_counter() - began)

    # An officer with an open case to file under (the demo's cases change with its activity and
    # with the day it is loaded on).
    officer, case_number = next(
        (officer, choices[0].reference)
        for officer in Officer.objects.filter(is_active=True).order_by("pk")
        if (choices := case_files().choices(officer))
    )
    began = time.perf_counter()
    with video.open("rb") as handle:
        digests = Digests()
        while chunk := handle.read(CHUNK):
            digests.update(chunk)
        hashed = time.perf_counter()
        item = evidence_register(
            actor=officer,
            upload=Upload(handle=handle, filename="bench.mp4", digests=digests),
            metadata={
                "case_number": case_number,
                "kind": "full_video",
                "collected_at": datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                "location": "示范市人民路",
                "collector": officer,
                "proves": "基准测试",
                "device": "bench",
            },
        )
    total = time.perf_counter() - began
    assert item.blob_id == digest.hexdigest()
    print(f"baseline hashlib.sha256: {baseline:,.0f} MiB/s")
    print(f"ours, SHA-256 + SM3 while receiving: {size_mib / (hashed - began):,.0f} MiB/s")
    print(f"ours, whole ingest (digests + store + rows + ledger): {size_mib / total:,.0f} MiB/s")
    print(f"  ratio of times ours/baseline: {baseline * (total / size_mib):.2f}")
    print(f"peak RSS after ingest: {peak_rss_mib():.0f} MiB for a {size_mib:,.0f} MiB file")


if __name__ == "__main__":
    main()
