"""The restore drill, timed: RPO and RTO of ``sanxiang backup`` / ``sanxiang restore`` on this
machine (docs/operations/backup.md quotes the numbers).

A throwaway PostgreSQL primary archives its WAL into the backup area (``archive_timeout`` as
given); the demo installation with ``--cases`` cases per agency and ``--evidence-mib`` MiB of
evidence (local folder) is loaded; then ``sanxiang backup``, more writes, and ``sanxiang
restore`` into a fresh data directory, which replays the archive and verifies everything.

Baseline, same run, same bytes: a plain copy of the backup set (``cp -r``) — what any backup
or restore must at least do on this disk. RPO is measured as the time from a committed write to
its WAL segment lying in the archive when nothing forces a switch (bounded by archive_timeout).

Run: ``.venv/bin/python bench/backup_drill.py [--cases 5] [--evidence-mib 64]
[--archive-timeout 15]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sanxiang.backup.postgres import Cluster, free_port

SANXIANG = [sys.executable, "-m", "sanxiang.cli"]

EVIDENCE = """
import io, os
from datetime import date
from django.utils import timezone
from sanxiang.cases.models import evidence_reference
from sanxiang.cases.services import NewCase, case_open
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import digest_stream
from sanxiang.org.models import Officer
officer = Officer.objects.get(user__username='zhangwei')
category = officer.certificates.latest('pk').categories.order_by('pk').first()
case = case_open(actor=officer, new=NewCase(procedure='penalty_general', title='占道经营',
    source='巡查发现', category=category, violation_on=date(2026, 3, 2),
    clue_received_on=date(2026, 3, 2)))
for n in range({count}):
    handle = io.BytesIO(b'\\x00\\x00\\x00\\x18ftypmp42\\x00\\x00\\x00\\x00' + os.urandom(8 << 20))
    evidence_register(actor=officer, upload=Upload(handle=handle, filename='录像.mp4',
        digests=digest_stream(handle)), metadata={{'case_number': evidence_reference(case),
        'kind': 'video', 'collected_at': timezone.now(), 'location': '人民路 100 号',
        'collector': officer, 'proves': '占道经营的事实', 'device': '执法记录仪 DSJ-001'}})
"""


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    began = time.monotonic()
    result = subprocess.run([*SANXIANG, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"sanxiang {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - began, result.stdout


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5, help="demo cases per agency")
    parser.add_argument("--evidence-mib", type=int, default=64)
    parser.add_argument("--archive-timeout", type=int, default=15)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sanxiang-drill-bench-"))
    work.chmod(0o711)  # the server runs as postgres under root
    area = work / "backup"
    primary = Cluster(area / "wal", archive_timeout=options.archive_timeout)
    primary.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_EVIDENCE_S3")}
        env |= {"SANXIANG_VAR": str(work / "var"), "DATABASE_URL": primary.url}
        run(env, "migrate", "--noinput", "-v0")
        load, _ = run(env, "demo", "--cases", str(options.cases))
        run(env, "shell", "--no-imports", "-c",
            EVIDENCE.format(count=max(1, options.evidence_mib // 8)))  # fmt: skip
        cases = int(primary.sql("SELECT count(*) FROM cases_case"))
        entries = int(primary.sql("SELECT count(*) FROM ledger_ledgerentry"))
        database = int(primary.sql("SELECT pg_database_size('sanxiang')"))
        evidence = size_of(work / "var" / "evidence")
        print(f"installation: {cases} cases, {entries} ledger entries, database {database >> 20} "
              f"MiB, evidence {evidence >> 20} MiB (demo load {load:.0f} s)")  # fmt: skip

        backup_seconds, _ = run(env, "backup", str(area))
        backup_set = next(p for p in area.iterdir() if p.name != "wal")
        set_bytes = size_of(backup_set)
        began = time.monotonic()
        shutil.copytree(backup_set, work / "plain-copy")
        copy_seconds = time.monotonic() - began
        shutil.rmtree(work / "plain-copy")
        print(f"backup: {backup_seconds:.1f} s, set {set_bytes >> 20} MiB; plain copy of the set "
              f"{copy_seconds:.1f} s; ratio {backup_seconds / copy_seconds:.1f}x")  # fmt: skip

        # RPO: a committed write waits in the current WAL segment until archive_timeout closes
        # it (or the segment fills); then the archiver copies it.
        primary.sql("SELECT pg_switch_wal()")
        time.sleep(2)
        began = time.monotonic()
        segment = primary.sql(
            "INSERT INTO django_session VALUES ('bench-rpo', 'x', now()) "
            "RETURNING pg_walfile_name(pg_current_wal_insert_lsn())"
        ).splitlines()[0]
        primary.wait_archived(segment)
        rpo = time.monotonic() - began
        print(f"RPO: a committed write reached the archive after {rpo:.1f} s "
              f"(archive_timeout = {options.archive_timeout} s)")  # fmt: skip
        run(env, "shell", "--no-imports", "-c", EVIDENCE.format(count=0))  # one more case
        primary.archive_now()
        wal = size_of(area / "wal")
    finally:
        primary.stop()

    fresh = work / "fresh"
    pgdata = work / "restored"
    restore_env = {k: v for k, v in env.items() if k not in ("SANXIANG_VAR", "DATABASE_URL")}
    rto, output = run(restore_env, "restore", str(area), "--into", str(fresh), "--pgdata",
                      str(pgdata), "--port", str(free_port()))  # fmt: skip
    assert "恢复校验通过" in output, output
    print(f"RTO: restore with WAL replay ({wal >> 20} MiB archived) and full verification "
          f"{rto:.1f} s; plain copy of the set {copy_seconds:.1f} s; ratio "
          f"{rto / copy_seconds:.1f}x")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
