"""HTTP/1.1 on the wire, sent over raw sockets because HTTP client libraries normalise exactly
what is tested here (README "HTTP"): percent-escapes in fixed path segments, HEAD, the Date
header, the Host header rule, and probes exempt from the per-client rate limit."""

from __future__ import annotations

import email.utils
import json
import socket
import time

from harness import ENDPOINT, HTTP_TIMEOUT_S, raw_exchange, raw_patch


def raw(restock, data: bytes):
    """The responses to `data` sent as is on one connection (end it with connection: close)."""
    return raw_exchange(restock.server, data)


def get(path: str, *headers: str, method: str = "GET", version: str = "HTTP/1.1",
        host: bool = True) -> bytes:
    lines = [f"{method} {path} {version}"] + (["host: restock"] if host else [])
    lines += list(headers) + ["connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def one(restock, data: bytes):
    responses = raw(restock, data)
    assert len(responses) == 1, responses
    return responses[0]


def key(restock) -> str:
    return f"x-api-key: {restock.a.api_key}"


def read_all(restock, data: bytes) -> bytes:
    """Everything the server sends in answer to `data` until it closes the connection."""
    host, _, port = restock.server.address.rpartition(":")
    received = b""
    with socket.create_connection((host, int(port)), timeout=HTTP_TIMEOUT_S) as sock:
        sock.sendall(data)
        while chunk := sock.recv(65536):
            received += chunk
    return received


# ------------------------------------------------------------------ percent-escapes

def test_escaped_unreserved_characters_in_fixed_segments_are_those_characters(restock):
    r = one(restock, get("/%68ealthz"))
    assert r.status == 200 and json.loads(r.body) == {"status": "ok"}
    r = one(restock, get("/%6F%72ders/", key(restock)))  # lower- and upper-case hex
    assert r.status == 200 and json.loads(r.body)["results"] == []
    r = one(restock, get("/pro%64ucts/%50%31/", key(restock)))
    assert r.status == 200 and json.loads(r.body)["product_id"] == "P1"
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    r = one(restock, raw_patch(restock.a.user_headers(), body, path="/products-batch/%75pdate/"))
    assert r.status == 207, r
    assert json.loads(r.body)["results"] == [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_escapes_of_other_characters_are_not_decoded_before_routing(restock):
    # "%2F" is a character of a segment, not a separator; "%2525" is "%25", never "%".
    assert one(restock, get("/products-batch%2Fupdate/")).status == 404
    assert one(restock, get("/%2Fhealthz")).status == 404
    r = one(restock, get("/products/%2550%2531/", key(restock)))
    assert r.status == 404, r
    # In a path parameter every escape is decoded, once: "%2F" there is part of the id.
    r = one(restock, get("/products/P%2F1/", key(restock)))
    assert r.status == 404 and json.loads(r.body) == {"detail": "Not found."}


# ------------------------------------------------------------------ HEAD

def head_and_get(restock, path: str, *headers: str):
    got = one(restock, get(path, *headers))
    reply = read_all(restock, get(path, *headers, method="HEAD"))
    head, sep, rest = reply.partition(b"\r\n\r\n")
    assert sep and rest == b"", f"HEAD must not send a body: {reply[:300]!r}"
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return got, int(lines[0].split()[1]), fields


def test_head_is_answered_wherever_get_is_with_the_same_headers_and_no_body(restock):
    for path, headers in [("/healthz", ()), ("/metrics", ()), ("/products/", (key(restock),)),
                          ("/products/P1/", (key(restock),)), ("/orders/", (key(restock),)),
                          ("/nowhere", ())]:
        got, status, fields = head_and_get(restock, path, *headers)
        assert status == got.status, path
        assert fields["content-type"] == got.headers["content-type"], path
        if path != "/metrics":  # its counters moved between the two requests
            assert fields["content-length"] == got.headers["content-length"], path
        assert "date" in fields, path


def test_head_where_get_is_not_served_is_405_and_allow_lists_head(restock):
    _, status, fields = head_and_get(restock, ENDPOINT)
    assert status == 405 and fields["allow"] == "PATCH"
    r = one(restock, get("/orders/", key(restock), method="DELETE"))
    assert r.status == 405 and r.headers["allow"] == "GET, HEAD"


# ------------------------------------------------------------------ Date

def assert_date_is_now(r) -> None:
    assert "date" in r.headers, r.headers
    sent = email.utils.parsedate_to_datetime(r.headers["date"])
    assert r.headers["date"].endswith(" GMT") and len(r.headers["date"]) == 29, r.headers["date"]
    assert abs(sent.timestamp() - time.time()) < 5, r.headers["date"]


def test_every_response_has_a_date(restock):
    cases = [(get("/healthz"), 200), (get("/orders/", key(restock)), 200),
             (get("/nowhere"), 404), (get("/orders/"), 401),
             (b"GARBAGE\r\n\r\n", 400),  # refused by the transport
             (raw_patch(restock.a.user_headers(), b"[]"), 207)]
    for data, status in cases:
        r = one(restock, data)
        assert r.status == status, (data, r)
        assert_date_is_now(r)
    restock.serve("--rate-limit-client", "1")
    assert one(restock, get("/nowhere")).status == 404
    throttled = one(restock, get("/nowhere"))
    assert throttled.status == 429
    assert_date_is_now(throttled)


# ------------------------------------------------------------------ Host

def test_http11_requests_need_exactly_one_host(restock):
    for data in [get("/healthz", host=False),
                 get("/healthz", "host: restock"),  # a second one
                 get("/orders/", key(restock), "Host: other", host=True)]:
        r = one(restock, data)
        assert r.status == 400, (data, r)
        assert json.loads(r.body) == {
            "detail": "HTTP/1.1 requests need exactly one Host header."}
        assert r.headers.get("connection") == "close"
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    no_host = raw_patch(restock.a.user_headers(), body).replace(b"host: restock\r\n", b"")
    assert one(restock, no_host).status == 400
    assert restock.product("P1")["live"] is True, "a refused request must change nothing"


def test_http10_requests_may_omit_host_and_an_empty_host_is_one_host(restock):
    assert one(restock, get("/healthz", version="HTTP/1.0", host=False)).status == 200
    assert one(restock, get("/healthz", "host:", host=False)).status == 200


# ------------------------------------------------------------------ probes and rate limits

def test_probes_are_not_rate_limited(restock):
    restock.serve("--rate-limit-client", "5")
    for _ in range(30):
        assert restock.request("GET", "/healthz").status_code == 200
        assert restock.request("GET", "/metrics").status_code == 200
        assert one(restock, get("/%68ealthz/", method="HEAD")).status == 200
    statuses = [restock.request("GET", "/orders/", headers=restock.a.key_headers()).status_code
                for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429, statuses
    assert restock.request("GET", "/healthz").status_code == 200
