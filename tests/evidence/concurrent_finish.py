"""The page's empty PATCH while the background work copies a complete upload into the store
(run by test_resumable_held with a real, committed database: the work's thread and the request
use their own connections, as a worker and a web node do).

The store is the installation's own, behind a wrapper that is not a local folder (so the last
PATCH leaves the registration to the web process's worker thread, as with S3) and that holds
the copy until told to go on. Usage: python -m tests.evidence.concurrent_finish
Prints one JSON line.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.test import Client
from django.utils import timezone

from sanxiang.cases.models import Procedure, evidence_reference
from sanxiang.cases.services import NewCase, case_open
from sanxiang.core import background
from sanxiang.evidence import resumable
from sanxiang.evidence.models import EvidenceItem, ResumableUpload
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import EnforcementCategory, Officer

CHUNK = 1024 * 1024
TUS: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0"}


class HeldStore(Storage):
    """The real store, except that a copy waits (in its thread) until ``go`` is set."""

    def __init__(self, real: Storage) -> None:
        self.real = real
        self.copying = threading.Event()
        self.go = threading.Event()
        self.copies = 0

    def _save(self, name: str, content: Any) -> str:
        self.copies += 1
        self.copying.set()
        # Polled: a timed Event.wait never returns under libfaketime.
        deadline = time.monotonic() + 60
        while not self.go.is_set():
            if time.monotonic() > deadline:
                raise RuntimeError("the copy was never let go on")
            time.sleep(0.05)
        return self.real.save(name, content)

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self.real.open(name, mode)

    def exists(self, name: str) -> bool:
        return self.real.exists(name)

    def size(self, name: str) -> int:
        return self.real.size(name)

    def delete(self, name: str) -> None:
        self.real.delete(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.real.get_available_name(name, max_length)


def let_go_after(held: HeldStore, seconds: float) -> None:
    """Whatever happens, the copy goes on after ``seconds`` (a nudge waiting on it is then
    answered, late)."""
    time.sleep(seconds)
    held.go.set()


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    held = HeldStore(storages["evidence"])
    storages._storages["evidence"] = held  # type: ignore[attr-defined]
    assert background.mode() == "thread", background.mode()
    # A copy longer than the lease (minutes for GBs into a bucket; here seconds).
    resumable.LEASE = timedelta(seconds=3)
    zhang = Officer.objects.get(user__username="zhangwei")
    today = timezone.localdate()
    case = case_open(
        actor=zhang,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="执法记录仪录像登记测试", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=today - timedelta(days=3), clue_received_on=today - timedelta(days=3),
        ),
    )  # fmt: skip
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(3 * CHUNK)
    browser = Client()
    assert zhang.user is not None
    browser.force_login(zhang.user)
    name = base64.b64encode("执法记录仪.mp4".encode()).decode()
    fields = {
        "case_number": evidence_reference(case), "kind": "video",
        "collected_at": f"{today - timedelta(days=1)}T10:30", "location": "人民路 100 号",
        "collector": zhang.pk, "proves": "占道经营", "device": "DSJ-001",
    }  # fmt: skip
    created = browser.post(
        "/office/evidence/uploads/", fields, HTTP_UPLOAD_LENGTH=str(len(video)),
        HTTP_UPLOAD_METADATA=f"filename {name}", secure=True, **TUS,
    )  # fmt: skip
    assert created.status_code == 201, created.content.decode()
    url = created["Location"]

    def patch(offset: int, body: bytes) -> Any:
        return browser.generic(
            "PATCH", url, body, content_type="application/offset+octet-stream",
            CONTENT_TYPE="application/offset+octet-stream", CONTENT_LENGTH=str(len(body)),
            HTTP_UPLOAD_OFFSET=str(offset), secure=True, **TUS,
        )  # fmt: skip

    last = None
    for offset in range(0, len(video), CHUNK):
        last = patch(offset, video[offset : offset + CHUNK])
        assert last.status_code == 204, last.content.decode()
    assert last is not None and last["Sanxiang-Registering"] == "1"
    # The worker thread is copying the file into the store (held there).
    deadline = time.monotonic() + 30
    while not held.copying.is_set():
        assert time.monotonic() < deadline, "the background work never started the copy"
        time.sleep(0.05)
    time.sleep(5)  # past the lease the work took
    threading.Thread(target=let_go_after, args=(held, 15), daemon=True).start()
    nudges = []
    for _ in range(2):
        started = time.monotonic()
        nudge = patch(len(video), b"")
        nudges.append(
            {
                "seconds": round(time.monotonic() - started, 3),
                "status": nudge.status_code,
                "registering": nudge.get("Sanxiang-Registering", ""),
            }
        )
    started = time.monotonic()
    state = browser.get(url, secure=True, **TUS).json()
    polled = round(time.monotonic() - started, 3)
    items_while_copying = EvidenceItem.objects.filter(case_number=fields["case_number"]).count()
    held.go.set()
    upload = ResumableUpload.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1])
    deadline = time.monotonic() + 60
    while upload.item_id is None and not upload.refusal and time.monotonic() < deadline:
        time.sleep(0.2)
        upload.refresh_from_db()
    # The page's next nudge, after the registration: nothing more is registered.
    after = patch(len(video), b"")
    items = EvidenceItem.objects.filter(case_number=fields["case_number"])
    events = LedgerEntry.objects.filter(
        action="evidence.created", object_id__in=[str(item.pk) for item in items]
    )
    print(
        json.dumps(
            {
                "nudges": nudges,
                "state_while_copying": state,
                "poll_seconds": polled,
                "items_while_copying": items_while_copying,
                "copies": held.copies,
                "refusal": upload.refusal,
                "items": items.count(),
                "events": [event.actor for event in events],
                "officer": f"user:{zhang.user_id}",
                "after": {"status": after.status_code, "evidence": after.get("Sanxiang-Evidence")},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
