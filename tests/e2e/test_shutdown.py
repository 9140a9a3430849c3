"""Graceful shutdown (README "Operations": "SIGTERM or SIGINT: stop accepting, finish
in-flight requests and commits, exit 0"). A request is held in flight by an outside
transaction that holds the database's write lock; the signal comes while it waits."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import time

import pytest

from harness import STOP_TIMEOUT_S, raw_patch, results
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


@pytest.mark.sqlite_only
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_stops_accepting_but_answers_the_request_in_flight(restock, sig):
    server = restock.server
    body = json.dumps([{"product_id": "P2", "name": "in flight", "live": False}]).encode()
    lock = sqlite3.connect(str(restock.db), timeout=10, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")  # the writer's commit now waits for this lock
        host, _, port = server.address.rpartition(":")
        client = socket.create_connection((host, int(port)), timeout=30)
        client.sendall(raw_patch(restock.a.user_headers(), body))
        # Time for the server to read the request and hand it to the writer (measured in
        # microseconds; were it still being read at the signal, the server would close the
        # connection unanswered and the test would fail below, not pass).
        time.sleep(0.5)
        server.proc.send_signal(sig)
        # Stop accepting: new connections are refused once the signal is handled ...
        wait_for(lambda: _refused(server.address), 10, "the listener to close")
        # ... while the request in flight is still waiting for its commit.
        assert server.running
        client.settimeout(0.2)
        with pytest.raises(socket.timeout):
            client.recv(1)
        released = time.monotonic()
        lock.execute("ROLLBACK")
        client.settimeout(30)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
        client.close()
        answered = time.monotonic()
    finally:
        lock.close()
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 207"), received
    assert json.loads(rest) == {"results": [{"product_id": "P2", "status": 200}]}, received
    assert answered >= released
    assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0, server.stderr_tail()
    p2 = restock.product("P2")
    assert (p2["name"], p2["live"]) == ("in flight", False), p2
