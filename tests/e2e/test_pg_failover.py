"""A PostgreSQL primary failing over to its synchronous standby under update load
(docs/scaling.md, Failover). The test starts both clusters itself (scripts/pg-cluster start,
standby), gives `restock serve` the multi-host URL with target_session_attrs=read-write,
kills the primary's postmaster with -9 and promotes the standby while updates keep coming:
restock retries inside its retry window and answers 503 with Retry-After once that is spent
(never another error, never a 207 for an update that is not in the promoted database), and
takes updates from the new primary without a restart. It runs with the PostgreSQL suite (scripts/test-postgres)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from harness import BACKEND, REPO_ROOT, Cli, Merchant, Server, authorization, results
from update_load import UpdateLoad

pytestmark = pytest.mark.skipif(BACKEND != "postgresql",
                                reason="PostgreSQL clusters (scripts/test-postgres)")

PG_CLUSTER = str(REPO_ROOT / "scripts" / "pg-cluster")


def pg_cluster(*args: str) -> str:
    proc = subprocess.run([PG_CLUSTER, *args], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, (args, proc.stderr)
    return proc.stdout.strip()


def host_port(url: str) -> str:
    return url.split("@", 1)[1].split("/", 1)[0]


@pytest.fixture
def clusters():
    # Directly under /tmp: the clusters run as the `postgres` user when the tests run as root,
    # and pytest's own temp directories are private to root.
    dirs = [Path(tempfile.mkdtemp(prefix="restock-failover.", dir="/tmp")) for _ in range(2)]
    try:
        yield dirs
    finally:
        for d in dirs:
            subprocess.run([PG_CLUSTER, "stop", str(d)], capture_output=True, timeout=120)
            shutil.rmtree(d, ignore_errors=True)


def test_failover_to_synchronous_standby_loses_no_acknowledged_update(tmp_path, clusters):
    primary, standby = clusters
    primary_url = pg_cluster("start", str(primary))
    standby_url = pg_cluster("standby", str(standby), str(primary))
    url = (f"postgresql://postgres@{host_port(primary_url)},{host_port(standby_url)}/postgres"
           "?target_session_attrs=read-write")
    cli = Cli(url, tmp_path)
    cli.ok("init")
    m = Merchant("failover", "hash-key-failover-0123", "api-f", "secret-f-xyz")
    cli.ok("merchant", "add", "--public-id", m.public_id, "--hash-key", m.hash_key)
    cli.ok("api-user", "add", "--merchant", m.public_id, "--username", m.username,
           "--secret", m.secret)
    product_ids = [f"F{t}" for t in range(4)]
    for pid in product_ids:
        cli.ok("product", "add", "--merchant", m.public_id, "--product-id", pid, "--inventory", "0")
    server = Server(url, tmp_path, name="failover")
    try:
        def send(pid: str, n: int, session):
            headers = {"authorization": authorization(m.public_id, m.username, m.secret),
                       "og-authorization": "True", "content-type": "application/json"}
            return server.request("PATCH", "/products-batch/update/", session=session,
                                  headers=headers, json=[{"product_id": pid, "inventory": n}],
                                  timeout=15)

        load = UpdateLoad(product_ids, send)
        load.start()
        time.sleep(1.5)
        pg_cluster("kill", str(primary))
        before = load.total_acked()
        time.sleep(0.5)  # the primary is gone and the standby not yet promoted: 503s
        pg_cluster("promote", str(standby))
        time.sleep(2.5)
        load.stop()
        assert not load.bad, load.bad
        assert server.running, server.stderr_tail()
        # Updates were acknowledged before the kill, and again by the new primary.
        assert before > 0 and load.total_acked() > before, (before, load.acked, load.codes)
        promoted = Cli(standby_url, tmp_path)
        load.check_stored(lambda pid: promoted.ok(
            "product", "get", "--merchant", m.public_id, pid)["inventory"])
        fresh = send("F0", 10**6, None)
        assert results(fresh) == [{"product_id": "F0", "status": 200}], fresh.text
    finally:
        server.stop()
