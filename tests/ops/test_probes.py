"""/healthz, /readyz, /metrics and the request id, through Django's whole middleware stack."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.instance import secret_key
from sanxiang.jobs.models import Job
from sanxiang.ledger.models import LedgerEntry, LedgerLog, TreeHead

pytestmark = pytest.mark.django_db


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


def test_metrics_count_requests_by_route_not_path(client, agency):
    before = client.get("/metrics").content.decode()
    count = "sanxiang_http_request_duration_seconds_count"
    seen = _sample(before, count, route="portal:decision", status="4xx") or 0
    for pk in (999_001, 999_002, 999_003):
        assert client.get(f"/gongshi/decisions/{pk}/").status_code == 404
    text = client.get("/metrics").content.decode()
    assert _sample(text, count, route="portal:decision", status="4xx") == seen + 3
    assert "999_001" not in text and "999001" not in text
    # The tables: the queue by state, each agency's log, the evidence stored.
    Job.objects.all().delete()
    assert _sample(text, "sanxiang_jobs", state="queued") == 0
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
