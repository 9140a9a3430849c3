"""Graceful shutdown (README "Operations": "SIGTERM or SIGINT: stop accepting, finish
in-flight requests and commits, exit 0"). A request is held in flight by an outside
transaction that holds the lock its commit needs; the signal comes while it waits."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import time

import pytest

from harness import BACKEND, STOP_TIMEOUT_S, raw_patch, results
from webhook_support import wait_for

SIGNALS = [signal.SIGINT, signal.SIGTERM]


def _refused(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_exits_0_and_keeps_acknowledged_updates(restock, sig):
    server = restock.server
    assert results(restock.patch([{"product_id": "P1", "live": False, "inventory": 3}])) == \
        [{"product_id": "P1", "status": 200}]
    server.proc.send_signal(sig)
    assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0, server.stderr_tail()
    p1 = restock.product("P1")
    assert (p1["live"], p1["inventory"]) == (False, 3), p1


class WriteLock:
    """Holds what the writer's commit of a change to `product_id` needs, from outside: the
    SQLite write lock, or the PostgreSQL row lock of that product."""

    def __init__(self, db, product_id: str):
        if BACKEND == "sqlite":
            self.con = sqlite3.connect(str(db), timeout=10, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
        else:
            import psycopg2
            self.con = psycopg2.connect(str(db))
            with self.con.cursor() as cur:
                cur.execute("SELECT 1 FROM products WHERE product_id = %s FOR UPDATE",
                            (product_id,))
                assert cur.fetchall(), product_id

    def wait_for_writer(self) -> None:
        """Returns once the server's writer is (most likely) waiting for the lock."""
        if BACKEND == "sqlite":
            # Not observable from outside: the request is read and handed over within
            # microseconds. Were it still being read at the signal, the server would close
            # the connection unanswered and the test would fail, not pass.
            time.sleep(0.5)
            return
        import psycopg2
        watcher = psycopg2.connect(self.con.dsn)
        watcher.autocommit = True  # a fresh look at pg_stat_activity each time
        def waiting() -> bool:
            with watcher.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND wait_event_type = 'Lock'")
                return cur.fetchone()[0] > 0
        try:
            wait_for(waiting, 10, "the writer to wait for the row lock")
        finally:
            watcher.close()

    def release(self) -> None:
        if BACKEND == "sqlite":
            self.con.execute("ROLLBACK")
        else:
            self.con.rollback()

    def close(self) -> None:
        self.con.close()


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_stops_accepting_but_answers_the_request_in_flight(restock, sig):
    # On SQLite the writer waits for the lock at most --sqlite-busy-timeout-ms (then 503):
    # long enough here that the request is still in flight when the lock is released.
    server = restock.serve(*(("--sqlite-busy-timeout-ms", "60000") if BACKEND == "sqlite"
                             else ()))
    body = json.dumps([{"product_id": "P2", "name": "in flight", "live": False}]).encode()
    lock = WriteLock(restock.db, "P2")  # the writer's commit now waits for this lock
    try:
        host, _, port = server.address.rpartition(":")
        client = socket.create_connection((host, int(port)), timeout=30)
        client.sendall(raw_patch(restock.a.user_headers(), body))
        lock.wait_for_writer()
        server.proc.send_signal(sig)
        # Stop accepting: new connections are refused once the signal is handled ...
        wait_for(lambda: _refused(server.address), 10, "the listener to close")
        # ... while the request in flight is still waiting for its commit.
        assert server.running
        client.settimeout(0.2)
        with pytest.raises(socket.timeout):
            client.recv(1)
        lock.release()
        client.settimeout(30)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
        client.close()
    finally:
        lock.close()
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 207"), received
    assert json.loads(rest) == {"results": [{"product_id": "P2", "status": 200}]}, received
    assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0, server.stderr_tail()
    p2 = restock.product("P2")
    assert (p2["name"], p2["live"]) == ("in flight", False), p2
