"""Signed webhooks (SPEC §3, docs/webhooks.md) end to end: a real receiver process verifies
every signature with Python's hmac, fails the first attempts, and still receives every event
exactly as restock wrote it to the outbox; key rotation; no event lost across kill -9."""

from __future__ import annotations

import datetime as dt
import json

from harness import results
from webhook_support import FAST, Receiver, attempts, free_port, outbox, wait_for

SECRET = "whsec_test_secret_0123456789"


def add_hook(restock, url: str, events: str, secret: str = SECRET) -> dict:
    hook = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                          "--events", events, "--secret", secret)
    assert set(hook) == {"id", "secret"} and hook["secret"] == secret
    return hook


def patch_ok(restock, body: list) -> None:
    assert [r["status"] for r in results(restock.patch(body))] == [200] * len(body)


def test_every_event_arrives_signed_and_exactly_as_sent_despite_failures(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=3, fail_mode="mixed", sleep=1.0)
    try:
        hook = add_hook(restock, rx.url, "product.stock_changed,product.low_stock")
        restock.serve(*FAST)
        patch_ok(restock, [{"product_id": "P1", "low_stock_threshold": 3}])  # no stock change
        patch_ok(restock, [{"product_id": "P1", "inventory": 2}])            # crosses 3
        patch_ok(restock, [{"product_id": "P2", "live": False}, {"product_id": "P2", "live": True}])
        patch_ok(restock, [{"product_id": "P3", "inventory": 5}])            # comes back live
        patch_ok(restock, [{"product_id": "P1", "inventory": 1}])            # already below: no low_stock

        wait_for(lambda: len({r["event_id"] for r in rx.accepted()}) == 6, 60, "6 deliveries")
        # The outbox row is marked delivered once the receiver's answer is back.
        wait_for(lambda: all(r["status"] == "delivered" for r in outbox(restock.db)), 30,
                 "the outbox marked delivered")
        sent = outbox(restock.db)
        assert len(sent) == 6
        assert all(r["status"] == "delivered" for r in sent), sent
        # Exactly as sent: the accepted bodies are the outbox bodies, byte for byte, once each.
        assert sorted(r["body"] for r in rx.accepted()) == sorted(r["body"] for r in sent)
        # Every request (failed ones too) carries one signature, valid under Python's hmac.
        for r in rx.records():
            assert r["sigs_valid"] == [[True]], r
            assert r["content_type"] == "application/json"
        # The first 3 attempts of each event fail, then one succeeds (a timed-out attempt is
        # recorded by the receiver only when its late answer is done).
        def tries_per_event():
            counts = {}
            for r in rx.records():
                counts[r["event_id"]] = counts.get(r["event_id"], 0) + 1
            return counts
        wait_for(lambda: all(n >= 4 for n in tries_per_event().values()), 10, "late records")
        assert len(tries_per_event()) == 6

        events = [json.loads(r["body"]) for r in sent]
        assert all(set(e) == {"id", "sequence", "type", "created", "data"} for e in events)
        assert [e["sequence"] for e in events] == list(range(1, 7))  # in commit order
        assert len({e["id"] for e in events}) == 6
        changed = [e["data"] for e in events if e["type"] == "product.stock_changed"]
        low = [e["data"] for e in events if e["type"] == "product.low_stock"]
        assert [(d["product_id"], d["live"], d["previous_live"], d["inventory"], d["source"])
                for d in changed] == [("P1", True, True, 2, "api"), ("P2", False, True, None, "api"),
                                      ("P2", True, False, None, "api"), ("P3", True, False, 5, "api"),
                                      ("P1", True, True, 1, "api")]
        assert len(low) == 1
        assert (low[0]["product_id"], low[0]["inventory"], low[0]["previous_inventory"],
                low[0]["low_stock_threshold"]) == ("P1", 2, 10, 3)

        log = restock.cli.ok("webhook", "deliveries", "--merchant", restock.a.public_id,
                             "--id", str(hook["id"]), "--limit", "1000")
        assert sum(a["outcome"] == "delivered" for a in log) == 6
        assert any(a["status_code"] == 500 and a["outcome"] == "retry" for a in log)
        assert any(a["status_code"] is None and a["error"] for a in log), "timeouts are logged"
        metrics = restock.request("GET", "/metrics").text
        assert 'restock_webhook_deliveries_total{outcome="delivered"} 6' in metrics
    finally:
        rx.stop()


