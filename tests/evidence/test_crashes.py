"""What a crash during evidence storage (``kill -9``, power loss) leaves, and what follows."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.core.scratch import leftovers_remove
from sanxiang.evidence.services import evidence_register
from sanxiang.evidence.storage import blob_name, blob_problem
from tests.evidence.conftest import JPEG, metadata, upload

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_truncated_blob_is_not_accepted_as_stored(people, _evidence_storage, caplog):
    sha = hashlib.sha256(JPEG).hexdigest()
    final = _evidence_storage / blob_name(sha)
    final.parent.mkdir(parents=True)
    final.write_bytes(JPEG[:1000])  # what kill -9 half-way through the old copy left

    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))

    assert final.read_bytes() == JPEG
    assert blob_problem(item.blob.storage_name, item.blob_id) is None
    assert f"replacing the stored blob {sha}" in caplog.text


def test_blob_of_the_right_size_but_other_bytes_is_replaced(people, _evidence_storage):
    sha = hashlib.sha256(JPEG).hexdigest()
    final = _evidence_storage / blob_name(sha)
    final.parent.mkdir(parents=True)
    final.write_bytes(b"\0" * len(JPEG))

    evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))

    assert final.read_bytes() == JPEG


def test_stored_blob_is_readable_by_the_service_user_only(people, _evidence_storage):
    old_umask = os.umask(0o022)
    try:
        item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    finally:
        os.umask(old_umask)
    path = _evidence_storage / item.blob.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list((_evidence_storage / ".partial").iterdir())


def test_crash_between_write_and_rename_leaves_no_blob_and_the_leftover_is_cleaned_at_start(
    people, _evidence_storage, monkeypatch
):
    def crash(src, dst):
        raise KeyboardInterrupt  # stands for the process dying before the rename

    monkeypatch.setattr("sanxiang.evidence.storage.os.replace", crash)
    # The except-clause of a dying process never runs: keep the temporary file, as kill -9 would.
    monkeypatch.setattr("pathlib.Path.unlink", lambda self, missing_ok=False: None)
    with pytest.raises(KeyboardInterrupt):
        evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    monkeypatch.undo()

    sha = hashlib.sha256(JPEG).hexdigest()
    assert not (_evidence_storage / blob_name(sha)).exists()
    (leftover,) = (_evidence_storage / ".partial").iterdir()
    assert leftover.read_bytes() == JPEG

    assert leftovers_remove() == []  # too fresh: it may be another process's write
    _age(leftover, 3600)
    assert leftovers_remove() == [leftover]
    assert not leftover.exists()
    evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    assert (_evidence_storage / blob_name(sha)).read_bytes() == JPEG


def test_leftover_uploads_and_conversion_folders_are_removed_at_start(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    upload_left = tmp_path / "tmp" / "tmpab12cd.upload.jpg"
    upload_left.write_bytes(JPEG)
    conversion = tmp_path / "tmp" / "convert" / "sanxiang-pdf-x1y2"
    (conversion / "profile").mkdir(parents=True)
    (conversion / "document.docx").write_bytes(b"PK personal data")
    fresh_upload = tmp_path / "tmp" / "tmpzz99.upload.mp4"
    fresh_upload.write_bytes(b"still arriving")
    unrelated = tmp_path / "tmp" / "keep.txt"
    unrelated.write_text("not ours")
    for path in (upload_left, conversion, conversion / "profile", conversion / "document.docx"):
        _age(path, 7200)
    _age(unrelated, 7200)

    removed = leftovers_remove()

    assert sorted(removed) == sorted([upload_left, conversion])
    assert fresh_upload.exists() and unrelated.exists() and not conversion.exists()


def test_serve_cleans_leftovers_before_starting(settings, tmp_path, monkeypatch):
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.LOG_DIR = tmp_path
    (tmp_path / "tmp").mkdir()
    leftover = tmp_path / "tmp" / "tmp0001.upload.jpg"
    leftover.write_bytes(JPEG)
    _age(leftover, 7200)
    monkeypatch.setattr("sanxiang.core.management.commands.serve._Server.run", lambda self: None)
    monkeypatch.setattr(
        "sanxiang.core.management.commands.serve._Server.__init__",
        lambda self, options: None,
    )
    call_command("serve")
    assert not leftover.exists()


def test_document_conversion_works_in_a_private_folder(settings, tmp_path):
    from sanxiang.core.scratch import conversion_dir

    settings.VAR_DIR = tmp_path
    folder = conversion_dir()
    assert folder == tmp_path / "tmp" / "convert"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
