"""Blobs are covered by ``ledger verify``; case archives verify offline and catch tampering."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from sanxiang.evidence.archive import ArchiveInvalid, archive_export, archive_verify
from sanxiang.evidence.services import evidence_correct, evidence_open, evidence_register
from sanxiang.evidence.storage import blob_name
from sanxiang.ledger.verify import verify_ledger
from tests.evidence.conftest import MP4, metadata, upload


@pytest.fixture
def case(people):
    photo = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    video = evidence_register(
        actor=people.zhang,
        upload=upload(MP4, "全程录像.mp4"),
        metadata=metadata(people, kind="full_video"),
    )
    evidence_correct(
        actor=people.zhang, item_id=photo.pk, changes={"device": "手机"}, reason="设备记错"
    )
    evidence_open(actor=people.li, item_id=video.pk, action="view")
    return photo, video


def test_verify_rehashes_the_blob_behind_every_event(case):
    report = verify_ledger()
    assert report.ok, report.problem
    assert report.events_checked == 4  # created ×2, corrected, viewed


def test_an_altered_blob_in_storage_is_found(case, _evidence_storage):
    photo, _ = case
    path = _evidence_storage / blob_name(photo.blob_id)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert f"blob {photo.blob_id} has been altered in storage" in verify_ledger().problem


def test_a_deleted_blob_is_found(case, _evidence_storage):
    _, video = case
    (_evidence_storage / blob_name(video.blob_id)).unlink()
    assert f"blob {video.blob_id} is missing" in verify_ledger().problem


def test_archive_exports_and_verifies_offline(case, tmp_path):
    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    summary = archive_verify(bag)
    assert summary.startswith("OK 3 files")
    for path in bag.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    metadata_file = json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))
    assert sorted(
        (m["ledger_fields"]["version"], m["ledger_fields"]["kind"]) for m in metadata_file
    ) == [
        (1, "full_video"),
        (1, "photo"),
        (2, "photo"),
    ]
    leaves = (bag / "ledger" / "leaves.jsonl").read_text(encoding="utf-8")
    assert "evidence.exported" in leaves and "evidence.corrected" in leaves


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("record", "is not the file the ledger recorded"),
        ("manifest", "tag file manifest-sha256.txt is missing or altered"),
        ("leaf", "is not in the signed tree"),
        ("head", "signature is invalid"),
    ],
)
def test_a_tampered_archive_is_refused(case, tmp_path, tamper, message):
    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    if tamper == "record":
        target = next((bag / "data" / "records").glob("*.mp4"))
        # Flip its last byte: writing a fixed one left a random file unchanged 1 time in 256.
        data = target.read_bytes()
        target.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    elif tamper == "manifest":
        (bag / "manifest-sha256.txt").write_text("", encoding="utf-8")
    elif tamper == "leaf":
        path = bag / "ledger" / "leaves.jsonl"
        path.write_text(
            path.read_text(encoding="utf-8").replace("evidence.viewed", "evidence.viewe"),
            encoding="utf-8",
        )
    else:
        path = bag / "ledger" / "tree-head.json"
        head = json.loads(path.read_text(encoding="utf-8"))
        head["payload"] = head["payload"].replace('"size":', '"size":1')
        path.write_text(json.dumps(head), encoding="utf-8")
    with pytest.raises(ArchiveInvalid, match=message):
        archive_verify(bag)


def test_an_archive_whose_tag_manifest_was_recomputed_still_fails_on_the_proofs(case, tmp_path):
    """Rewriting a leaf and every manifest cannot forge the signed tree's inclusion proof."""
    import hashlib

    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    path = bag / "ledger" / "leaves.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("evidence.viewed", "evidence.viewe"),
        encoding="utf-8",
    )
    lines = []
    for line in (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("  ", 1)[1]
        lines.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}")
    (bag / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ArchiveInvalid, match="is not in the signed tree"):
        archive_verify(bag)


def test_archive_cli_exports_and_verifies(case, tmp_path, capsys):
    photo, _ = case
    out = StringIO()
    call_command("archive", "export", photo.case_number, "--out", str(tmp_path), stdout=out)
    bag = out.getvalue().strip()
    out = StringIO()
    call_command("archive", "verify", bag, stdout=out)
    assert out.getvalue().startswith("OK")
    (tmp_path / "nothing").mkdir()
    with pytest.raises(SystemExit) as caught:
        call_command("archive", "verify", str(tmp_path / "nothing"))
    assert caught.value.code == 1


