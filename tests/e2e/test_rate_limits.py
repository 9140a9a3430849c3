"""Rate limits (docs/security.md): per merchant on the batch endpoint, after authentication;
per client address on every request; 429 + Retry-After + {"detail"}, nothing applied."""

from __future__ import annotations

import re
import time

import requests

from harness import assert_detail, results


def assert_throttled(resp) -> int:
    assert_detail(resp, 429)
    retry = resp.headers.get("retry-after", "")
    assert retry.isdigit() and int(retry) >= 1, resp.headers
    assert resp.json()["detail"] == f"Request was throttled. Expected available in {retry} seconds."
    return int(retry)


def metric(env, name: str, labels: str) -> float:
    text = env.request("GET", "/metrics").text
    m = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def test_merchant_limit_refuses_with_429_and_applies_nothing(restock):
    restock.serve("--rate-limit-merchant", "5", "--rate-limit-client", "0")
    for _ in range(5):
        assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200
    refused = restock.patch([{"product_id": "P1", "live": False}])
    retry = assert_throttled(refused)
    assert retry <= 12  # 5 per minute: one token every 12 s
    assert restock.product("P1")["live"] is True
    # Merchant B has its own budget; A's API key shares A's.
    assert results(restock.patch([{"product_id": "B1", "live": False}],
                                 auth=restock.b.user_headers()))[0]["status"] == 200
    assert_throttled(restock.patch([{"product_id": "P1", "live": False}],
                                   auth=restock.a.key_headers()))
    assert metric(restock, "restock_rate_limited_total", 'limit="merchant"') == 2


def test_failed_authentication_does_not_spend_the_merchants_budget(restock):
    restock.serve("--rate-limit-merchant", "3", "--rate-limit-client", "0")
    bad = restock.a.user_headers()
    bad["authorization"] = bad["authorization"].replace('"sig": "', '"sig": "A')
    for _ in range(10):
        assert_detail(restock.patch([{"product_id": "P1", "live": False}], auth=bad), 401)
    for _ in range(3):
        assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200
    assert_throttled(restock.patch([{"product_id": "P2", "live": True}]))


def test_client_limit_counts_every_request_before_authentication(restock):
    restock.serve("--rate-limit-client", "4", "--rate-limit-merchant", "0")
    for _ in range(4):
        assert restock.request("GET", "/nowhere").status_code == 404
    assert_throttled(restock.request("GET", "/nowhere"))
    assert_throttled(restock.patch([{"product_id": "P1", "live": False}]))
    assert_throttled(restock.patch([{"product_id": "P1", "live": False}], auth={}))
    restock.serve("--rate-limit-client", "0", "--rate-limit-merchant", "0")
    assert restock.product("P1")["live"] is True


def test_forwarded_for_is_ignored_unless_trusted(restock):
    restock.serve("--rate-limit-client", "2", "--rate-limit-merchant", "0")
    for ip in ["10.0.0.1", "10.0.0.2"]:
        assert restock.request("GET", "/nowhere", headers={"x-forwarded-for": ip}).status_code == 404
    assert_throttled(restock.request("GET", "/nowhere", headers={"x-forwarded-for": "10.0.0.3"}))

    restock.serve("--rate-limit-client", "2", "--rate-limit-merchant", "0",
                  "--trust-forwarded-for", "true")
    for _ in range(2):
        assert restock.request("GET", "/nowhere",
                               headers={"x-forwarded-for": "10.0.0.1"}).status_code == 404
    assert_throttled(restock.request("GET", "/nowhere", headers={"x-forwarded-for": "10.0.0.1"}))
    # The last entry is the one the trusted proxy appended; earlier ones are client-supplied.
    assert_throttled(restock.request("GET", "/nowhere",
                                     headers={"x-forwarded-for": "10.9.9.9, 10.0.0.1"}))
    assert restock.request("GET", "/nowhere",
                           headers={"x-forwarded-for": "10.0.0.1, 10.0.0.2"}).status_code == 404
    # One IPv6 /64 is one client.
    for host in ["2001:db8:0:1::1", "2001:db8:0:1::2"]:
        assert restock.request("GET", "/nowhere",
                               headers={"x-forwarded-for": host}).status_code == 404
    assert_throttled(restock.request("GET", "/nowhere",
                                     headers={"x-forwarded-for": "2001:db8:0:1:ffff::3"}))


def test_zero_turns_limits_off(restock):
    restock.serve("--rate-limit-client", "0", "--rate-limit-merchant", "0")
    for _ in range(120):
        assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200


def test_limits_from_environment_and_toml(restock):
    restock.serve(env={"RESTOCK_RATE_LIMIT_MERCHANT": "2", "RESTOCK_RATE_LIMIT_CLIENT": "0"})
    for _ in range(2):
        assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200
    assert_throttled(restock.patch([{"product_id": "P2", "live": True}]))

    config = restock.tmp / "restock.toml"
    config.write_text("rate_limit_merchant = 1\nrate_limit_client = 0\n")
    restock.serve("--config", str(config))
    assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200
    assert_throttled(restock.patch([{"product_id": "P2", "live": True}]))
    # A flag beats the file.
    restock.serve("--config", str(config), "--rate-limit-merchant", "0")
    for _ in range(3):
        assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200


def test_bad_limit_values_are_refused_at_startup(restock):
    for value in ["-1", "abc", "2000000000"]:
        r = restock.cli.run("serve", "--listen", "127.0.0.1:0", "--rate-limit-merchant", value)
        assert r.rc == 2, r.describe()


def test_defaults_are_600_per_merchant_and_6000_per_client(restock):
    config = restock.tmp / "empty.toml"
    config.write_text("")
    server = restock.serve("--config", str(config))  # no limit flags: the built-in defaults
    session = requests.Session()
    headers = dict(restock.a.key_headers(), **{"content-type": "application/json"})
    start = time.monotonic()
    allowed = 0
    while True:
        r = server.request("PATCH", "/products-batch/update/", data=b"[]", headers=headers,
                           session=session)
        if r.status_code == 429:
            break
        assert r.status_code == 207, r.text
        allowed += 1
        assert allowed <= 2000, "never throttled"
    elapsed = time.monotonic() - start
    assert_throttled(r)
    # A burst of 600, plus what refilled (10 per second) while the loop ran.
    assert 600 <= allowed <= 600 + 10 * elapsed + 1, (allowed, elapsed)
    # The client limit (6,000) is far from reached: another merchant is still served.
    assert results(restock.patch([], auth=restock.b.user_headers())) == []


def test_batch_create_shares_the_merchants_budget(restock):
    restock.serve("--rate-limit-merchant", "2", "--rate-limit-client", "0")
    assert results(restock.patch([{"product_id": "P2", "live": True}]))[0]["status"] == 200
    created = restock.patch([{"product_id": "NEW1", "name": "New"}], method="POST",
                            path="/products-batch/create/")
    assert created.status_code == 207, created.text
    refused = restock.patch([{"product_id": "NEW2", "name": "New"}], method="POST",
                            path="/products-batch/create/")
    assert_throttled(refused)
    assert restock.cli.run("product", "get", "--merchant", restock.a.public_id, "NEW2").rc != 0