def test_rotation_signs_with_new_and_old_secret(restock, tmp_path):
    old, new = "whsec_old_secret_0123456789", "whsec_new_secret_0123456789"
    rx = Receiver(tmp_path, secrets=[new, old])
    try:
        hook = add_hook(restock, rx.url, "product.stock_changed", secret=old)
        rotated = restock.cli.ok("webhook", "rotate", "--merchant", restock.a.public_id,
                                 "--id", str(hook["id"]), "--secret", new)
        assert rotated["id"] == hook["id"] and rotated["secret"] == new
        expires = dt.datetime.strptime(rotated["previous_secret_expires"], "%Y-%m-%dT%H:%M:%SZ")
        delta = expires.replace(tzinfo=dt.timezone.utc) - dt.datetime.now(dt.timezone.utc)
        assert dt.timedelta(hours=23, minutes=58) < delta <= dt.timedelta(hours=24)
        listed = restock.cli.ok("webhook", "list", "--merchant", restock.a.public_id)
        assert listed[0]["previous_secret_expires"] == rotated["previous_secret_expires"]
        assert "secret" not in listed[0]

        restock.serve(*FAST)
        patch_ok(restock, [{"product_id": "P2", "live": False}])
        wait_for(rx.accepted, 30, "a delivery")
        # New secret's signature first, then the old one's; each verifies with its own key.
        assert rx.accepted()[0]["sigs_valid"] == [[True, False], [False, True]]
    finally:
        rx.stop()


def test_no_event_lost_across_kill9_between_change_and_delivery(restock, tmp_path):
    port = free_port()  # nothing listens there yet: the receiver is down
    add_hook(restock, f"http://127.0.0.1:{port}/hook", "product.stock_changed")
    server = restock.serve(*FAST)
    patch_ok(restock, [{"product_id": "P2", "live": False}])  # acknowledged: 207
    wait_for(lambda: attempts(restock.db), 30, "a failed attempt")
    server.kill9()
    assert outbox(restock.db)[0]["status"] == "pending"

    rx = Receiver(tmp_path, secrets=[SECRET], port=port)
    try:
        restock.serve(*FAST)
        wait_for(rx.accepted, 30, "the delivery after the restart")
        sent = outbox(restock.db)
        wait_for(lambda: outbox(restock.db)[0]["status"] == "delivered", 10, "delivered")
        assert [r["body"] for r in rx.accepted()] == [sent[0]["body"]]
        assert rx.accepted()[0]["sigs_valid"] == [[True]]
        assert json.loads(sent[0]["body"])["data"]["live"] is False
    finally:
        rx.stop()


def test_failed_delivery_is_replayed_with_the_same_event(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=3)
    try:
        hook = add_hook(restock, rx.url, "product.stock_changed")
        restock.serve(*FAST, "--webhook-max-attempts", "3")
        patch_ok(restock, [{"product_id": "P2", "live": False}])
        wait_for(lambda: outbox(restock.db)[0]["status"] == "failed", 30, "failed")
        log = restock.cli.ok("webhook", "deliveries", "--merchant", restock.a.public_id,
                             "--id", str(hook["id"]))
        assert [a["outcome"] for a in log] == ["failed", "retry", "retry"]
        assert [a["attempt"] for a in log] == [3, 2, 1]
        assert not rx.accepted()

        first = outbox(restock.db)[0]
        replay = restock.cli.ok("webhook", "replay", "--merchant", restock.a.public_id,
                                "--id", str(hook["id"]), "--delivery", str(first["id"]))
        assert replay == {"enqueued": 1}
        wait_for(rx.accepted, 30, "the replayed delivery")
        assert rx.accepted()[0]["body"] == first["body"]
        assert rx.accepted()[0]["event_id"] == first["event_id"]

        since = restock.cli.ok("webhook", "replay", "--merchant", restock.a.public_id,
                               "--id", str(hook["id"]), "--since", "2000-01-01")
        assert since == {"enqueued": 1}, "one event, replayed once however often it was sent"
    finally:
        rx.stop()


