"""Blobs are covered by ``ledger verify``; case archives verify offline and catch tampering."""

from __future__ import annotations

import json
from io import StringIO

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
    assert report.contents_checked >= 2


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
    metadata_file = json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))
    assert sorted((m["version"], m["kind"]) for m in metadata_file) == [
        (1, "full_video"),
        (1, "photo"),
        (2, "photo"),
    ]
    leaves = (bag / "ledger" / "leaves.jsonl").read_text(encoding="utf-8")
    assert "evidence.exported" in leaves and "evidence.corrected" in leaves


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("record", "does not match its SHA-256/SM3 manifest"),
        ("manifest", "tag file manifest-sha256.txt is missing or altered"),
        ("leaf", "tag file ledger/leaves.jsonl is missing or altered"),
        ("head", "tag file ledger/tree-head.json is missing or altered"),
    ],
)
def test_a_tampered_archive_is_refused(case, tmp_path, tamper, message):
    photo, _ = case
    bag = archive_export(case_number=photo.case_number, out_dir=tmp_path)
    if tamper == "record":
        target = next((bag / "data" / "records").glob("*.mp4"))
        target.write_bytes(target.read_bytes()[:-1] + b"!")
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
        path.write_text(
            path.read_text(encoding="utf-8").replace('"tree_size": ', '"tree_size": 1'),
            encoding="utf-8",
        )
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
