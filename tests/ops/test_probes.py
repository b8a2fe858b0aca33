"""/healthz, /readyz, /metrics and the request id, through Django's whole middleware stack."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext

from sanxiang.instance import secret_key
from sanxiang.jobs.models import Job, JobState
from sanxiang.ledger.models import LedgerEntry, LedgerLog, TreeHead
from sanxiang.ops import metrics, probes
from sanxiang.org.models import Unit
from tests.conftest import make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_table_figures(settings):
    """Every scrape reads the tables: the figures are otherwise kept for 15 s, module-wide,
    and one test would see another's."""
    settings.SANXIANG_METRICS_DB_SECONDS = 0
    metrics._tables._at = float("-inf")
    metrics._tables._families = []


def _sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + ("{" if labels else " ")):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_healthz_answers_without_database_session_or_cookie(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert len(queries) == 0
    assert not response.cookies
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_probes_answer_a_load_balancer_by_ip_over_plain_http(client, settings):
    """A health check names the node by address and does not speak TLS; the host check and the
    HTTPS redirect that every page has must not turn it into a 400 or a 301."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["sanxiang.example.gov.cn"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    ready = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert ready.status_code == 200, ready.content
    assert ready.json() == {
        "ready": True,
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "evidence_storage": "ok",
            "signing_key": "ok",
        },
    }
    assert client.get("/gongshi/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_readyz_names_an_evidence_store_that_cannot_be_written(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the evidence folder should be")
    evidence = {**settings.STORAGES["evidence"]}
    evidence["OPTIONS"] = {**evidence["OPTIONS"], "location": str(blocked / "evidence")}
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence}
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False and body["checks"]["evidence_storage"] == "failed"
    assert body["checks"]["database"] == "ok"
    assert "details" not in body  # a stranger learns which check failed, not paths or hosts
    details = client.get("/readyz").json()["details"]  # loopback may read /metrics
    assert "evidence folder" in details["evidence_storage"]


def test_a_well_formed_request_id_is_echoed_and_a_bad_one_replaced(client):
    given = "lb-7F000001:C1A4_00AB.17"
    given = given.replace("_", "-")
    assert client.get("/gongshi/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    for bad in ("x" * 129, "<script>alert(1)</script>", "id with spaces", "身份证"):
        echoed = client.get("/gongshi/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert echoed != bad and re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_a_named_node_says_so_on_every_answer_and_an_unnamed_one_not(client, settings):
    settings.SANXIANG_NODE_NAME = "node2"
    assert client.get("/gongshi/")["X-Sanxiang-Node"] == "node2"
    assert client.get("/healthz")["X-Sanxiang-Node"] == "node2"
    settings.SANXIANG_NODE_NAME = ""
    assert "X-Sanxiang-Node" not in client.get("/gongshi/")


def test_metrics_count_requests_by_route_not_path(client, agency):
    before = client.get("/metrics").content.decode()
    count = "sanxiang_http_request_duration_seconds_count"
    seen = _sample(before, count, route="portal:decision", status="4xx") or 0
    for pk in (999_001, 999_002, 999_003):
        assert client.get(f"/gongshi/decisions/{pk}/").status_code == 404
    text = client.get("/metrics").content.decode()
    assert _sample(text, count, route="portal:decision", status="4xx") == seen + 3
    # The label is the route's name, never the path: no decision number becomes a label value
    # (a bare substring check would also match the digits of a float timestamp).
    routes = set(re.findall(r'route="([^"]*)"', text))
    assert "portal:decision" in routes
    assert not [route for route in routes if "/" in route or "99900" in route], routes
    # The tables: the queue by state, each agency's log, the evidence stored.
    Job.objects.all().delete()
    text = client.get("/metrics").content.decode()
    assert _sample(text, "sanxiang_jobs", state="queued") == 0
    assert _sample(text, "sanxiang_jobs", state="running") == 0
    head = make_officer(unit=Unit.objects.filter(agency=agency).first(), name="李科长", number=None)
    for key, state in (("a", JobState.QUEUED), ("b", JobState.QUEUED), ("c", JobState.RUNNING)):
        Job.objects.create(
            kind="annual_report_pdf", input_key=key, agency=agency, requested_by=head, state=state
        )
    text = client.get("/metrics").content.decode()
    assert _sample(text, "sanxiang_jobs", state="queued") == 2
    assert _sample(text, "sanxiang_jobs", state="running") == 1
    assert _sample(text, "sanxiang_jobs", state="done") == 0
    logs = list(LedgerLog.objects.all())
    assert logs
    for log in logs:
        entries = LedgerEntry.objects.filter(log=log).count()
        assert _sample(text, "sanxiang_ledger_entries", log=log.key) == entries
    assert _sample(text, "sanxiang_evidence_bytes") == 0
    assert _sample(text, "sanxiang_replica_lag_seconds", alias="replica") is None


def test_metrics_refused_to_other_addresses_and_to_an_untrusted_proxy(client, settings):
    refused = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 403
    assert "无权读取运行指标" in refused.content.decode()
    assert "sanxiang_" not in refused.content.decode()
    # nginx on the same machine forwarding a stranger: loopback peer, but not let in by it.
    proxied = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403
    settings.SANXIANG_METRICS_TOKEN = "s3cret-scrape-token"
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    allowed = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    assert allowed.status_code == 200
    assert "sanxiang_http_request_duration_seconds_bucket" in allowed.content.decode()
    settings.SANXIANG_METRICS_ALLOW = ["10.1.2.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.30").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_REAL_IP": "203.0.113.9"},
        {"HTTP_FORWARDED": "for=203.0.113.9;proto=https"},
        {},
        {"HTTP_X_FORWARDED_FOR": "127.0.0.1"},  # only trusted hops: the client is not named
        {"HTTP_X_FORWARDED_FOR": "not-an-address"},
    ],
    ids=["x-real-ip", "forwarded", "no-header", "only-trusted-hops", "malformed"],
)
def test_metrics_behind_a_trusted_proxy_need_a_named_allowed_client_or_the_token(
    client, settings, headers
):
    """nginx on loopback is trusted, but it says who the client is in X-Real-IP or Forwarded,
    or not at all: every visitor would look like loopback, which may read /metrics."""
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    settings.SANXIANG_METRICS_TOKEN = "s3cret-scrape-token"
    refused = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **headers)
    assert refused.status_code == 403
    allowed = client.get(
        "/metrics",
        REMOTE_ADDR="127.0.0.1",
        HTTP_AUTHORIZATION="Bearer s3cret-scrape-token",
        **headers,
    )
    assert allowed.status_code == 200


def test_metrics_behind_a_trusted_proxy_go_by_the_client_it_forwards(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    settings.SANXIANG_METRICS_ALLOW = ["10.1.2.0/24"]
    hop = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", **hop, HTTP_X_FORWARDED_FOR="10.1.2.30").status_code == 200
    chain = "10.1.2.30, 10.0.0.5"  # a trusted proxy in between is skipped
    assert client.get("/metrics", **hop, HTTP_X_FORWARDED_FOR=chain).status_code == 200
    # what a stranger writes in front of his own address is never reached
    forged = "10.1.2.30, 203.0.113.9"
    assert client.get("/metrics", **hop, HTTP_X_FORWARDED_FOR=forged).status_code == 403
    assert client.get("/metrics", **hop, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_readyz_on_a_node_not_migrated_answers_503_not_500(client, settings, monkeypatch):
    """A new node started before ``sanxiang migrate``: the ledger's tables are not there."""
    assert client.get("/readyz").status_code == 200  # the signing key exists
    settings.CLUSTER = True  # the signing-key check then reads the newest tree head
    monkeypatch.setattr(probes, "_schema_ok", False)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_treehead RENAME TO ledger_treehead_gone")
    MigrationRecorder.Migration.objects.filter(app="ledger").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["migrations"] == "failed"
    assert body["checks"]["signing_key"] == "failed"
    assert "not migrated" in body["details"]["signing_key"]


def test_readyz_names_a_ledger_table_that_cannot_be_read(client, settings, monkeypatch):
    """Migrations recorded but the table not as the code expects: 503 with the error."""
    assert client.get("/readyz").status_code == 200
    settings.CLUSTER = True
    monkeypatch.setattr(probes, "_schema_ok", True)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_treehead RENAME TO ledger_treehead_gone")
    response = client.get("/readyz")  # the last query of this test (PostgreSQL: aborted)
    assert response.status_code == 503
    assert response.json()["checks"]["signing_key"] == "failed"
    assert "treehead" in response.json()["details"]["signing_key"].lower()


def test_cluster_refuses_state_kept_on_one_node(settings, tmp_path):
    settings.CLUSTER = True
    ids = {error.id for error in run_checks(tags=["sanxiang"])}
    assert {"sanxiang.E001", "sanxiang.E002"} <= ids
    evidence = {**settings.STORAGES["evidence"]}
    evidence["OPTIONS"] = {**evidence["OPTIONS"], "location": str(tmp_path / "shared/evidence")}
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence}
    settings.SANXIANG_JOBS_DIR = str(tmp_path / "shared/jobs")
    ids = {error.id for error in run_checks(tags=["sanxiang"])}
    assert not {"sanxiang.E001", "sanxiang.E002"} & ids
    settings.CLUSTER = False
    assert run_checks(tags=["sanxiang"]) == []


