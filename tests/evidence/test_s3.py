"""Evidence on S3-compatible storage, against a real server: SeaweedFS, started by the tests.

The bucket has Object Lock in compliance mode (WORM): once stored, evidence cannot be deleted
for its retention period, not even by Sanxiang's own credentials.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from sanxiang.cluster.seaweed import create_locked_bucket
from sanxiang.evidence.services import evidence_register
from sanxiang.evidence.storage import blob_name
from sanxiang.ledger.verify import verify_ledger
from tests.evidence.conftest import MP4, metadata, upload

KEY, SECRET = "sanxiang-test", "sanxiang-test-secret"
ENDPOINT = "http://127.0.0.1:8333"
BUCKET = "evidence"

# S3 requests are signed with the client's clock and SeaweedFS refuses a signature more than 15
# minutes off its own (a Go binary: libfaketime cannot move its clock), so these tests run on the
# real clock. Nothing they assert depends on the date.
pytestmark = pytest.mark.real_clock
WEED = Path(sys.executable).with_name("weed")


def client():
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )


@pytest.fixture(scope="module")
def seaweedfs(tmp_path_factory) -> Iterator[None]:
    """``weed mini`` (master, volume, filer and S3 in one process) on loopback only.

    Its ports are fixed, so a test run that finds another run's server (``make test`` runs the
    SQLite and PostgreSQL suites side by side) waits for it to finish first."""
    with (Path(tempfile.gettempdir()) / "sanxiang-seaweedfs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield from _seaweedfs(tmp_path_factory)


def _seaweedfs(tmp_path_factory) -> Iterator[None]:
    data = tmp_path_factory.mktemp("seaweedfs")
    process = subprocess.Popen(
        [
            str(WEED),
            "mini",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-admin.ui=false",
            "-master.telemetry=false",  # no statistics sent anywhere
        ],
        env={**os.environ, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                client().list_buckets()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("SeaweedFS did not start") from None
                time.sleep(0.5)
        s3 = client()
        create_locked_bucket(s3, BUCKET)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def s3_evidence(seaweedfs, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": ENDPOINT,
                "region_name": "us-east-1",
                "access_key": KEY,
                "secret_key": SECRET,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }


def test_a_video_is_stored_in_the_bucket_by_its_hash_and_verifies(people, s3_evidence):
    data = MP4 + os.urandom(2 * 1024 * 1024)
    item = evidence_register(
        actor=people.zhang,
        upload=upload(data, "全程录像.mp4"),
        metadata=metadata(people, kind="full_video"),
    )
    stored = client().get_object(Bucket=BUCKET, Key=blob_name(item.blob_id))
    assert stored["Body"].read() == data
    again = evidence_register(
        actor=people.li,
        upload=upload(data, "副本.mp4"),
        metadata=metadata(people, kind="full_video", case_number="测2号"),
    )
    assert again.blob_id == item.blob_id
    versions = client().list_object_versions(Bucket=BUCKET, Prefix=blob_name(item.blob_id))[
        "Versions"
    ]
    assert len(versions) == 1, "the same bytes are stored once"
    report = verify_ledger()
    assert report.ok, report.problem


def test_stored_evidence_cannot_be_deleted_from_a_compliance_locked_bucket(people, s3_evidence):
    item = evidence_register(
        actor=people.zhang, upload=upload(MP4, "录像.mp4"), metadata=metadata(people, kind="video")
    )
    s3 = client()
    version = s3.head_object(Bucket=BUCKET, Key=blob_name(item.blob_id))["VersionId"]
    with pytest.raises(ClientError) as caught:
        s3.delete_object(Bucket=BUCKET, Key=blob_name(item.blob_id), VersionId=version)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert (
        s3.get_object_retention(Bucket=BUCKET, Key=blob_name(item.blob_id))["Retention"]["Mode"]
        == "COMPLIANCE"
    )


def test_settings_switch_evidence_to_s3_from_the_environment(instance):
    env = {
        **instance.env,
        "SANXIANG_EVIDENCE_S3_BUCKET": BUCKET,
        "SANXIANG_EVIDENCE_S3_ENDPOINT": ENDPOINT,
    }
    code = (
        "from django.conf import settings; e = settings.STORAGES['evidence']; "
        "print(e['BACKEND'], e['OPTIONS']['bucket_name'], e['OPTIONS']['endpoint_url'])"
    )
    output = subprocess.run(
        [str(Path(sys.executable).with_name("sanxiang")), "shell", "--no-imports", "-c", code],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    assert output == f"storages.backends.s3.S3Storage {BUCKET} {ENDPOINT}"
