"""Outbound targets (docs/security.md, "Outbound targets"): webhook URLs may not reach
loopback, link-local, private or unspecified addresses unless the operator allows their range.
Address literals are refused when the endpoint is added (CLI exit 2, HTTP 400); a name is
checked on the address it resolves to, when the attempt connects, so the receiver never sees
the request. The harness allows loopback for every other test; these tests take it away."""

from __future__ import annotations

import json

import pytest

from webhook_support import FAST, Receiver, attempts, wait_for

NO_ALLOWANCE = {"RESTOCK_ALLOW_PRIVATE_TARGETS": ""}
SECRET = "whsec_test_secret_0123456789"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://127.1/hook", "http://2130706433/hook",
    "http://[::1]:8080/hook", "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/hook", "http://192.168.0.10/hook", "http://172.16.5.4/hook",
    "http://0.0.0.0:80/hook", "http://[::ffff:127.0.0.1]/hook", "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
])
def test_cli_refuses_private_address_literals(restock, url):
    r = restock.cli.fails(2, "webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                          "--events", "product.stock_changed", env=NO_ALLOWANCE)
    assert "target address" in r.stderr and "--allow-private-targets" in r.stderr, r.describe()
    assert restock.cli.ok("webhook", "list", "--merchant", restock.a.public_id) == []


def test_allowed_ranges_are_exactly_the_listed_ones(restock):
    def add(url, allow):
        return restock.cli.run("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                               "--events", "product.stock_changed", "--allow-private-targets",
                               allow, env=NO_ALLOWANCE)
    assert add("http://10.1.2.3/hook", "10.1.0.0/16").rc == 0
    assert add("http://10.2.0.1/hook", "10.1.0.0/16").rc == 2
    assert add("http://[::1]/hook", "127.0.0.0/8").rc == 2
    assert add("http://[::1]/hook", "::1/128").rc == 0
    bad = add("http://10.1.2.3/hook", "10.1.0.0/33")
    assert bad.rc == 2 and "prefix" in bad.stderr, bad.describe()
    # Public addresses and names need no allowance.
    assert add("http://93.184.216.34/hook", "").rc == 0
    assert add("https://hooks.example.com/x", "").rc == 0


def test_http_api_refuses_private_literals_with_400(restock):
    restock.serve(env=NO_ALLOWANCE)
    headers = {**restock.a.key_headers(), "content-type": "application/json"}
    for url in ["http://127.0.0.1:9/hook", "http://[::1]/hook", "http://169.254.169.254/"]:
        resp = restock.request("POST", "/webhooks/", headers=headers,
                               data=json.dumps({"url": url, "events": ["product.stock_changed"]}))
        assert resp.status_code == 400, (url, resp.status_code, resp.text)
        assert "target address" in resp.json()["detail"], resp.text
    assert restock.request("GET", "/webhooks/", headers=headers).json()["results"] == []


def test_a_name_resolving_to_loopback_fails_at_connect_time(restock, tmp_path):
    """`localhost` passes `webhook add` (a name), but the attempt refuses the address it
    resolves to: the receiver sees nothing and the delivery log says why."""
    rx = Receiver(tmp_path, secrets=[SECRET])
    try:
        url = rx.url.replace("127.0.0.1", "localhost")
        hook = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                              "--events", "product.stock_changed", "--secret", SECRET,
                              env=NO_ALLOWANCE)
        restock.serve(*FAST, env=NO_ALLOWANCE)
        restock.patch([{"product_id": "P1", "inventory": 3}])
        log = wait_for(lambda: attempts(restock.db), 30, "an attempt")
        assert log[0]["status_code"] is None
        assert "refused: target address" in log[0]["error"] and "loopback" in log[0]["error"], log
        shown = restock.cli.ok("webhook", "deliveries", "--merchant", restock.a.public_id,
                               "--id", str(hook["id"]))
        assert "loopback" in shown[0]["error"], shown
        assert rx.records() == []
        # The same server with loopback allowed delivers it.
        restock.serve(*FAST)
        wait_for(lambda: rx.accepted(), 30, "the delivery once allowed")
    finally:
        rx.stop()


def test_passwords_in_urls_are_not_shown(restock):
    url = "https://user:s3cr3t-pass@hooks.example.com/x"
    hook = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                          "--events", "product.stock_changed")
    listed = restock.cli.ok("webhook", "list", "--merchant", restock.a.public_id)
    assert listed[0]["url"] == "https://user:***@hooks.example.com/x", listed
    got = restock.request("GET", f"/webhooks/{hook['id']}/", headers=restock.a.key_headers())
    assert got.status_code == 200 and "s3cr3t" not in got.text, got.text


@pytest.mark.parametrize("url", ["http://example.com:0/x", "http://example.com:65536/x",
                                 "http://exa$mple.com/x", "http://-bad-.example/x",
                                 "http://a..b/x", "http://[zz::1]/x", "http://example.com:/x"])
def test_urls_with_an_invalid_port_or_host_are_refused(restock, url):
    r = restock.cli.fails(2, "webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                          "--events", "product.stock_changed")
    assert "url" in r.stderr, r.describe()
