"""Connection limits and timeouts (docs/security.md), each configurable: header and body size,
element count, JSON depth, header / body read timeouts, idle keep-alive timeout, the cap on
concurrent connections — and slow or idle clients must not starve a real one."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from harness import ENDPOINT, assert_detail, raw_exchange, raw_patch, results


def connect(server) -> socket.socket:
    host, _, port = server.address.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=15)


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Waits for the server to close `sock` (EOF or reset); returns the time it took, None
    if it stayed open. Any bytes received are ignored."""
    start = time.monotonic()
    sock.settimeout(0.2)
    while time.monotonic() - start < seconds:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - start
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - start
    return None


def timed_patch(env, body) -> tuple[float, object]:
    start = time.monotonic()
    resp = env.patch(body)
    return time.monotonic() - start, resp


# ---------------------------------------------------------------------- size limits


def test_header_limit_is_configurable(restock):
    server = restock.serve("--max-header-bytes", "2048")
    big = raw_patch(dict(restock.a.user_headers(), **{"x-pad": "a" * 3000}), b"[]")
    (resp,) = raw_exchange(server, big)
    assert resp.status == 431 and json.loads(resp.body)["detail"]
    small = raw_patch(dict(restock.a.user_headers(), **{"x-pad": "a" * 500}), b"[]")
    (resp,) = raw_exchange(server, small)
    assert resp.status == 207


def test_body_limit_is_configurable(restock):
    restock.serve("--max-body-bytes", "200")
    body = [{"product_id": "P1", "live": False, "name": "x" * 300}]
    assert_detail(restock.patch(body), 413)
    assert restock.product("P1")["live"] is True
    assert results(restock.patch([{"product_id": "P1", "live": False}]))[0]["status"] == 200


def test_element_limit_is_configurable(restock):
    restock.serve("--max-elements", "3")
    assert_detail(restock.patch([{"product_id": "P1", "live": False}] * 4), 413)
    assert restock.product("P1")["live"] is True
    assert len(results(restock.patch([{"product_id": "P1", "live": False}] * 3))) == 3


def nested(depth: int) -> list:
    """A one-element batch whose element carries an ignored field nested so that the whole
    body is `depth` levels deep (array, object, then depth-2 arrays)."""
    value: object = 1
    for _ in range(depth - 2):
        value = [value]
    return [{"product_id": "P1", "live": False, "x": value}]


def test_json_depth_limit_is_configurable(restock):
    restock.serve("--max-json-depth", "4")
    assert_detail(restock.patch(nested(5)), 400)
    assert restock.product("P1")["live"] is True
    assert results(restock.patch(nested(4)))[0]["status"] == 200
    # Deeper than the default (32) once raised, from the environment.
    restock.serve(env={"RESTOCK_MAX_JSON_DEPTH": "64"})
    assert results(restock.patch(nested(40)))[0]["status"] == 200
    restock.serve()
    assert_detail(restock.patch(nested(40)), 400)


# ---------------------------------------------------------------------- timeouts


def test_header_timeout_closes_a_slow_header_client(restock):
    server = restock.serve("--header-timeout", "1", "--read-timeout", "30")
    sock = connect(server)
    stop = threading.Event()

    def trickle():
        for ch in b"PATCH /products-batch/update/ HTTP/1.1\r\nhost: x\r\nx-slow: " + b"a" * 200:
            if stop.is_set():
                return
            try:
                sock.send(bytes([ch]))
            except OSError:
                return
            time.sleep(0.1)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    took = closed_within(sock, 6)
    stop.set()
    sock.close()
    assert took is not None and took < 4, took


def test_read_timeout_closes_a_slow_body_and_applies_nothing(restock):
    server = restock.serve("--read-timeout", "2")
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    sock = connect(server)
    sock.sendall(raw_patch(restock.a.user_headers(), body, close=False)[:-5])  # body cut short
    took = closed_within(sock, 8)
    sock.close()
    assert took is not None and took < 5, took
    assert restock.product("P1")["live"] is True


def test_idle_timeout_closes_a_kept_alive_connection(restock):
    server = restock.serve("--idle-timeout", "1")
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    assert data.startswith(b"HTTP/1.1 200")
    took = closed_within(sock, 6)
    sock.close()
    assert took is not None and took < 4, took


@pytest.mark.parametrize("flag", ["--header-timeout", "--write-timeout", "--read-timeout",
                                  "--idle-timeout", "--max-json-depth"])
def test_nonpositive_limits_are_refused_at_startup(restock, flag):
    r = restock.cli.run("serve", "--listen", "127.0.0.1:0", "--scheduler", "false", flag, "0")
    assert r.rc == 2, r.describe()


# ---------------------------------------------------------------------- starvation


def test_slowloris_and_hundreds_of_idle_connections_do_not_starve_a_real_client(restock):
    server = restock.serve("--io-threads", "2", "--workers", "2")
    baseline, resp = timed_patch(restock, [{"product_id": "P2", "live": True}])
    assert resp.status_code == 207
    idle = [connect(server) for _ in range(300)]  # connected, silent
    kept = []
    for _ in range(100):  # one request each, then idle on keep-alive
        s = connect(server)
        s.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        kept.append(s)
    slow = [connect(server) for _ in range(60)]
    stop = threading.Event()

    def trickle():
        prefix = b"PATCH /products-batch/update/ HTTP/1.1\r\nhost: x\r\nx-slow: "
        for s in slow:
            s.sendall(prefix)
        while not stop.is_set():
            for s in slow:
                try:
                    s.send(b"a")
                except OSError:
                    pass
            time.sleep(0.2)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        time.sleep(1.0)
        for i in range(5):
            took, resp = timed_patch(restock, [{"product_id": "P1", "live": i % 2 == 1}])
            assert [r["status"] for r in results(resp)] == [200]
            assert took < 2.0 + baseline, (took, baseline)
        assert restock.product("P1")["live"] is False
    finally:
        stop.set()
        t.join(timeout=5)
        for s in idle + kept + slow:
            s.close()
    assert server.running


def test_connection_cap_evicts_idle_connections_for_new_clients(restock):
    server = restock.serve("--max-connections", "20")
    idle = [connect(server) for _ in range(20)]
    time.sleep(0.3)
    took, resp = timed_patch(restock, [{"product_id": "P1", "live": False}])
    assert [r["status"] for r in results(resp)] == [200]
    assert took < 2.0, took
    # The oldest idle connection made room.
    assert closed_within(idle[0], 3) is not None
    for s in idle:
        s.close()


def test_connection_cap_refuses_when_every_connection_is_busy(restock):
    server = restock.serve("--max-connections", "5", "--header-timeout", "2")
    busy = [connect(server) for _ in range(5)]
    for s in busy:  # each mid-way through a header: not idle
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
    time.sleep(0.3)
    extra = connect(server)
    assert closed_within(extra, 3) is not None, "a sixth connection must be closed"
    extra.close()
    # Once the header timeout has dropped the busy ones, new clients are served again.
    for s in busy:
        assert closed_within(s, 5) is not None
        s.close()
    assert restock.request("GET", "/healthz").status_code == 200