def test_a_cluster_node_signs_only_with_the_installation_s_key(
    client, settings, monkeypatch, tmp_path, agency
):
    """On several nodes a node never makes a key of its own: without the copied keys/ folder,
    or with a key the installation's heads were not signed with, it is not ready."""
    shared_keys = Path(os.environ["SANXIANG_VAR"]) / "keys"
    assert TreeHead.objects.exists()
    node = tmp_path / "node2"
    monkeypatch.setenv("SANXIANG_VAR", str(node))
    settings.CLUSTER = True
    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.json()["checks"]["signing_key"] == "failed"
    assert "copy" in missing.json()["details"]["signing_key"]
    assert not (node / "keys").exists() or not any((node / "keys").iterdir())

    settings.CLUSTER = False  # as if someone started this node alone once: a key of its own
    client.get("/readyz")
    assert any((node / "keys").iterdir())
    settings.CLUSTER = True
    foreign = client.get("/readyz").json()
    assert foreign["checks"]["signing_key"] == "failed"
    assert "neither holds nor trusts" in foreign["details"]["signing_key"]

    shutil.rmtree(node / "keys")
    shutil.copytree(shared_keys, node / "keys")
    assert client.get("/readyz").status_code == 200


def test_a_cluster_node_never_generates_the_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SANXIANG_VAR", str(tmp_path))
    monkeypatch.delenv("SANXIANG_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SANXIANG_SECRET_KEY"):
        secret_key(generate=False)
    assert not (tmp_path / "secret_key").exists()
    (tmp_path / "secret_key").write_text("k" * 60)
    assert secret_key(generate=False) == "k" * 60


def test_django_s_own_records_of_the_request_carry_its_id(client, settings):
    """Django logs a 404 after the middleware has returned; the record still has the id."""
    assert client.get("/gongshi/decisions/999004/", HTTP_X_REQUEST_ID="probe-404-id").status_code
    log = (settings.LOG_DIR / "sanxiang.log").read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if "Not Found: /gongshi/decisions/999004/" in line]
    assert lines and lines[-1].endswith("[request probe-404-id]")
