"""Hostile or unusual input on the wire (STYLE: untrusted input always gets a clear error,
never a crash), and HTTP/1.1 features a real client uses: pipelining, chunked bodies,
Expect: 100-continue. After each case the server must still answer /healthz."""

from __future__ import annotations

import json

import pytest

from harness import raw_exchange, raw_patch, results


@pytest.fixture
def alive(restock):
    """Returns a checker asserting that the server still serves."""
    def check():
        assert restock.server.running, restock.server.stderr_tail()
        assert restock.request("GET", "/healthz").status_code == 200
    return check


def _detail(resp):
    body = json.loads(resp.body)
    assert isinstance(body.get("detail"), str) and body["detail"], body


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'[{"product_id": "P1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]",
    b'[{"product_id": "P1", "x": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}]",
], ids=["nested_arrays", "nested_in_element", "nested_objects"])
def test_deeply_nested_json_is_rejected_cleanly(restock, alive, body):
    resp = restock.patch(data=body)
    # Either refused as malformed, or parsed with the unknown field ignored.
    assert resp.status_code in (400, 207), (resp.status_code, resp.text[:300])
    alive()


@pytest.mark.parametrize("element,field", [
    ('{"product_id": "P1", "inventory": 9223372036854775808}', "inventory"),
    ('{"product_id": "P1", "inventory": 1e30}', "inventory"),
    ('{"product_id": "P1", "price": 1e400}', "price"),
    ('{"product_id": "P1", "price": "99999999999999999999999.99"}', "price"),
    ('{"product_id": "P1", "low_stock_threshold": -9223372036854775809}', "low_stock_threshold"),
], ids=["inventory_2_pow_63", "inventory_1e30", "price_1e400", "price_huge_string",
        "threshold_below_int64"])
def test_out_of_range_numbers_are_element_errors(restock, alive, element, field):
    before = restock.product("P1")
    got = results(restock.patch(data=f"[{element}]".encode()))
    assert got[0]["status"] == 400 and field in got[0]["errors"], got
    assert restock.product("P1") == before
    alive()


def test_control_characters_in_product_id_do_not_crash(restock, alive):
    got = results(restock.patch([{"product_id": "P\u00001", "live": False},
                                 {"product_id": "P1\n", "live": False}]))
    assert [r["status"] for r in got] in ([400, 400], [404, 404], [400, 404], [404, 400]), got
    assert restock.product("P1")["live"] is True
    alive()


def test_pipelined_requests_are_answered_in_order(restock, alive):
    auth = restock.a.user_headers()
    data = (raw_patch(auth, b'[{"product_id": "P1", "live": false}]', close=False)
            + raw_patch(auth, b'[{"product_id": "NOPE", "live": false}]', close=False)
            + raw_patch(auth, b'[{"product_id": "P2", "live": false}]', close=True))
    responses = raw_exchange(restock.server, data)
    assert [r.status for r in responses] == [207, 207, 207], responses
    assert [json.loads(r.body)["results"][0]["product_id"] for r in responses] == \
        ["P1", "NOPE", "P2"]
    alive()


@pytest.mark.parametrize("depth", [2, 10])
def test_pipelined_updates_are_applied_in_order(restock, depth):
    # A client pipelining updates to one product on one connection expects the last one to
    # win, as if it had waited for each response.
    auth = restock.a.user_headers()
    for round_ in range(10):
        values = [round_ * 100 + i for i in range(depth)]
        data = b"".join(
            raw_patch(auth, b'[{"product_id": "P1", "inventory": %d}]' % v, close=(i == depth - 1))
            for i, v in enumerate(values))
        responses = raw_exchange(restock.server, data)
        assert [r.status for r in responses] == [207] * depth, responses
        assert restock.product("P1")["inventory"] == values[-1], f"round {round_}"


def test_chunked_body_is_accepted(restock, alive):
    payload = b'[{"product_id": "P1", "live": false}]'
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (payload[:7], payload[7:])) + \
        b"0\r\n\r\n"
    responses = raw_exchange(restock.server, raw_patch(
        restock.a.user_headers(), chunked, extra="transfer-encoding: chunked\r\n"))
    assert [r.status for r in responses] == [207], responses
    assert restock.product("P1")["live"] is False
    alive()


def test_chunked_body_over_limit_is_413(restock, alive):
    restock.serve("--max-body-bytes", "1024")
    chunk = b"[" + b" " * 600
    chunked = b"%x\r\n%s\r\n" % (len(chunk), chunk) * 3 + b"0\r\n\r\n"
    responses = raw_exchange(restock.server, raw_patch(
        restock.a.user_headers(), chunked, extra="transfer-encoding: chunked\r\n"))
    assert responses and responses[0].status == 413, responses
    alive()


def test_expect_100_continue(restock, alive):
    responses = raw_exchange(restock.server, raw_patch(
        restock.a.user_headers(), b'[{"product_id": "P1", "live": false}]',
        extra="expect: 100-continue\r\n"))
    assert [r.status for r in responses if r.status != 100] == [207], responses
    assert restock.product("P1")["live"] is False
    alive()


@pytest.mark.parametrize("data", [
    b"HELLO\r\n\r\n",
    b"PATCH /products-batch/update/ HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n",
    b"PATCH /products-batch/update/ HTTP/9.9\r\nhost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS ClientHello
], ids=["garbage", "bad_content_length", "bad_version", "tls_hello"])
def test_malformed_http_gets_400_or_close(restock, alive, data):
    responses = raw_exchange(restock.server, data)
    assert all(400 <= r.status < 500 for r in responses), responses
    alive()


def test_oversized_headers_are_rejected(restock, alive):
    data = b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 200_000 + b"\r\n\r\n"
    responses = raw_exchange(restock.server, data)
    assert all(400 <= r.status < 500 for r in responses), responses
    alive()


def test_oversized_authorization_header_is_rejected(restock, alive):
    huge = {"authorization": "{" + " " * 60_000 + "}", "og-authorization": "True"}
    resp = restock.patch([{"product_id": "P1", "live": False}], auth=huge)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert restock.product("P1")["live"] is True
    alive()


def test_client_disconnect_mid_body_is_harmless(restock, alive):
    data = raw_patch(restock.a.user_headers(), b'[{"product_id": "P1", "live": false}]')
    responses = raw_exchange(restock.server, data[:-10], timeout=1)
    assert responses == [] or all(r.status >= 400 for r in responses), responses
    assert restock.product("P1")["live"] is True
    alive()
