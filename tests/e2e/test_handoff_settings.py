"""The hand-off's settings (docs/handoff.md): a merchant's placement target set by
`merchant update --placement-*` and stored in the database, and customers' contact details
(`PATCH /customers/{id}/`, `restock customer set`). Bad values: a clear error, exit 2 / 400,
and nothing changed."""

from __future__ import annotations

import pytest

from harness import query

NO_ALLOWANCE = {"RESTOCK_ALLOW_PRIVATE_TARGETS": ""}
DEFAULTS = {"format": "xml", "concurrency": 4, "timeout_ms": 30000, "max_retries": 3}


def update(restock, *args, **kw):
    return restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id, *args, **kw)


def target_of(restock, merchant=None):
    rows = query(restock.db, "SELECT url, format, concurrency, timeout_ms, max_retries "
                 "FROM placement_targets WHERE merchant_id = (SELECT id FROM merchants "
                 "WHERE public_id = ?)", ((merchant or restock.a).public_id,))
    return rows[0] if rows else None


def test_target_is_set_changed_and_removed(restock):
    out = update(restock, "--placement-url", "https://shop.example.com/og/orders")
    assert out["placement_target"] == {"url": "https://shop.example.com/og/orders", **DEFAULTS}
    assert out["public_id"] == restock.a.public_id and out["replay_protection"] == "off"
    out = update(restock, "--placement-format", "json", "--placement-concurrency", "16",
                 "--placement-timeout-ms", "2500", "--placement-max-retries", "5")
    assert out["placement_target"] == {"url": "https://shop.example.com/og/orders",
                                       "format": "json", "concurrency": 16,
                                       "timeout_ms": 2500, "max_retries": 5}
    assert target_of(restock) == ("https://shop.example.com/og/orders", "json", 16, 2500, 5)
    # Merchant isolation: B has no target.
    assert target_of(restock, restock.b) is None
    out = update(restock, "--placement-url", "")
    assert out["placement_target"] is None
    assert target_of(restock) is None


def test_password_in_target_url_is_never_printed(restock):
    out = update(restock, "--placement-url", "https://og:s3cret-pw@shop.example.com/orders")
    assert "s3cret-pw" not in str(out)
    assert target_of(restock)[0] == "https://og:s3cret-pw@shop.example.com/orders"


@pytest.mark.parametrize("args, words", [
    (["--placement-url", "ftp://shop.example.com/x"], "--placement-url"),
    (["--placement-url", "not a url"], "--placement-url"),
    (["--placement-url", "https://shop.example.com/x", "--placement-format", "csv"],
     "--placement-format"),
    (["--placement-url", "https://shop.example.com/x", "--placement-concurrency", "0"],
     "--placement-concurrency"),
    (["--placement-url", "https://shop.example.com/x", "--placement-concurrency", "65"],
     "--placement-concurrency"),
    (["--placement-url", "https://shop.example.com/x", "--placement-timeout-ms", "0"],
     "--placement-timeout-ms"),
    (["--placement-url", "https://shop.example.com/x", "--placement-max-retries", "-1"],
     "--placement-max-retries"),
    (["--placement-url", "", "--placement-format", "json"], "removes"),
    (["--placement-url", "https://shop.example.com/x", "--replay-protection", "maybe"],
     "--replay-protection"),
])
def test_bad_target_values_change_nothing(restock, args, words):
    update(restock, "--placement-url", "https://before.example.com/orders")
    r = restock.cli.fails(2, "merchant", "update", "--public-id", restock.a.public_id, *args)
    assert words in r.stderr, r.describe()
    assert target_of(restock) == ("https://before.example.com/orders", "xml", 4, 30000, 3)


def test_settings_without_a_target_need_a_url(restock):
    r = restock.cli.fails(5, "merchant", "update", "--public-id", restock.a.public_id,
                          "--placement-format", "json")
    assert "--placement-url" in r.stderr, r.describe()
    assert target_of(restock) is None


def test_nothing_to_change_is_refused(restock):
    r = restock.cli.fails(2, "merchant", "update", "--public-id", restock.a.public_id)
    assert "nothing to change" in r.stderr, r.describe()


def test_private_address_literal_is_refused_unless_allowed(restock):
    r = restock.cli.fails(2, "merchant", "update", "--public-id", restock.a.public_id,
                          "--placement-url", "http://127.0.0.1:9/orders", env=NO_ALLOWANCE)
    assert "--allow-private-targets" in r.stderr, r.describe()
    assert target_of(restock) is None
    out = restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id,
                         "--placement-url", "http://127.0.0.1:9/orders",
                         "--allow-private-targets", "127.0.0.0/8", env=NO_ALLOWANCE)
    assert out["placement_target"]["url"] == "http://127.0.0.1:9/orders"


def test_unknown_merchant_is_not_found(restock):
    restock.cli.fails(3, "merchant", "update", "--public-id", "nobody",
                      "--placement-url", "https://shop.example.com/x")


# ---- customers


def subscribe(restock, customer, merchant=None):
    m = merchant or restock.a
    product = "P2" if m is restock.a else "B1"
    restock.cli.ok("subscription", "add", "--merchant", m.public_id, "--customer", customer,
                   "--product", product, "--quantity", "1", "--every", "1", "--period",
                   "month", "--start", "2030-01-15")


