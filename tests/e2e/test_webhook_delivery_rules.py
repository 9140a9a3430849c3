"""Delivery rules of docs/webhooks.md checked against a real receiver process:
- the request headers: "`Content-Type: application/json`, `OrderGroove-Event-Id` and
  `OrderGroove-Event-Type` (copies of the body's `id` and `type` …), `User-Agent:
  restock-webhooks/1`";
- "Redirects are not followed": a 3xx is a failed attempt ("anything else [than 2xx] … is
  retried", with the backoff schedule) and the Location is never requested;
- `--webhook-batch` (README: "deliveries a worker claims at a time"; the claim's lease is
  "batch × timeout + --webhook-lease-margin-ms")."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from harness import restock_bin, results
from webhook_support import FAST, Receiver, outbox, rows, wait_for

SECRET = "whsec_rules_secret_0123456789"


def add_hook(restock, url: str, events: str) -> int:
    return restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                          "--events", events, "--secret", SECRET)["id"]


def patch_ok(restock, body: list) -> None:
    assert [r["status"] for r in results(restock.patch(body))] == [200] * len(body)


def test_requests_carry_the_documented_headers(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET])
    try:
        add_hook(restock, rx.url, "product.stock_changed,product.low_stock")
        restock.serve(*FAST)
        patch_ok(restock, [{"product_id": "P1", "low_stock_threshold": 3}])
        patch_ok(restock, [{"product_id": "P1", "inventory": 2}])  # stock_changed + low_stock
        wait_for(lambda: len(rx.accepted()) == 2, 30, "2 deliveries")
    finally:
        rx.stop()
    seen_types = set()
    for r in rx.records():
        body = json.loads(r["body"])
        names = [k for k, _ in r["headers"]]
        headers = {k.lower(): v for k, v in r["headers"]}
        # The names exactly as documented (HTTP itself ignores case; receivers' logs do not).
        assert "OrderGroove-Event-Id" in names and "OrderGroove-Event-Type" in names, names
        assert "OrderGroove-Signature" in names, names
        assert headers["ordergroove-event-id"] == body["id"], (headers, body)
        assert headers["ordergroove-event-type"] == body["type"], (headers, body)
        assert headers["user-agent"] == "restock-webhooks/1", headers
        assert headers["content-type"] == "application/json", headers
        assert body["id"].startswith("evt_")
        assert r["method"] == "POST" and r["path"] == "/hooks/restock", r
        assert r["sigs_valid"] == [[True]], r
        seen_types.add(headers["ordergroove-event-type"])
    assert seen_types == {"product.stock_changed", "product.low_stock"}


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_is_a_failed_attempt_and_never_followed(restock, tmp_path, code):
    first_retry_ms = 250
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=2, fail_mode=str(code))
    try:
        hook = add_hook(restock, rx.url, "product.stock_changed")
        restock.serve("--webhook-timeout-ms", "2000", "--webhook-poll-ms", "50",
                      "--webhook-first-retry-ms", str(first_retry_ms),
                      "--webhook-max-retry-ms", "5000")
        patch_ok(restock, [{"product_id": "P2", "live": False}])
        wait_for(rx.accepted, 30, "the third attempt")
        wait_for(lambda: outbox(restock.db)[0]["status"] == "delivered", 10, "delivered")
        records = rx.records()
    finally:
        rx.stop()
    # Only the subscribed URL was ever requested, three times (two redirects, then 200).
    assert [(r["method"], r["path"], r["status"]) for r in records] == \
        [("POST", "/hooks/restock", code)] * 2 + [("POST", "/hooks/restock", 200)], records
    assert len({r["event_id"] for r in records}) == 1
    # Retried on the backoff schedule: first × 2^(n−1) after the n-th failure.
    gaps = [b["arrived"] - a["arrived"] for a, b in zip(records, records[1:])]
    assert gaps[0] >= first_retry_ms / 1000 and gaps[1] >= 2 * first_retry_ms / 1000, gaps
    log = restock.cli.ok("webhook", "deliveries", "--merchant", restock.a.public_id,
                         "--id", str(hook))
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in log] == \
        [(3, 200, "delivered"), (2, code, "retry"), (1, code, "retry")], log
    assert outbox(restock.db)[0]["attempts"] == 3
    metrics = restock.request("GET", "/metrics").text
    assert 'restock_webhook_deliveries_total{outcome="retry"} 2' in metrics, metrics


# ---------------------------------------------------------------------------- --webhook-batch

TIMEOUT_MS, MARGIN_MS = 3000, 500


def _claims_while_delivering(restock, rx: Receiver, n: int) -> list[tuple[int, float]]:
    """Samples the outbox until all `n` rows are delivered; returns, for each claim (lease
    token) seen, (rows holding it, seconds from the sample to the lease's end)."""
    seen: dict[str, tuple[int, float]] = {}
    deadline = time.monotonic() + 60
    while True:
        now = time.time()
        outbox_rows = rows(restock.db, "SELECT status, lease_token, next_attempt_at "
                                       "FROM webhook_outbox")
        assert len(outbox_rows) == n, outbox_rows
        by_token: dict[str, list[dict]] = {}
        for r in outbox_rows:
            if r["lease_token"] is not None:
                by_token.setdefault(r["lease_token"], []).append(r)
        for token, held in by_token.items():
            size = len(held)
            lease_left = max(r["next_attempt_at"] for r in held) / 1e6 - now
            if token not in seen:
                seen[token] = (size, lease_left)
            else:  # rows leave the claim as they complete: keep the largest size seen
                seen[token] = (max(size, seen[token][0]), seen[token][1])
        if all(r["status"] == "delivered" for r in outbox_rows):
            return list(seen.values())
        assert time.monotonic() < deadline, (outbox_rows, rx.records())
        time.sleep(0.01)


@pytest.mark.parametrize("batch", [None, 2], ids=["default", "env-2"])
def test_a_worker_claims_batch_deliveries_at_a_time(restock, tmp_path, batch):
    n = 5
    # A slow receiver (0.3 s per request, well within the timeout) keeps each claim visible.
    rx = Receiver(tmp_path, secrets=[SECRET], fail_first=1000, fail_mode="timeout", sleep=0.3)
    try:
        add_hook(restock, rx.url, "product.stock_changed")
        feed = tmp_path / "feed.jsonl"
        feed.write_text("".join(json.dumps({"product_id": "P1", "inventory": i}) + "\n"
                                for i in range(1, n + 1)))
        restock.cli.ok("product", "import", "--merchant", restock.a.public_id, str(feed))
        assert len(outbox(restock.db)) == n
        env = {} if batch is None else {"RESTOCK_WEBHOOK_BATCH": str(batch)}
        restock.serve("--webhook-workers", "1", "--webhook-timeout-ms", str(TIMEOUT_MS),
                      "--webhook-lease-margin-ms", str(MARGIN_MS), "--webhook-poll-ms", "50",
                      env=env)
        claims = _claims_while_delivering(restock, rx, n)
    finally:
        rx.stop()
    effective = 8 if batch is None else batch
    expected = [min(effective, n - k) for k in range(0, n, effective)]  # 8: [5]; 2: [2, 2, 1]
    assert sorted(size for size, _ in claims) == sorted(expected), claims
    lease = (effective * TIMEOUT_MS + MARGIN_MS) / 1000
    for _, left in claims:  # sampled within a moment of the claim
        assert lease - 1.5 <= left <= lease + 0.2, (claims, lease)
    assert all(r["attempts"] == 1 for r in outbox(restock.db))


@pytest.mark.parametrize("how", ["flag", "env", "toml"])
@pytest.mark.parametrize("value", ["0", "-1", "1001", "x"])
def test_serve_rejects_a_bad_webhook_batch(restock, how, value):
    cmd = [str(restock_bin()), "serve", "--db", str(restock.db), "--listen", "127.0.0.1:0",
           "--scheduler", "false"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
    if how == "flag":
        cmd += ["--webhook-batch", value]
    elif how == "env":
        env["RESTOCK_WEBHOOK_BATCH"] = value
    else:
        config = restock.tmp / "restock.toml"
        config.write_text(f"webhook_batch = {json.dumps(value if value == 'x' else int(value))}\n")
        cmd += ["--config", str(config)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == "", "never listened"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and ("webhook batch" in lines[0] or "webhook-batch" in lines[0]), \
        proc.stderr
