"""The installation on a PostgreSQL cluster (issue 18): a primary, a streaming replica the portal
reads from, PgBouncer in front of the primary, and a failover. Real servers on loopback
(sanxiang.cluster.postgres), the real ``sanxiang serve``.

PostgreSQL leg only: the cluster's primary starts as a copy of the suite's server holding the
shared demo installation (``instance``), which spares a migration and a demo load.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sanxiang.cluster.postgres import PgCluster, free_port
from tests.conftest import SANXIANG, Instance

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs the PostgreSQL leg's server (scripts/with-postgres.py) to copy",
)

#: Reads of the application's tables on a server (the standby keeps these counters too).
READS = "SELECT COALESCE(sum(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables"
PAGES = ("/gongshi/", "/gongshi/officers/", "/gongshi/decisions/", "/api/v1/agencies")


@dataclass
class Site:
    cluster: PgCluster
    installation: Instance
    base: str
    log: Path


#: How long the server trusts a look at the replica: long enough that a replica stopped right
#: after a request fails *inside* the next one (the view runs again on the primary).
CHECK_INTERVAL = 4.0


@pytest.fixture(scope="module")
def site(instance: Instance) -> Iterator[Site]:
    seed = urlparse(os.environ["DATABASE_URL"]).port
    cluster = PgCluster(Path(tempfile.mkdtemp(prefix="sanxiang-pgcluster-")))
    server = None
    try:
        cluster.up(standbys=(), bouncer=False, seed_port=seed)
        # The copy holds the suite's test databases too: the standbys need only the installation.
        for name in cluster.sql("primary", "SELECT datname FROM pg_database", "postgres").split():
            if name not in ("sanxiang", "postgres") and not name.startswith("template"):
                cluster.sql("primary", f'DROP DATABASE "{name}"', "postgres")
        cluster.add_standby("replica")
        cluster.start_bouncer()
        env = {
            **instance.env,
            "DATABASE_URL": cluster.bouncer_url(),
            "SANXIANG_DB_TRANSACTION_POOLING": "1",
            "DATABASE_REPLICA_URL": cluster.nodes["replica"].url(),
            "SANXIANG_REPLICA_MAX_LAG": "1",
            "SANXIANG_REPLICA_CHECK_INTERVAL": str(CHECK_INTERVAL),
            # A connection per request: a server's read counters are flushed when it closes.
            "SANXIANG_DB_CONN_MAX_AGE": "0",
        }
        # A directory of its own (keys, static files, evidence): the suite's server keeps the
        # original's run/ and logs.
        var = cluster.root / "var"
        shutil.copytree(
            instance.var, var, ignore=shutil.ignore_patterns("run", "log", "tmp", "*.sqlite3*")
        )
        env["SANXIANG_VAR"] = str(var)
        installation = Instance(var=var, env=env)
        port = free_port()
        log = cluster.root / "serve.log"
        # One worker process: one cached look at the replica, so the tests know what it holds.
        server = subprocess.Popen(
            [str(SANXIANG), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/gongshi/", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("sanxiang serve did not come up") from None
                time.sleep(0.3)
        yield Site(cluster, installation, base, log)
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            server.wait(timeout=30)
        cluster.down()


def _reads(site: Site, node: str) -> int:
    return int(site.cluster.sql(node, READS))


def _reads_settle(site: Site, node: str, before: int, timeout: float = 10) -> int:
    """The node's read counter once it has moved past ``before`` (statistics of a closed
    connection arrive a moment later), or as it stands after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        now = _reads(site, node)
        if now > before or time.monotonic() > deadline:
            return now
        time.sleep(0.1)


def _get_all(site: Site) -> None:
    for page in PAGES:
        with urllib.request.urlopen(site.base + page, timeout=30) as response:
            assert response.status == 200
            body = response.read().decode()
        # Real data, not an empty page: the demo's agencies are on the pages that list them.
        if page in ("/gongshi/officers/", "/api/v1/agencies"):
            assert "示范市" in body


def _verify(installation: Instance) -> list[str]:
    result = installation.sanxiang("ledger", "verify")
    return [line for line in result.stdout.splitlines() if line.startswith(("OK ", "log "))]