def rehash_manifests(bag):
    """What a forger would do after changing files: recompute every manifest."""
    from sanxiang.evidence.archive import _digest_file

    data = sorted(str(p.relative_to(bag)) for p in (bag / "data").rglob("*") if p.is_file())
    for algorithm in ("sha256", "sm3"):
        rows = [f"{getattr(_digest_file(bag / name), algorithm)}  {name}" for name in data]
        (bag / f"manifest-{algorithm}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sm3.txt",
            "ledger/leaves.jsonl", "ledger/proofs.json", "ledger/tree-head.json"]  # fmt: skip
    rows = [f"{_digest_file(bag / tag).sha256}  {tag}" for tag in tags]
    (bag / "tagmanifest-sha256.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_swapped_file_is_found_even_with_its_metadata_and_manifests_rewritten(case, tmp_path):
    """Only the signature is trusted: the file must match metadata pinned by a signed leaf."""
    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    target = next((bag / "data" / "records").glob("*.jpg"))
    forged = b"\xff\xd8\xff" + b"forged photo"
    target.write_bytes(forged)
    path = bag / "data" / "metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    for entry in metadata:
        if entry["file"] == str(target.relative_to(bag)):
            entry["ledger_fields"]["blob"] = hashlib.sha256(forged).hexdigest()
            entry["ledger_fields"]["version"] = 2
    path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    rehash_manifests(bag)
    with pytest.raises(ArchiveInvalid, match="is not what the ledger recorded"):
        archive_verify(bag)


def test_a_record_dropped_from_the_package_is_found(case, tmp_path):
    _, video = case
    bag = archive_export(case_number=video.case_number, out_dir=tmp_path)
    next((bag / "data" / "records").glob("*.mp4")).unlink()
    path = bag / "data" / "metadata.json"
    kept = [
        e
        for e in json.loads(path.read_text(encoding="utf-8"))
        if e["ledger_fields"]["kind"] != "full_video"
    ]
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    rehash_manifests(bag)
    with pytest.raises(ArchiveInvalid, match="missing from the package"):
        archive_verify(bag)


def test_an_archive_signed_by_another_key_than_expected_is_refused(case, tmp_path):
    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    with pytest.raises(ArchiveInvalid, match="not the expected"):
        archive_verify(bag, expected_key_id="0" * 64)


def test_evidence_rows_cannot_be_changed_and_a_change_behind_the_triggers_is_found(case):
    from django.db import DatabaseError, connection, transaction

    from tests.ledger.conftest import lift_triggers

    _, video = case
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE evidence_evidenceitem SET location = 'x' WHERE id = %s", [video.pk])
    lift_triggers(EVIDENCE_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_evidenceitem SET location = '别处' WHERE id = %s", [video.pk]
        )
    assert (
        f"evidence item {video.pk}: metadata no longer matches its evidence.created event"
        in verify_ledger().problem
    )


def test_a_deleted_access_record_is_found(case):
    from django.db import connection

    from sanxiang.evidence.models import AccessRecord
    from tests.ledger.conftest import lift_triggers

    lift_triggers(EVIDENCE_TABLES)
    record = AccessRecord.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evidence_accessrecord WHERE id = %s", [record.pk])
    assert (
        f"the access record of event {record.ledger_sequence} is missing" in verify_ledger().problem
    )


EVIDENCE_TABLES = (
    "evidence_blob",
    "evidence_evidenceitem",
    "evidence_custodytransfer",
    "evidence_accessrecord",
)


def test_verify_reads_evidence_rows_per_batch_not_per_event(case, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanxiang.evidence.services import evidence_open

    _, video = case

    def evidence_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert verify_ledger().ok
        return sum('"evidence_' in q["sql"] for q in queries.captured_queries)

    before = evidence_queries()
    for _ in range(10):
        evidence_open(actor=people.li, item_id=video.pk, action="view")
    assert evidence_queries() == before


def test_the_archive_command_takes_the_case_number_with_any_brackets(case, tmp_path):
    import io

    from django.core.management import call_command

    photo, _ = case
    typed = photo.case_number.replace("〔", "[").replace("〕", "]")
    out = io.StringIO()
    call_command("archive", "export", typed, "--out", str(tmp_path), stdout=out)
    assert archive_verify(Path(out.getvalue().strip())).startswith("OK 3 files")
