"""The whole cluster (issue 18) with real processes on loopback (``sanxiang cluster up``):
PostgreSQL primary, replica and PgBouncer, SeaweedFS (the evidence bucket, Object Lock on), two
app nodes, a queue worker and HAProxy in front.

A case flow through the load balancer is served by both nodes and its document's PDF is made by
the worker, once, and kept in the bucket; evidence uploaded through one node is in the bucket
under its hash, cannot be deleted there, and downloads through the other; one node killed with
SIGKILL under a stream of requests loses none that the client retries, leaves no half-written
case, and HAProxy takes it out.

PostgreSQL leg only: the cluster's primary starts as a copy of the suite's server holding the
shared demo installation (``instance``), which spares a migration and a demo load.

The cluster runs on the real clock, not the suite's pinned one: the nodes sign their S3 requests
with their clock and SeaweedFS (a static Go binary, out of libfaketime's reach) refuses a
signature more than 15 minutes off its own. The flow's dates are days before the real today.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from botocore.exceptions import ClientError

from sanxiang.cluster.site import BUCKET, NODES, Seed, Site
from sanxiang.evidence.storage import blob_name
from tests.conftest import SANXIANG, Instance

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs the PostgreSQL leg's server (scripts/with-postgres.py) to copy",
    ),
    pytest.mark.real_clock,  # S3 signatures (the module's docstring)
]

PASSWORD = "sanxiang-demo"
#: What a client takes for "try again": the connection failed, or the balancer found no node.
RETRYABLE = (502, 503, 504)
TRIES = 10


class Browser:
    """One person's HTTP client through the load balancer: cookies, the CSRF token, and which
    node answered each request (``X-Sanxiang-Node``)."""

    def __init__(self, base: str) -> None:
        parsed = urlparse(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.cookies: dict[str, str] = {}
        self.nodes: list[str] = []

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        file: tuple[str, str, bytes] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """``data`` as a form (with ``file``, a multipart one: field name, file name, bytes)."""
        response, raw = self.request_bytes(method, path, data, file)
        return response[0], response[1], raw.decode("utf-8", errors="replace")

    def request_bytes(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        file: tuple[str, str, bytes] | None = None,
        *,
        body: str | bytes | None = None,
        extra: dict[str, str] | None = None,
    ) -> tuple[tuple[int, dict[str, str]], bytes]:
        """``body`` and ``extra`` headers: a request of another kind (a tus chunk)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        if data is not None:
            fields = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            if file is None:
                body = urllib.parse.urlencode(fields, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body, headers["Content-Type"] = _multipart(fields, *file)
            headers["Origin"] = f"http://{self.host}:{self.port}"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            answer = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        if "x-sanxiang-node" in answer:
            self.nodes.append(answer["x-sanxiang-node"])
        return (response.status, answer), raw

    def get(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        assert status == 200, (path, status, text[:500])
        return text

    def post(
        self, path: str, data: dict[str, Any], file: tuple[str, str, bytes] | None = None
    ) -> str:
        """A form POST answered with a redirect (the pages' post/redirect/get); its target."""
        status, headers, text = self.request("POST", path, data, file)
        assert status == 302, (path, status, text[:800])
        return headers["location"]

    def log_in(self, username: str) -> None:
        self.get("/office/login/")
        self.post("/office/login/", {"username": username, "password": PASSWORD, "next": ""})


BOUNDARY = "----sanxiang-cluster-test"


def _multipart(fields: dict[str, Any], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


@dataclass
class Flow:
    """The case the end-to-end flow made, and the nodes that served it."""

    case: int
    document: int
    handlers: list[str]
    nodes: list[str] = field(default_factory=list)


def _real_today() -> date:
    """Today in Beijing by the real clock, which the cluster runs on (the module's docstring)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _value(site: Site, query: str) -> str:
    return site.pg.sql("primary", query)


@pytest.fixture(scope="module")
def site(instance: Instance) -> Iterator[Site]:
    seed = Seed(port=urlparse(os.environ["DATABASE_URL"]).port or 5432, var=instance.var)
    root = tempfile.mkdtemp(prefix="sanxiang-site-")
    os.rmdir(root)
    cluster = Site(root=Path(root))
    try:
        cluster.up(seed=seed, workers=1, log=False)
        # The demo's certificates end in 2028 and 2029 and the cluster runs on the real clock:
        # move them around the real today (in the cluster's copy only), or 立案 is refused then.
        today = _real_today()
        cluster.pg.sql(
            "primary",
            "UPDATE org_certificate SET"
            f" valid_from = LEAST(valid_from, DATE '{today - timedelta(days=400)}'),"
            f" valid_until = GREATEST(valid_until, DATE '{today + timedelta(days=400)}')"
            " WHERE revoked_on IS NULL",
        )
        yield cluster
    finally:
        cluster.down(delete=False, wait=0)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def flow(site: Site) -> Flow:
    """An officer opens a 一般程序 case and names the second handler; the 负责人 立案s it; the
    officer makes its 询问笔录 — every step a form through HAProxy."""
    officer, head = Browser(site.url), Browser(site.url)
    day = {n: (_real_today() - timedelta(days=n)).isoformat() for n in (9, 8, 5)}
    officer.log_in("zhangwei")
    form = officer.get("/office/cases/new/")
    category = re.search(r'<option value="(\d+)"[^>]*>城市管理', form)
    assert category, form[:2000]
    location = officer.post(
        "/office/cases/new/",
        {
            "procedure": "penalty_general", "title": "占道经营（集群测试）", "source": "巡查发现",
            "category": category.group(1), "violation_on": day[9],
            "clue_received_on": day[8], "facts": "在人民路占道摆摊",
            "party_kind": "person", "party_name": "王某", "party_identifier": "11010519491231002X",
            "party_address": "示范市人民路 1 号",
        },
    )  # fmt: skip
    found = re.search(r"/office/cases/(\d+)/", location)
    assert found, location
    case = int(found.group(1))
    page = officer.get(f"/office/cases/{case}/")
    chosen = re.findall(r'<option value="(\d+)"[^>]*>(张伟|李娜)（', page)
    assert len(chosen) == 2, page[:3000]
    officer.post(f"/office/cases/{case}/handlers", {"handlers": [pk for pk, _ in chosen]})
    head.log_in("liuzhiqiang")
    head.post(f"/office/cases/{case}/act", {"action": "register"})
    assert _value(site, f"SELECT state FROM cases_case WHERE id = {case}") == "investigating"
    inputs = {
        "started_at": f"{day[5]}T14:00", "ended_at": f"{day[5]}T14:40",
        "place": "执法一大队询问室", "person": "王某", "person_role": "当事人",
        "qa": "问：你在人民路摆摊多久了？\n答：大约三个月。",
    }  # fmt: skip
    officer.post(
        f"/office/cases/{case}/documents/inquiry_record",
        {f"inquiry_record-{k}": v for k, v in inputs.items()},
    )
    document = int(_value(site, f"SELECT id FROM cases_casedocument WHERE case_id = {case}"))
    return Flow(
        case=case,
        document=document,
        handlers=[pk for pk, _ in chosen],
        nodes=officer.nodes + head.nodes,
    )


def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_case_flow_through_the_balancer_is_served_by_both_nodes_and_the_worker(site, flow):
    # Log-in, forms and redirects alternated between the nodes: the session and the CSRF token
    # made on one node held on the other.
    assert set(flow.nodes) == set(NODES), flow.nodes
    assert flow.nodes.count("node1") >= 3 and flow.nodes.count("node2") >= 3
    # The worker made the PDF (the nodes do not: SANXIANG_QUEUE=procrastinate), once.
    pdf = f"SELECT pdf_sha256 FROM cases_casedocument WHERE id = {flow.document}"
    pdf_sha256 = _until(lambda: _value(site, pdf), 300, "the worker's PDF")
    # It is kept where evidence is: in the bucket, under its hash, locked.
    stored = site.seaweed.client().head_object(Bucket=BUCKET, Key=blob_name(pdf_sha256))
    assert stored["ObjectLockMode"] == "COMPLIANCE"
    jobs = _value(
        site,
        "SELECT string_agg(status::text, ',') FROM procrastinate_jobs"
        f" WHERE args->'arguments'->>'document_id' = '{flow.document}'",
    )
    assert jobs == "succeeded"
    events = "SELECT count(*) FROM ledger_ledgerentry WHERE action = 'cases.document.pdf_made'"
    assert _value(site, f"{events} AND object_id = '{flow.document}'") == "1"
    versions = f"SELECT count(*) FROM cases_casedocument WHERE case_id = {flow.case}"
    assert _value(site, versions) == "1"
    # Whichever node answers, the PDF is there to download.
    officer = Browser(site.url)
    officer.log_in("zhangwei")
    for _ in NODES:
        status, headers, _text = officer.request(
            "GET", f"/office/cases/documents/{flow.document}.pdf"
        )
        assert status == 200 and headers["content-type"] == "application/pdf"
    assert set(officer.nodes[-2:]) == set(NODES)


def test_evidence_uploaded_through_one_node_is_locked_in_the_bucket_and_downloads_from_the_other(
    site, flow
):
    officer = Browser(site.url)
    officer.log_in("zhangwei")
    reference = _value(site, f"SELECT number FROM cases_case WHERE id = {flow.case}")
    form = officer.get(f"/office/evidence/upload/?case={urllib.parse.quote(reference)}")
    collector = re.search(r'<option value="(\d+)" selected>', form)
    assert reference and collector, form[:3000]
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(2 * 1024 * 1024)
    sha256 = hashlib.sha256(video).hexdigest()
    fields = {
        "case_number": reference, "kind": "full_video",
        "collected_at": f"{_real_today() - timedelta(days=5)}T14:10", "location": "示范市人民路",
        "collector": collector.group(1), "proves": "当事人占道经营", "device": "DSJ-018",
    }  # fmt: skip
    location = officer.post("/office/evidence/upload/", fields, ("file", "现场录像.mp4", video))
    found = re.search(r"/office/evidence/(\d+)/", location)
    assert found, location
    uploaded_on = officer.nodes[-1]
    # In the bucket under its hash, with the bytes sent, locked for the default retention.
    s3 = site.seaweed.client()
    key = blob_name(sha256)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == video
    version = s3.head_object(Bucket=BUCKET, Key=key)["VersionId"]
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=BUCKET, Key=key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == video
    retention = s3.get_object_retention(Bucket=BUCKET, Key=key)["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    # The record's download link, followed until the other node has served it (the link's grant
    # is signed with the secret every node shares).
    page = officer.get(f"/office/evidence/{found.group(1)}/")
    link = re.search(r'href="(/office/evidence/\d+/download\?g=[^"]+)"', page)
    assert link, page[:3000]
    for _ in range(4):
        (status, headers), body = officer.request_bytes("GET", link.group(1).replace("&amp;", "&"))
        assert status == 200, body[:500]
        assert body == video
        if headers["x-sanxiang-node"] != uploaded_on:
            break
    else:
        raise AssertionError(f"every download came from {uploaded_on}: {officer.nodes}")
    # A large recording in resumable chunks (tus), each through HAProxy, so taking turns on the
    # nodes: the scratch file they append to is shared, and the whole lands in the bucket.
    recording = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(3 * 1024 * 1024)
    tus = {"Tus-Resumable": "1.0.0"}
    name = base64.b64encode("执法记录仪.mp4".encode()).decode()
    (status, headers), text = officer.request_bytes(
        "POST", "/office/evidence/uploads/", {**fields, "kind": "video"},
        extra={**tus, "Upload-Length": str(len(recording)), "Upload-Metadata": f"filename {name}"},
    )  # fmt: skip
    assert status == 201, text[:1000]
    upload_url, chunk, served = headers["location"], 1024 * 1024, []
    for offset in range(0, len(recording), chunk):
        (status, headers), text = officer.request_bytes(
            "PATCH", upload_url, body=recording[offset : offset + chunk],
            extra={
                **tus, "Upload-Offset": str(offset), "X-CSRFToken": officer.cookies["csrftoken"],
                "Content-Type": "application/offset+octet-stream",
            },
        )  # fmt: skip
        assert status == 204, (offset, text[:1000])
        served.append(officer.nodes[-1])
    assert set(served) == set(NODES), served
    # With the bucket and the queue the last chunk is answered at once; the cluster's
    # `sanxiang worker` copies the file into the bucket and registers it. As the page does,
    # ask (GET) until the upload names the evidence.
    assert headers.get("sanxiang-registering") == "1", headers
    deadline, state = time.monotonic() + 240, {}
    while time.monotonic() < deadline:
        (status, _headers), text = officer.request_bytes("GET", upload_url, extra=tus)
        assert status == 200, text[:1000]
        state = json.loads(text)
        assert "error" not in state, state
        if state.get("evidence"):
            break
        time.sleep(1)
    else:
        raise AssertionError(
            "the worker did not register the complete upload within 240 s "
            f"(evidence.upload_finish): the upload still says {state}"
        )
    recording_sha256 = hashlib.sha256(recording).hexdigest()
    item = re.fullmatch(r"/office/evidence/(\d+)/", state["evidence"])
    assert item, state
    assert _value(
        site, f"SELECT string_agg(id::text, ',') FROM evidence_evidenceitem "
        f"WHERE blob_id = '{recording_sha256}'"
    ) == item.group(1)  # fmt: skip
    key = blob_name(recording_sha256)
    assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(recording)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == recording
    retention = s3.get_object_retention(Bucket=BUCKET, Key=key)["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    # The officer who uploaded registered it, though the worker ran the registration.
    zhang = _value(site, "SELECT id FROM auth_user WHERE username = 'zhangwei'")
    assert _value(
        site, "SELECT string_agg(actor, ',') FROM ledger_ledgerentry "
        f"WHERE action = 'evidence.created' AND object_id = '{item.group(1)}'"
    ) == f"user:{zhang}"  # fmt: skip
    verify = subprocess.run(
        [str(SANXIANG), "ledger", "verify"],
        env=site.app_env("node2", site.pg), capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert verify.returncode == 0 and verify.stdout.startswith("OK "), verify.stderr[-2000:]


@dataclass
class Tally:
    done: int = 0
    retried: list[tuple[str, str]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    nodes_after: list[str] = field(default_factory=list)


def _stream(
    site: Site, flow: Flow, stop: threading.Event, killed: threading.Event, ready: threading.Barrier
) -> Tally:
    """One client: reads of the portal and of the case, and an idempotent write (the same
    handlers set again), each tried again on a connection error or a 5xx of the balancer."""
    tally = Tally()
    browser = Browser(site.url)
    browser.log_in("zhangwei")
    ready.wait(timeout=120)
    steps = [
        ("GET", "/gongshi/", None),
        ("GET", f"/office/cases/{flow.case}/", None),
        ("POST", f"/office/cases/{flow.case}/handlers", {"handlers": flow.handlers}),
    ]
    while not stop.is_set():
        for method, path, data in steps:
            after_kill = killed.is_set()
            for _ in range(TRIES):
                try:
                    status, headers, _ = browser.request(method, path, data)
                except (OSError, http.client.HTTPException) as error:
                    tally.retried.append((path, type(error).__name__))
                    time.sleep(0.2)
                    continue
                if status in RETRYABLE:
                    tally.retried.append((path, str(status)))
                    time.sleep(0.2)
                    continue
                if status not in (200, 302):
                    tally.failed.append(f"{method} {path} {status}")
                tally.done += 1
                if after_kill:
                    tally.nodes_after.append(headers.get("x-sanxiang-node", "?"))
                break
            else:
                tally.failed.append(f"{method} {path}: gave up after {TRIES} tries")
    return tally


def test_killing_a_node_under_load_loses_no_request_and_haproxy_takes_it_out_until_back(site, flow):
    stop, killed = threading.Event(), threading.Event()
    results: list[Tally] = []
    ready = threading.Barrier(3)  # both clients logged in, and this test
    clients = [
        threading.Thread(target=lambda: results.append(_stream(site, flow, stop, killed, ready)))
        for _ in range(2)
    ]
    for client in clients:
        client.start()
    ready.wait(timeout=120)
    time.sleep(4)
    site.kill("node1")  # SIGKILL to gunicorn's master and its workers, as when a machine dies
    killed.set()
    _until(lambda: site.backends().get("node1") == "DOWN", 30, "HAProxy to mark node1 down")
    marked_down = time.monotonic()
    time.sleep(4)
    stop.set()
    for client in clients:
        client.join(timeout=120)
    assert len(results) == len(clients)
    assert site.backends() == {"node1": "DOWN", "node2": "UP"}
    done = sum(t.done for t in results)
    retried = [r for t in results for r in t.retried]
    failed = [f for t in results for f in t.failed]
    assert not failed and done > 20, (failed, done)
    # Each client had at most one request in flight on node1 when it died; HAProxy resends
    # what never reached a node (a refused connection) to node2 by itself.
    assert len(retried) <= len(clients), retried
    # Everything answered after the kill came from the live node.
    after = [n for t in results for n in t.nodes_after]
    assert after and set(after) == {"node2"}, after
    assert time.monotonic() - marked_down < 60
    # No half-written case: the case has exactly its two handlers, and every log verifies.
    handlers = _value(site, f"SELECT count(*) FROM cases_case_handlers WHERE case_id = {flow.case}")
    assert handlers == "2"
    env = site.app_env("node2", site.pg)
    verify = subprocess.run(
        [str(SANXIANG), "ledger", "verify"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stderr[-2000:]
    assert verify.stdout.startswith("OK "), verify.stdout[:2000]
    # Started again, the node is back in HAProxy's rotation once its /readyz answers.
    site.start_node("node1", workers=1)
    site.wait_ready("node1")
    site.wait_balanced()
    assert site.backends() == {"node1": "UP", "node2": "UP"}
