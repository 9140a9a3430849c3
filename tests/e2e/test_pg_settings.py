"""The PostgreSQL settings of `restock serve` (README "Configuration", docs/scaling.md):
--pg-pool-size bounds a node's connections; --pg-retry-window-ms is how long a transaction
is retried on a new connection after the old one was lost before the request gets 503.
The checks of the values run on both backends; the effects need PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from harness import BACKEND, query

pg_only = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL settings")


def connections(db) -> int:
    """restock's connections to its database (every one but this query's own)."""
    return query(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid()")[0][0]


def cut_connections(db) -> int:
    """Cuts restock's connections as a restart of the server would (57P01)."""
    return len(query(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()"))


def most_connections_under_load(restock, server) -> int:
    """The most connections seen while 16 clients read the product list for 3 seconds."""
    stop = threading.Event()
    errors: list[str] = []

    def client() -> None:
        session = requests.Session()
        while not stop.is_set():
            r = server.request("GET", "/products/", session=session,
                               headers=restock.a.key_headers())
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:200]}")
                return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(16)]
    for t in threads:
        t.start()
    most = 0
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        most = max(most, connections(restock.db))
        time.sleep(0.05)  # sampling while the load runs, bounded by the deadline
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors[:3]
    return most


QUIET = ("--webhooks", "false", "--scheduler", "false", "--workers", "8")


@pg_only
def test_pool_size_bounds_the_connections_of_a_node(restock):
    server = restock.serve(*QUIET, "--pg-pool-size", "1")
    # One pooled connection, plus the group-commit writer's own.
    most = most_connections_under_load(restock, server)
    print(f"pool 1: {most} connections")
    assert most <= 2, most
    server = restock.serve(*QUIET, "--pg-pool-size", "6")
    most = most_connections_under_load(restock, server)
    print(f"pool 6: {most} connections")
    assert 2 < most <= 7, most


@pg_only
def test_lost_connections_are_retried_within_the_window_else_503(restock):
    headers = restock.a.key_headers()
    server = restock.serve(*QUIET, "--pg-retry-window-ms", "0")
    assert server.request("GET", "/products/", headers=headers).status_code == 200
    assert cut_connections(restock.db) >= 1
    r = server.request("GET", "/products/", headers=headers)
    assert r.status_code == 503, r.text
    assert r.headers.get("retry-after"), r.headers
    # The lost connection was dropped: the next request gets a new one.
    assert server.request("GET", "/products/", headers=headers).status_code == 200

    server = restock.serve(*QUIET, "--pg-retry-window-ms", "3000")
    assert server.request("GET", "/products/", headers=headers).status_code == 200
    assert cut_connections(restock.db) >= 1
    assert server.request("GET", "/products/", headers=headers).status_code == 200


@pytest.mark.parametrize("args", [("--pg-pool-size", "0"), ("--pg-pool-size", "x"),
                                  ("--pg-retry-window-ms", "-1"),
                                  ("--pg-retry-window-ms", "600001")],
                         ids=["pool-0", "pool-text", "window-negative", "window-huge"])
def test_serve_rejects_bad_pg_settings(restock, args):
    proc = restock.cli.run("serve", "--listen", "127.0.0.1:0", *args)
    assert proc.rc != 0, proc.describe()
    assert args[0] in proc.stderr, proc.describe()


def test_pg_settings_come_from_toml_and_environment(restock):
    """Accepted from every source (on SQLite they are accepted and unused)."""
    config = restock.tmp / "restock.toml"
    config.write_text("pg_pool_size = 3\npg-retry-window-ms = 100\n")
    server = restock.serve(*QUIET, "--config", str(config))
    assert server.request("GET", "/healthz").status_code == 200
    server = restock.serve(*QUIET, env={"RESTOCK_PG_POOL_SIZE": "2",
                                        "RESTOCK_PG_RETRY_WINDOW_MS": "0"})
    assert server.request("GET", "/healthz").status_code == 200
    if BACKEND == "postgresql":
        assert most_connections_under_load(restock, server) <= 3
