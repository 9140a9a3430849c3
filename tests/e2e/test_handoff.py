"""Handing placed orders to the merchant's platform (docs/handoff.md), end to end: restock's
real binary against a real HTTP platform (merchant_platform.py) that checks the signature
with Python's hmac, parses the XML with xml.etree and deduplicates by Idempotency-Key.
Every answer class of the table, the summary of `place-orders`, finalize_placement, and the
merchant isolation of the target."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time

import pytest

from harness import restock_bin, query
from merchant_platform import MerchantPlatform

HASH_A = "hash-key-a-0123456789"
HASH_B = "hash-key-b-9876543210"
# The error codes that reject an order at once (docs/handoff.md, "Answers").
REJECTING = ("020", "100", "110", "120", "130", "150", "160", "170", "180")


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


@pytest.fixture
def platform():
    p = MerchantPlatform({"merchant-a": HASH_A, "merchant-b": HASH_B}, slow_s=3.0)
    yield p
    p.stop()


def target(restock, platform, *extra, merchant=None):
    m = merchant or restock.a
    return restock.cli.ok("merchant", "update", "--public-id", m.public_id, "--placement-url",
                          platform.url, "--placement-timeout-ms", "1500",
                          "--placement-max-retries", "2", *extra)


def subscribe(restock, customer, product="P2", merchant=None, start=None):
    m = merchant or restock.a
    return restock.cli.ok("subscription", "add", "--merchant", m.public_id, "--customer",
                          customer, "--product", product, "--quantity", "2", "--every", "1",
                          "--period", "month", "--start", start or today())


def orders(restock, merchant=None):
    m = merchant or restock.a
    out = restock.cli.ok("orders", "list", "--merchant", m.public_id, "--date", today())
    return {o["customer"]: o for o in out}


def place(restock, merchant=None, *extra):
    m = merchant or restock.a
    return restock.cli.ok("place-orders", "--merchant", m.public_id, *extra)


def test_success_places_with_the_platform_order_id(restock, platform):
    target(restock, platform)
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "A1",
                   "--sku", "SKU-A1", "--price", "12.50")
    created = subscribe(restock, "ok:1", "A1")
    restock.cli.ok("customer", "set", "--merchant", restock.a.public_id, "--customer", "ok:1",
                   "--email", "ann@example.com", "--shipping-city", "Paris",
                   "--payment-token", "tok_secret_9")
    summary = place(restock)
    assert summary["placed"] == 1 and summary["handed_off"] == 1, summary
    assert summary["pending"] == 0 and summary["rejected"] == 0, summary
    order = orders(restock)["ok:1"]
    key = str(created["order_id"])
    assert order["status"] == "placed" and order["merchant_order_id"] == f"M-{key}", order
    assert order["placement_attempts"] == 1 and order["error_code"] is None, order
    [r] = platform.received
    assert r.sig_ok and r.public_id == "merchant-a" and r.key == key
    assert r.content_type == "application/xml" and r.user_agent == "restock-handoff/1"
    head, customer, items = r.document["head"], r.document["customer"], r.document["items"]
    assert head["orderPublicId"] == key and head["orderOgDate"] == today()
    assert head["orderTokenId"] == "tok_secret_9"
    assert head["orderSubtotalValue"] == "25.00" and head["orderItemsCount"] == "2"
    assert customer["customerPartnerId"] == "ok:1"
    assert customer["customerEmail"] == "ann@example.com"
    assert customer["customerShippingCity"] == "Paris"
    assert items[0]["product_id"] == "A1" and items[0]["sku"] == "SKU-A1"
    assert items[0]["qty"] == "2" and items[0]["finalPrice"] == "25.00"
    assert items[0]["subscription"]["publicId"] == str(created["subscription_id"])
    assert items[0]["subscription"]["everyPeriod"] == "3"
    # The API shows the same outcome.
    got = restock.request("GET", f"/orders/{key}/", headers=restock.a.key_headers()).json()
    assert got["status"] == "placed" and got["merchant_order_id"] == f"M-{key}", got


def test_json_format(restock, platform):
    target(restock, platform, "--placement-format", "json")
    subscribe(restock, "ok:json")
    assert place(restock)["placed"] == 1
    [r] = platform.received
    assert r.content_type == "application/json" and r.sig_ok
    assert r.document["head"]["order_public_id"] == r.key
    assert r.document["customer"]["customer_partner_id"] == "ok:json"
    assert orders(restock)["ok:json"]["status"] == "placed"


def test_without_a_target_orders_are_placed_at_the_decision(restock, platform):
    subscribe(restock, "ok:none")
    summary = place(restock)
    assert summary["placed"] == 1 and summary["handed_off"] == 0, summary
    assert orders(restock)["ok:none"]["status"] == "placed"
    assert platform.received == []


def test_every_answer_class(restock, platform):
    target(restock, platform)
    for customer in ("ok:x", "processing:x", "err999:x", "err140:x", "garbage:x", "fail500:x",
                     "slow:x", "reset:x", *(f"err{code}:x" for code in REJECTING)):
        subscribe(restock, customer)
    summary = place(restock)
    o = orders(restock)
    assert o["ok:x"]["status"] == "placed"
    assert o["processing:x"]["status"] == "pending"
    for code in REJECTING:
        rejected = o[f"err{code}:x"]
        assert rejected["status"] == "rejected" and rejected["error_code"] == code, rejected
        assert rejected["error_message"] == f"declined {code}"
    for code in ("999", "140"):
        waiting = o[f"err{code}:x"]
        assert waiting["status"] == "pending" and waiting["error_code"] == code, waiting
    assert o["garbage:x"]["status"] == "rejected"
    assert o["garbage:x"]["error_code"] == "response_processing"
    for customer in ("fail500:x", "slow:x", "reset:x"):
        assert o[customer]["status"] == "pending" and o[customer]["error_code"] is None, o[customer]
        assert o[customer]["placement_attempts"] == 1
    assert summary["placed"] == 1 and summary["rejected"] == 1 + len(REJECTING), summary
    assert summary["handed_off"] == 17 and summary["pending"] == 6, summary
    assert all(r.sig_ok for r in platform.received)
    # A run makes one attempt per order: nothing was sent twice, but for the order whose
    # connection was reset on a kept-alive connection, which libcurl sends once more on a
    # fresh one (same Idempotency-Key: the platform recorded it once).
    keys = platform.keys()
    assert len(set(keys)) == 17
    reset_key = str(o["reset:x"]["id"])
    assert [k for k in keys if keys.count(k) > 1] in ([], [reset_key, reset_key]), keys
    assert platform.duplicates in ([], [reset_key])


def test_an_answer_over_1_mib_is_rejected_unless_cut_short(restock, platform):
    # A complete answer too large to read is an unreadable answer (response_processing); a
    # body cut by the connection closing is no answer: the order waits for the next run.
    target(restock, platform)
    subscribe(restock, "huge:x")
    subscribe(restock, "hugecut:x")
    summary = place(restock)
    o = orders(restock)
    assert o["huge:x"]["status"] == "rejected", o["huge:x"]
    assert o["huge:x"]["error_code"] == "response_processing", o["huge:x"]
    assert "over 1 MiB" in o["huge:x"]["error_message"], o["huge:x"]
    assert o["hugecut:x"]["status"] == "pending", o["hugecut:x"]
    assert o["hugecut:x"]["error_code"] is None and o["hugecut:x"]["placement_attempts"] == 1
    assert summary["rejected"] == 1 and summary["pending"] == 1, summary


def test_retryable_codes_retry_at_each_run_up_to_the_limit(restock, platform):
    target(restock, platform)
    subscribe(restock, "err999:r")
    key = None
    for run in range(2):  # the first attempt and the first retry
        place(restock)
        o = orders(restock)["err999:r"]
        key = key or str(o["id"])
        assert o["status"] == "pending" and o["placement_attempts"] == run + 1, o
    # The second retry (--placement-max-retries 2) answered 999 again: rejected.
    place(restock)
    o = orders(restock)["err999:r"]
    assert o["status"] == "rejected" and o["error_code"] == "999", o
    assert o["placement_attempts"] == 3
    # Every retry carried the same key.
    assert platform.keys() == [key] * 3


def test_out_of_stock_answer_splits_the_order_the_same_run(restock, platform):
    target(restock, platform)
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "A2",
                   "--live", "true")
    first = subscribe(restock, "oosA2:s", "P2")
    subscribe(restock, "oosA2:s", "A2")
    summary = place(restock)
    key = str(first["order_id"])
    assert platform.keys() == [key, f"{key}-2"], platform.keys()
    # The re-send carries the remaining item only.
    assert [i["product_id"] for i in platform.received[1].document["items"]] == ["P2"]
    out = restock.cli.ok("orders", "list", "--merchant", restock.a.public_id)
    mine = [o for o in out if o["customer"] == "oosA2:s"]
    placed = [o for o in mine if o["status"] == "placed"]
    waiting = [o for o in mine if o["status"] == "out_of_stock"]
    assert len(placed) == 1 and [i["product_id"] for i in placed[0]["items"]] == ["P2"], mine
    assert len(waiting) == 1 and [i["product_id"] for i in waiting[0]["items"]] == ["A2"], mine
    assert waiting[0]["oos_since"] == today()
    assert summary["out_of_stock"] >= 1 and summary["placed"] == 1, summary
    product = restock.product("A2")
    assert product["live"] is False
    sources = [e["source"] for e in restock.stock_events() if e["product_id"] == "A2"]
    assert sources[-1] == "placement", sources
    # A restock retries the waiting part like any out-of-stock order: it is handed off too.
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "A2",
                   "--live", "true")
    place(restock)
    out = restock.cli.ok("orders", "list", "--merchant", restock.a.public_id)
    again = [o for o in out if o["id"] == waiting[0]["id"]][0]
    assert again["status"] == "placed" and again["merchant_order_id"], again


def test_an_order_wholly_out_of_stock_is_sent_again_under_the_next_key(restock, platform):
    target(restock, platform)
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "A3",
                   "--live", "true")
    key = str(subscribe(restock, "oosA3:w", "A3")["order_id"])
    summary = place(restock)
    assert summary["out_of_stock"] == 1 and summary["placed"] == 0, summary
    o = orders(restock)["oosA3:w"]
    assert o["status"] == "out_of_stock" and str(o["id"]) == key, o
    assert restock.product("A3")["live"] is False
    # The product comes back: the same order is decided again and handed off once more, under
    # the next key (the platform keeps its out-of-stock answer for the first one).
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "A3",
                   "--live", "true")
    summary = place(restock)
    o = orders(restock)["oosA3:w"]
    assert o["status"] == "placed" and o["merchant_order_id"] == f"M-{key}-2", (o, summary)
    assert o["placement_attempts"] == 2, o
    assert platform.keys() == [key, f"{key}-2"], platform.keys()
    assert platform.received[1].document["head"]["orderPublicId"] == f"{key}-2"


def test_finalize_placement_by_api_and_cli(restock, platform):
    target(restock, platform)
    subscribe(restock, "processing:1")
    subscribe(restock, "processing:2")
    place(restock)
    o = orders(restock)
    one, two = o["processing:1"]["id"], o["processing:2"]["id"]
    auth = {**restock.a.key_headers(), "content-type": "application/json"}
    r = restock.request("PATCH", f"/orders/{one}/finalize_placement/", headers=auth,
                        json={"code": "SUCCESS", "order_id": "FIN-1"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "placed" and r.json()["merchant_order_id"] == "FIN-1"
    # Not pending any more: 409, nothing changed.
    r = restock.request("PATCH", f"/orders/{one}/finalize_placement/", headers=auth,
                        json={"code": "ERROR", "error_code": 160})
    assert r.status_code == 409, r.text
    # Bad bodies: 400, nothing changed.
    for bad in ({"code": "MAYBE"}, {"code": "SUCCESS"}, {"code": "ERROR", "error_code": 555},
                {"code": "SUCCESS", "order_id": "x", "extra": 1}):
        r = restock.request("PATCH", f"/orders/{two}/finalize_placement/", headers=auth, json=bad)
        assert r.status_code == 400, (bad, r.text)
    # Merchant isolation: B cannot finalize A's order.
    r = restock.request("PATCH", f"/orders/{two}/finalize_placement/",
                        headers={**restock.b.key_headers(), "content-type": "application/json"},
                        json={"code": "SUCCESS", "order_id": "B"})
    assert r.status_code == 404, r.text
    out = restock.cli.ok("orders", "finalize", "--merchant", restock.a.public_id, "--order",
                         str(two), "--code", "ERROR", "--error-code", "120", "--error-message",
                         "card expired")
    assert out["status"] == "rejected" and out["error_code"] == "120", out
    assert out["error_message"] == "card expired"
    restock.cli.fails(5, "orders", "finalize", "--merchant", restock.a.public_id, "--order",
                      str(two), "--code", "SUCCESS", "--order-id", "Z")


def test_one_merchants_target_does_not_touch_another(restock, platform):
    target(restock, platform)
    subscribe(restock, "ok:a")
    subscribe(restock, "ok:b", "B1", merchant=restock.b)
    place(restock, restock.b)
    assert orders(restock, restock.b)["ok:b"]["status"] == "placed"
    assert platform.received == []
    place(restock)
    assert [r.customer for r in platform.received] == ["ok:a"]


def test_rejections_are_logged_without_secrets(restock, platform):
    target(restock, platform)
    subscribe(restock, "err160:log")
    restock.cli.ok("customer", "set", "--merchant", restock.a.public_id, "--customer",
                   "err160:log", "--payment-token", "tok_NEVER_IN_LOGS")
    r = restock.cli.run("place-orders", "--merchant", restock.a.public_id)
    assert r.rc == 0, r.describe()
    lines = [ln for ln in r.stderr.splitlines() if "rejected" in ln]
    assert len(lines) == 1 and "error_code 160" in lines[0], r.stderr
    assert "tok_NEVER_IN_LOGS" not in r.stderr and HASH_A not in r.stderr
