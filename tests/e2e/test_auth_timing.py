"""Response times do not tell which merchants and API users exist (docs/security.md): a wrong
signature for a known merchant or user costs the same as one for an unknown merchant or
user. Requests alternate between the two, on one keep-alive connection each, after a
warm-up, in rounds; the median over the rounds of the difference between the two fastest
answers of each round must be within a generous tolerance. A loaded machine adds delays of
milliseconds to any answer (the test machine's p90 was 30 times its p10), which the fastest
answer of a round does not carry, while a cost on one path (a database read on a worker)
shifts all of that path's answers. Before absences were cached, an unknown name took that
read every time: medians 650 vs 910 µs on SQLite, 750 vs 1,840 µs on PostgreSQL (asan
build)."""

from __future__ import annotations

import json
import socket
import statistics
import time

from harness import ENDPOINT, authorization

ROUNDS, PER_ROUND = 30, 10
# The median difference may be this much of the known path's, or this many seconds.
TOLERANCE, FLOOR = 0.15, 100e-6


class Connection:
    """One keep-alive HTTP/1.1 connection sending a fixed wrong-signature PATCH."""

    def __init__(self, address: str, auth_header: str):
        host, _, port = address.rpartition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = b'[{"product_id":"P1","live":true}]'
        self.request = (f"PATCH {ENDPOINT} HTTP/1.1\r\nHost: x\r\n"
                        f"authorization: {auth_header}\r\nog-authorization: True\r\n"
                        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
                        ).encode() + body

    def timed(self) -> float:
        start = time.perf_counter()
        self.sock.sendall(self.request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(rest) < length:
            rest += self.sock.recv(65536)
        elapsed = time.perf_counter() - start
        assert head.startswith(b"HTTP/1.1 401"), head
        assert json.loads(rest)["detail"] == "Invalid signature.", rest
        return elapsed


def median_difference(server, known: str, unknown: str) -> tuple[float, float]:
    """(median over rounds of fastest unknown - fastest known, median fastest known), s."""
    a, b = Connection(server.address, known), Connection(server.address, unknown)
    for _ in range(30):  # warm-up: connections, caches, allocator
        a.timed()
        b.timed()
    diffs, known_fastest = [], []
    for _ in range(ROUNDS):
        ta, tb = [], []
        for i in range(PER_ROUND):
            if i % 2:
                tb.append(b.timed())
                ta.append(a.timed())
            else:
                ta.append(a.timed())
                tb.append(b.timed())
        diffs.append(min(tb) - min(ta))
        known_fastest.append(min(ta))
    return statistics.median(diffs), statistics.median(known_fastest)


def check(server, known: str, unknown: str) -> None:
    diff, base = median_difference(server, known, unknown)
    assert abs(diff) <= max(FLOOR, TOLERANCE * base), \
        f"median difference {diff * 1e6:.0f} µs, known path {base * 1e6:.0f} µs"


def test_unknown_merchant_costs_what_a_known_one_costs(restock):
    ts = int(time.time())
    known = authorization(restock.a.public_id, restock.a.username, "wrong-secret", ts)
    unknown = authorization("no-such-merchant", restock.a.username, "wrong-secret", ts)
    check(restock.server, known, unknown)


def test_unknown_api_user_costs_what_a_known_one_costs(restock):
    ts = int(time.time())
    known = authorization(restock.a.public_id, restock.a.username, "wrong-secret", ts)
    unknown = authorization(restock.a.public_id, "no-such-user", "wrong-secret", ts)
    check(restock.server, known, unknown)