def test_portal_and_api_read_from_the_replica(site: Site) -> None:
    site.cluster.wait_caught_up("replica")
    replica_before = _reads(site, "replica")
    _get_all(site)
    assert _reads_settle(site, "replica", replica_before) >= replica_before + len(PAGES)


def test_a_lagging_replica_is_passed_over_for_the_primary(site: Site) -> None:
    cluster = site.cluster
    cluster.wait_caught_up("replica")
    cluster.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        # A commit the replica receives but does not replay: it falls behind from now on.
        cluster.sql("primary", "CREATE TABLE IF NOT EXISTS lag_probe (n int)")
        cluster.sql("primary", "INSERT INTO lag_probe VALUES (1)")
        time.sleep(CHECK_INTERVAL + 0.5)  # past SANXIANG_REPLICA_MAX_LAG=1 and the last look
        replica_before = _reads(site, "replica")
        _get_all(site)  # answered, with data, by the primary
        time.sleep(1)
        assert _reads(site, "replica") == replica_before
    finally:
        cluster.sql("replica", "SELECT pg_wal_replay_resume()")
    cluster.wait_caught_up("replica")
    time.sleep(CHECK_INTERVAL + 0.2)  # the server looks again: caught up
    replica_before = _reads(site, "replica")
    _get_all(site)
    assert _reads_settle(site, "replica", replica_before) > replica_before


def test_a_stopped_replica_leaves_the_portal_answering_from_the_primary(site: Site) -> None:
    cluster = site.cluster
    cluster.wait_caught_up("replica")
    time.sleep(CHECK_INTERVAL + 0.2)
    _get_all(site)  # the server has just found the replica up, and trusts that for a while
    cluster.stop("replica")
    try:
        # The first page fails on the replica half-way and is made again on the primary; the
        # next look finds the replica down.
        for _ in range(2):
            _get_all(site)
        assert "replica failed mid-request" in site.log.read_text(encoding="utf-8")
        time.sleep(CHECK_INTERVAL + 0.2)
        _get_all(site)
        assert "replica unreachable" in site.log.read_text(encoding="utf-8")
    finally:
        cluster.start("replica")
    cluster.wait_caught_up("replica")


def test_a_case_flow_runs_through_pgbouncer(site: Site) -> None:
    """A year of demo cases (one per agency) made through the services, with Django talking
    to PgBouncer in transaction pooling mode; the ledger still verifies and the cases reach
    the replica."""
    cluster = site.cluster
    before = int(cluster.sql("primary", "SELECT count(*) FROM cases_case"))
    made = site.installation.sanxiang("demo", "--cases", "1")
    assert "已生成演示案件" in made.stdout
    assert _verify(site.installation)[0].startswith("OK ")
    cases = int(cluster.sql("primary", "SELECT count(*) FROM cases_case"))
    assert cases > before
    cluster.wait_caught_up("replica")
    assert int(cluster.sql("replica", "SELECT count(*) FROM cases_case")) == cases


def test_a_promoted_replica_takes_over_with_the_same_ledger_roots(site: Site) -> None:
    """The primary is lost; a standby is promoted and PgBouncer (the installation's
    DATABASE_URL) pointed at it. The replica, which followed the lost primary, is down too:
    the portal's pages come from the promoted server, and the ledger's roots are unchanged."""
    cluster = site.cluster
    installation = site.installation
    cluster.add_standby("standby2")
    roots = _verify(installation)
    assert roots[0].startswith("OK ")
    cluster.wait_caught_up("standby2")
    cluster.stop("primary")
    cluster.stop("replica")
    try:
        cluster.promote("standby2")
        cluster.retarget_bouncer("standby2")
        assert cluster.sql("standby2", "SELECT pg_is_in_recovery()") == "f"  # takes writes
        assert _verify(installation) == roots
        _get_all(site)
    finally:
        # Back to the original primary and its replica for the other tests of the module.
        cluster.stop("standby2", mode="immediate")
        cluster.nodes["standby2"].role = "old-primary"
        cluster.nodes["primary"].role = "primary"
        cluster.start("primary")
        cluster.start("replica")
        cluster.retarget_bouncer("primary")