def test_customer_set_and_get_by_cli(restock):
    subscribe(restock, "cust-1")
    out = restock.cli.ok("customer", "set", "--merchant", restock.a.public_id, "--customer",
                         "cust-1", "--name", "Ann Smith", "--email", "ann@example.com",
                         "--locale", "en_US", "--shipping-first-name", "Ann",
                         "--shipping-city", "Paris", "--shipping-zip", "75001",
                         "--payment-token", "tok_live_SECRET_42")
    assert out == {"customer": "cust-1", "name": "Ann Smith", "email": "ann@example.com",
                   "locale": "en_US",
                   "shipping_address": {"first_name": "Ann", "last_name": "", "company": "",
                                        "address1": "", "address2": "", "city": "Paris",
                                        "state": "", "zip": "75001", "country": "",
                                        "phone": ""},
                   "billing_address": None, "has_payment_token": True}
    assert "tok_live_SECRET_42" not in str(out)
    got = restock.cli.ok("customer", "get", "--merchant", restock.a.public_id, "--customer",
                         "cust-1")
    assert got == out
    # Changing one field keeps the others.
    out = restock.cli.ok("customer", "set", "--merchant", restock.a.public_id, "--customer",
                         "cust-1", "--shipping-city", "Lyon", "--email", "")
    assert out["shipping_address"]["city"] == "Lyon"
    assert out["shipping_address"]["zip"] == "75001" and out["email"] == ""
    assert out["name"] == "Ann Smith" and out["has_payment_token"] is True


def test_customer_set_refuses_bad_values_and_changes_nothing(restock):
    subscribe(restock, "cust-2")
    restock.cli.ok("customer", "set", "--merchant", restock.a.public_id, "--customer", "cust-2",
                   "--email", "old@example.com")
    for args, words in ((["--email", "not-an-email"], "email"),
                        (["--locale", "en US!"], "locale"),
                        (["--name", "x" * 1025], "1024"),
                        (["--name", "ok", "--shipping-city", "a\x01b"], "control")):
        r = restock.cli.fails(2, "customer", "set", "--merchant", restock.a.public_id,
                              "--customer", "cust-2", *args)
        assert words in r.stderr, r.describe()
    got = restock.cli.ok("customer", "get", "--merchant", restock.a.public_id, "--customer",
                         "cust-2")
    assert got["email"] == "old@example.com" and got["name"] == ""
    assert got["shipping_address"] is None
    restock.cli.fails(3, "customer", "set", "--merchant", restock.a.public_id, "--customer",
                      "nobody", "--name", "X")


def test_customer_api_patch_and_get(restock):
    subscribe(restock, "cust-3")
    subscribe(restock, "cust-3", restock.b)
    auth = {**restock.a.key_headers(), "content-type": "application/json"}
    r = restock.request("PATCH", "/customers/cust-3/", headers=auth, json={
        "name": "Bo", "shipping_address": {"city": "Oslo", "country": "NO"},
        "billing_address": {"address1": "1 Main St"}, "payment_token": "tok_secret_api"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "Bo" and body["shipping_address"]["city"] == "Oslo"
    assert body["billing_address"]["address1"] == "1 Main St"
    assert body["has_payment_token"] is True and "tok_secret_api" not in r.text
    # null clears: a field, a whole address.
    r = restock.request("PATCH", "/customers/cust-3/", headers=auth,
                        json={"name": None, "billing_address": None})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "" and r.json()["billing_address"] is None
    assert r.json()["shipping_address"]["country"] == "NO"
    # Merchant isolation: B's customer of the same id is untouched.
    r = restock.request("GET", "/customers/cust-3/", headers=restock.b.key_headers())
    assert r.status_code == 200 and r.json()["shipping_address"] is None, r.text
    # Bad input: 400, nothing changed.
    for bad in ({"nickname": "x"}, {"email": 5}, {"shipping_address": {"planet": "Mars"}},
                {"shipping_address": "Oslo"}, {"email": "nope"}, {}):
        r = restock.request("PATCH", "/customers/cust-3/", headers=auth, json=bad)
        assert r.status_code == 400, (bad, r.text)
        assert "detail" in r.json()
    r = restock.request("GET", "/customers/cust-3/", headers=restock.a.key_headers())
    assert r.json()["shipping_address"]["city"] == "Oslo" and r.json()["email"] == ""
    r = restock.request("PATCH", "/customers/nobody/", headers=auth, json={"name": "X"})
    assert r.status_code == 404, r.text
    r = restock.request("PATCH", "/customers/cust-3/", headers=restock.a.key_headers(),
                        data=b"name=x")
    assert r.status_code == 415, r.text


def test_payment_token_never_reaches_the_logs(restock):
    subscribe(restock, "cust-4")
    auth = {**restock.a.key_headers(), "content-type": "application/json"}
    r = restock.request("PATCH", "/customers/cust-4/", headers=auth,
                        json={"payment_token": "tok_NEVER_LOGGED_77", "email": "bad"})
    assert r.status_code == 400 and "tok_NEVER_LOGGED_77" not in r.text
    r = restock.request("PATCH", "/customers/cust-4/", headers=auth,
                        json={"payment_token": "tok_NEVER_LOGGED_77"})
    assert r.status_code == 200
    restock.server.stop()
    for name, tail in restock.server_logs():
        assert "tok_NEVER_LOGGED_77" not in tail, name
