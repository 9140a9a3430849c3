"""One endpoint's slowness never delays another endpoint's deliveries (docs/webhooks.md,
"Delivery"), with real receivers and the default delivery settings (2 workers, batch 8,
5-second timeout): merchant A's receiver never answers in time, merchant B's answers at once.
And on SIGTERM the server stops claiming, abandons an attempt in flight within the shutdown
grace and gives its claims back, so the next start delivers them at once."""

from __future__ import annotations

import signal
import time

from harness import STOP_TIMEOUT_S, results
from webhook_support import Receiver, attempts, outbox, rows, wait_for

SECRET = "whsec_isolation_secret_0123"


def add_hook(restock, merchant, url: str) -> int:
    return restock.cli.ok("webhook", "add", "--merchant", merchant.public_id, "--url", url,
                          "--events", "product.stock_changed", "--secret", SECRET)["id"]


def stock_changes_of_a(restock, n: int) -> None:
    body = [{"product_id": "P1", "inventory": i} for i in range(1, n + 1)]
    assert all(r["status"] == 200 for r in results(restock.patch(body)))


def b_latency(restock, rx_b: Receiver, live: bool) -> float:
    """Seconds from B's acknowledged change to its arrival at B's receiver."""
    before = len(rx_b.accepted())
    started = time.monotonic()
    resp = restock.patch([{"product_id": "B1", "live": live}], auth=restock.b.user_headers())
    assert [r["status"] for r in results(resp)] == [200]
    wait_for(lambda: len(rx_b.accepted()) > before, 60, "B's delivery")
    return time.monotonic() - started


def test_a_sleeping_endpoint_does_not_delay_another_merchants_deliveries(restock, tmp_path):
    rx_a = Receiver(tmp_path, secrets=[SECRET], fail_first=10**6, fail_mode="timeout",
                    sleep=30, name="rx-a")
    rx_b = Receiver(tmp_path, secrets=[SECRET], name="rx-b")
    try:
        add_hook(restock, restock.a, rx_a.url)
        add_hook(restock, restock.b, rx_b.url)
        restock.serve("--webhook-poll-ms", "100")
        stock_changes_of_a(restock, 40)            # 40 events for A's sleeping receiver
        wait_for(lambda: rx_a.records() or attempts(restock.db) or
                 any(r["lease_token"] for r in outbox(restock.db)), 30, "A's first claim")
        latencies = [b_latency(restock, rx_b, live) for live in (False, True, False)]
        assert max(latencies) < 2.5, latencies
        # A's endpoint was tried once, timed out, and backs off as a whole (60 s by default):
        # its other 39 deliveries are waiting, unattempted, not holding workers.
        a_id = "(SELECT id FROM merchants WHERE public_id = ?)"

        def a_rows():
            return rows(restock.db, "SELECT attempts, lease_token FROM webhook_outbox WHERE "
                        f"merchant_id = {a_id}", restock.a.public_id)

        def a_attempts():
            return rows(restock.db, f"SELECT id FROM webhook_attempts WHERE merchant_id = {a_id}",
                        restock.a.public_id)
        wait_for(lambda: a_attempts() and not any(r["lease_token"] for r in a_rows()), 30,
                 "A's attempt to time out and its claim to end")
        assert len(a_rows()) == 40 and sum(r["attempts"] for r in a_rows()) == 1, a_rows()
        assert len(a_attempts()) == 1
        assert b_latency(restock, rx_b, True) < 2.5
    finally:
        rx_a.stop()
        rx_b.stop()


def test_sigterm_abandons_a_slow_attempt_within_the_grace_and_releases_claims(restock,
                                                                              tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=10**6, fail_mode="timeout", sleep=30)
    try:
        add_hook(restock, restock.a, rx.url)
        server = restock.serve("--webhook-timeout-ms", "20000", "--webhook-poll-ms", "100",
                               "--webhook-shutdown-grace-ms", "500")
        stock_changes_of_a(restock, 5)
        wait_for(lambda: any(r["lease_token"] for r in outbox(restock.db)), 30, "a claim")
        time.sleep(0.5)  # the first request is in flight, hanging
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0, server.stderr_tail()
        took = time.monotonic() - started
        # The server itself stops within about a second (grace 0.5 s, then the abandoned attempt
        # returns); the bound leaves room for a loaded machine and sanitizer teardown.
        assert took < 8, f"shutdown took {took:.1f} s with a 20 s timeout in flight"
        log = attempts(restock.db)
        assert len(log) == 1, f"one attempt, none started after the signal: {log}"
        assert log[0]["outcome"] == "retry" and "abandoned" in log[0]["error"], log
        sent = outbox(restock.db)
        assert all(r["lease_token"] is None for r in sent), sent
        assert sum(r["attempts"] for r in sent) == 1, sent
        assert [r["claim_token"] for r in rows(restock.db, "SELECT claim_token FROM "
                                                          "webhook_endpoints")] == [None]
    finally:
        rx.stop()
    # The next start delivers everything at once, not after the 100 s lease.
    rx = Receiver(tmp_path, secrets=[SECRET], port=rx.port, name="rx-after")
    try:
        restock.serve("--webhook-poll-ms", "100")
        wait_for(lambda: len({r["event_id"] for r in rx.accepted()}) == 5, 20,
                 "all five after the restart")
    finally:
        rx.stop()