def test_order_events_from_placement_are_delivered(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET])
    try:
        add_hook(restock, rx.url, "order.placed,order.out_of_stock,order.oos_notice,order.cancelled")
        a = restock.a.public_id
        restock.cli.ok("product", "add", "--merchant", a, "--product-id", "W", "--inventory", "1")
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        for customer in ("c1", "c2"):
            restock.cli.ok("subscription", "add", "--merchant", a, "--customer", customer,
                           "--product", "W", "--quantity", "1", "--every", "1", "--period",
                           "month", "--start", today)
        restock.serve(*FAST)
        summary = restock.cli.ok("place-orders", "--merchant", a, "--date", today)
        assert (summary["placed"], summary["out_of_stock"]) == (1, 1)
        wait_for(lambda: len(rx.accepted()) == 3, 30, "3 order events")
        events = {json.loads(r["body"])["type"]: json.loads(r["body"]) for r in rx.accepted()}
        assert set(events) == {"order.placed", "order.out_of_stock", "order.oos_notice"}
        assert events["order.placed"]["data"]["order"]["status"] == "placed"
        oos = events["order.out_of_stock"]["data"]["order"]
        assert oos["status"] == "out_of_stock" and oos["items"][0]["product_id"] == "W"
        assert events["order.oos_notice"]["data"]["day_in_flow"] == 1
        assert all(r["sigs_valid"] == [[True]] for r in rx.records())

        cancelled = restock.request("POST", f"/orders/{oos['id']}/cancel/",
                                    headers=restock.a.key_headers())
        assert cancelled.status_code == 200, cancelled.text
        wait_for(lambda: len(rx.accepted()) == 4, 30, "order.cancelled")
        last = json.loads(rx.accepted()[-1]["body"])
        assert last["type"] == "order.cancelled" and last["data"]["order"]["id"] == oos["id"]
    finally:
        rx.stop()


def test_only_subscribed_enabled_endpoints_get_deliveries(restock, tmp_path):
    a = restock.a.public_id
    stock = add_hook(restock, "http://127.0.0.1:9/a", "product.stock_changed")
    add_hook(restock, "http://127.0.0.1:9/b", "order.placed")
    off = add_hook(restock, "http://127.0.0.1:9/c", "product.stock_changed")
    restock.cli.ok("webhook", "disable", "--merchant", a, "--id", str(off["id"]))
    restock.cli.ok("product", "add", "--merchant", a, "--product-id", "P2", "--live", "false")
    restock.cli.ok("product", "add", "--merchant", restock.b.public_id, "--product-id", "B1",
                   "--live", "false")
    sent = outbox(restock.db)
    assert [r["endpoint_id"] for r in sent] == [stock["id"]]
    assert json.loads(sent[0]["body"])["data"]["source"] == "cli"


def test_webhook_cli_rejects_bad_input_and_changes_nothing(restock):
    a = restock.a.public_id
    cases = [
        (2, ["--url", "ftp://example.com/x", "--events", "order.placed"], "http:// or https://"),
        (2, ["--url", "http://", "--events", "order.placed"], "host"),
        (2, ["--url", "http://ex ample.com/", "--events", "order.placed"], "spaces"),
        (2, ["--url", "http://example.com/", "--events", "order.nope"], "unknown event type"),
        (2, ["--url", "http://example.com/", "--events", ""], "at least one"),
        (2, ["--url", "http://example.com/", "--events", "order.placed", "--secret", "short"],
         "secret"),
    ]
    for rc, args, message in cases:
        r = restock.cli.fails(rc, "webhook", "add", "--merchant", a, *args)
        assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.describe()
    restock.cli.fails(3, "webhook", "add", "--merchant", "nobody", "--url", "http://x/",
                      "--events", "order.placed")
    assert restock.cli.ok("webhook", "list", "--merchant", a) == []
    hook = add_hook(restock, "http://example.com/", "order.placed")
    restock.cli.fails(3, "webhook", "rotate", "--merchant", restock.b.public_id, "--id",
                      str(hook["id"]))
    restock.cli.fails(2, "webhook", "replay", "--merchant", a, "--id", str(hook["id"]))
    restock.cli.fails(2, "webhook", "replay", "--merchant", a, "--id", str(hook["id"]),
                      "--since", "yesterday")
    restock.cli.fails(3, "webhook", "replay", "--merchant", a, "--id", str(hook["id"]),
                      "--delivery", "999")
    restock.cli.fails(2, "webhook", "rotate", "--merchant", a, "--id", str(hook["id"]),
                      "--secret", SECRET)  # the same secret again
    listed = restock.cli.ok("webhook", "list", "--merchant", a)
    assert [h["id"] for h in listed] == [hook["id"]] and listed[0]["previous_secret_expires"] is None


