"""What a user waits for when he clicks 生成文书: the request now, against the same document's
Word-to-PDF conversion the request used to include (LibreOffice), measured in the same run.

The request renders the Word file, stores it and records the version; the PDF is made after the
answer (``core.background``). Baseline: ``convert_to_pdf`` of each rendered Word file, which is
what the request did on top before. Prints medians and the ratio.

Run: ``.venv/bin/python bench/document_bench.py [--count 10]``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from datetime import timedelta

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_BACKGROUND"] = "off"  # the conversion is timed separately, below


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    count = parser.parse_args().count
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from sanxiang.cases.documents import convert_to_pdf
    from sanxiang.cases.models import Procedure
    from sanxiang.cases.services import (
        NewCase,
        case_open,
        case_transition,
        document_generate,
        party_add,
    )
    from sanxiang.evidence.storage import blob_name, open_blob
    from sanxiang.org.models import EnforcementCategory, Officer

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=io.StringIO())
    zhang = Officer.objects.get(user__username="zhangwei")
    head = Officer.objects.get(user__username="liuzhiqiang")
    today = timezone.localdate()
    case = case_open(
        actor=zhang,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="擅自占用城市道路经营", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=today - timedelta(days=3), clue_received_on=today - timedelta(days=2),
            facts="当事人在人民路 100 号门前占道摆摊经营",
        ),
    )  # fmt: skip
    party_add(actor=zhang, case_id=case.pk, kind="person", name="王某某",
              identifier="11010519491231002X", address="示范市人民路 1 号")  # fmt: skip
    case.handlers.add(Officer.objects.get(user__username="lina"))
    case_transition(actor=head, case_id=case.pk, action="register")
    requests, conversions = [], []
    for n in range(count):
        inputs = {"started_at": f"{today}T09:{n:02d}", "ended_at": f"{today}T10:{n:02d}",
                  "place": "人民路 100 号", "present": "王某某（当事人）",
                  "findings": f"第 {n + 1} 次检查：占道摆摊约 3 平方米。"}  # fmt: skip
        began = time.perf_counter()
        document = document_generate(
            actor=zhang, case_id=case.pk, kind="inspection_record", inputs=inputs
        )
        requests.append(time.perf_counter() - began)
        with open_blob(blob_name(document.docx_sha256)) as handle:
            docx = handle.read()
        began = time.perf_counter()
        convert_to_pdf(docx)
        conversions.append(time.perf_counter() - began)
    request_ms = statistics.median(requests) * 1000
    conversion_ms = statistics.median(conversions) * 1000
    print(f"documents: {count} 现场检查笔录")
    print(f"生成文书 request now (Word, stored, recorded): median {request_ms:.0f} ms")
    print(
        f"baseline: the same request plus its PDF conversion: median "
        f"{request_ms + conversion_ms:.0f} ms (conversion alone {conversion_ms:.0f} ms)"
    )
    print(f"ratio (before / now): {(request_ms + conversion_ms) / request_ms:.1f}x")


if __name__ == "__main__":
    main()
