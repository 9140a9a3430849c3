"""`serve` hands off in the background (docs/handoff.md, "Delivery", "Metrics"): the
scheduler's run decides the orders, the hand-off thread sends them to the merchant's platform
(merchant_platform.py), and only the platform's answer emits the order's webhook event —
`order.placed` after SUCCESS, `order.rejected` after a rejecting code, nothing for an order
that stays pending. /metrics counts the answers by code, the latency and the queue."""

from __future__ import annotations

import datetime as dt
import json
import re

from merchant_platform import MerchantPlatform
from webhook_support import FAST, Receiver, wait_for

PID = "m-hooked"
HASH = "hooked-key-0123456789"
SECRET = "whsec_handoff_0123456789"


def metric(text: str, name: str, labels: str = "") -> float | None:
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def test_answers_emit_the_order_events_and_metrics(restock, tmp_path):
    platform = MerchantPlatform({PID: HASH})
    rx = Receiver(tmp_path, secrets=[SECRET])
    try:
        restock.cli.ok("merchant", "add", "--public-id", PID, "--hash-key", HASH,
                       "--placement-time", "00:00")
        restock.cli.ok("product", "add", "--merchant", PID, "--product-id", "P", "--live", "true")
        restock.cli.ok("merchant", "update", "--public-id", PID, "--placement-url", platform.url,
                       "--placement-timeout-ms", "5000")
        restock.cli.ok("webhook", "add", "--merchant", PID, "--url", rx.url, "--events",
                       "order.placed,order.rejected", "--secret", SECRET)
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        for customer in ("ok:1", "err170:1", "err999:1"):
            restock.cli.ok("subscription", "add", "--merchant", PID, "--customer", customer,
                           "--product", "P", "--quantity", "1", "--every", "1", "--period",
                           "month", "--start", today)
        restock.serve("--scheduler", "true", "--scheduler-tick", "1", *FAST)
        wait_for(lambda: len(platform.received) == 3, 30, "3 hand-off requests")
        wait_for(lambda: len(rx.accepted()) == 2, 30, "2 order events")
        events = [json.loads(r["body"]) for r in rx.accepted()]
        by_type = {e["type"]: e["data"]["order"] for e in events}
        assert sorted(by_type) == ["order.placed", "order.rejected"], events
        placed, rejected = by_type["order.placed"], by_type["order.rejected"]
        assert placed["customer"] == "ok:1" and placed["status"] == "placed", placed
        assert placed["merchant_order_id"] == f"M-{placed['id']}", placed
        assert placed["placement_attempts"] == 1, placed
        assert rejected["customer"] == "err170:1" and rejected["status"] == "rejected", rejected
        assert rejected["error_code"] == "170" and rejected["error_message"] == "declined 170"
        assert all(r["sigs_valid"] == [[True]] for r in rx.records())
        # The order that waits for the next run (999) emitted nothing.
        [waiting] = restock.cli.ok("orders", "list", "--merchant", PID, "--status", "pending")
        assert waiting["customer"] == "err999:1" and waiting["error_code"] == "999", waiting

        text = restock.request("GET", "/metrics").text
        for code in ("SUCCESS", "170", "999"):
            assert metric(text, "restock_handoff_answers_total", f'{{code="{code}"}}') == 1, \
                (code, text)
        assert metric(text, "restock_handoff_latency_seconds_count") == 3, text
        # The 999 request waits for the next run: not answered for good.
        assert metric(text, "restock_handoff_queue_depth") == 1, text
    finally:
        rx.stop()
        platform.stop()


def test_a_placement_decision_in_serve_wakes_the_hand_off(restock):
    # The hand-off looks for due requests only once an hour when idle: the order reaches the
    # platform because the run that decided it wakes the hand-off. The run is a restock
    # retry: the order waited out of stock for P1, which comes back through the API.
    a = restock.a
    platform = MerchantPlatform({a.public_id: a.hash_key})
    try:
        restock.cli.ok("merchant", "update", "--public-id", a.public_id, "--placement-url",
                       platform.url, "--placement-timeout-ms", "5000")
        restock.serve("--scheduler", "false", "--handoff-poll-ms", "3600000", *FAST)
        assert restock.patch([{"product_id": "P1", "live": False}]).status_code == 207
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        restock.cli.ok("subscription", "add", "--merchant", a.public_id, "--customer", "ok:w",
                       "--product", "P1", "--quantity", "1", "--every", "1", "--period",
                       "month", "--start", today)
        summary = restock.cli.ok("place-orders", "--merchant", a.public_id)
        assert summary["out_of_stock"] == 1 and summary["handed_off"] == 0, summary
        assert restock.patch([{"product_id": "P1", "live": True}]).status_code == 207
        wait_for(lambda: len(platform.received) == 1, 30, "the hand-off of the retried order")
        wait_for(lambda: restock.cli.ok("orders", "list", "--merchant", a.public_id,
                                        "--status", "placed"), 30, "the order placed")
    finally:
        platform.stop()