def test_feed_imports_enqueue_events_with_source_feed(restock):
    hook = add_hook(restock, "http://127.0.0.1:9/a", "product.stock_changed")
    feed = restock.tmp / "feed.jsonl"
    feed.write_text(json.dumps({"product_id": "P1", "inventory": 4}) + "\n" +
                    json.dumps({"product_id": "NEW", "live": True}) + "\n")
    restock.cli.ok("product", "import", "--merchant", restock.a.public_id, str(feed))
    sent = outbox(restock.db)
    assert [r["endpoint_id"] for r in sent] == [hook["id"]], "creating NEW is not a stock change"
    data = json.loads(sent[0]["body"])["data"]
    assert (data["product_id"], data["inventory"], data["previous_inventory"], data["source"]) == \
        ("P1", 4, 10, "feed")


def test_two_servers_on_one_database_deliver_each_event_once(restock, tmp_path):
    from harness import Server
    rx = Receiver(tmp_path, secrets=[SECRET])
    servers = []
    try:
        add_hook(restock, rx.url, "product.stock_changed")
        servers = [Server(restock.db, tmp_path, FAST, name=f"node{i}") for i in range(2)]
        for i in range(1, 21):
            server = servers[i % 2]
            body = [{"product_id": "P1", "inventory": i}]
            resp = restock.patch(body, server=server)
            assert [r["status"] for r in results(resp)] == [200]
        wait_for(lambda: len(rx.accepted()) >= 20, 60, "20 deliveries")
        wait_for(lambda: all(r["status"] == "delivered" for r in outbox(restock.db)), 10, "done")
        ids = [r["event_id"] for r in rx.accepted()]
        assert len(ids) == 20 and len(set(ids)) == 20, "each event delivered exactly once"
        assert all(r["sigs_valid"] == [[True]] for r in rx.records())
    finally:
        for s in servers:
            s.stop()
        rx.stop()


def test_retry_settings_come_from_toml_and_environment(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=100)
    try:
        hook = add_hook(restock, rx.url, "product.stock_changed")
        config = restock.tmp / "restock.toml"
        config.write_text("webhook_first_retry_ms = 50\nwebhook_max_retry_ms = 100\n"
                          "webhook_poll_ms = 50\nwebhook_max_attempts = 9\n")
        # The environment wins over the file: 2 attempts, not 9.
        restock.serve("--config", str(config), env={"RESTOCK_WEBHOOK_MAX_ATTEMPTS": "2"})
        patch_ok(restock, [{"product_id": "P2", "live": False}])
        wait_for(lambda: outbox(restock.db)[0]["status"] == "failed", 30, "failed")
        log = restock.cli.ok("webhook", "deliveries", "--merchant", restock.a.public_id,
                             "--id", str(hook["id"]))
        assert [a["outcome"] for a in log] == ["failed", "retry"]
        assert len(rx.records()) == 2
    finally:
        rx.stop()


def test_serve_rejects_bad_webhook_settings(restock):
    import subprocess
    from harness import restock_bin
    for flag, value in [("--webhook-workers", "0"), ("--webhook-timeout-ms", "0"),
                        ("--webhook-max-attempts", "0"), ("--webhook-max-retry-ms", "10")]:
        proc = subprocess.run([str(restock_bin()), "serve", "--db", str(restock.db), "--listen",
                               "127.0.0.1:0", "--scheduler", "false", flag, value],
                              capture_output=True, text=True, timeout=30)
        assert proc.returncode == 2, (flag, proc.stderr)
        assert "webhook" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_product_endpoint_changes_enqueue_events(restock):
    """PATCH /products/{id}/ (the catalog endpoints) goes through the same outbox."""
    add_hook(restock, "http://127.0.0.1:9/a", "product.stock_changed")
    resp = restock.request("PATCH", "/products/P2/", data=json.dumps({"live": False}),
                           headers={**restock.a.key_headers(), "content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    sent = outbox(restock.db)
    assert len(sent) == 1
    data = json.loads(sent[0]["body"])["data"]
    assert (data["product_id"], data["live"], data["previous_live"]) == ("P2", False, True)
