"""Delivery of the order hand-off (docs/handoff.md, "Delivery"): across kill -9 of restock
between the decision and the answer, with two processes ("nodes") sending one morning at
once, and with one merchant's platform hanging while another merchant's hand-off and the
stock update endpoint go on. Runs on SQLite and, under scripts/test-postgres, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import time

import pytest

from harness import LOOPBACK_TARGETS, restock_bin
from merchant_platform import MerchantPlatform

HASH_A = "hash-key-a-0123456789"
LEASE_S = 1.5 + 30  # --placement-timeout-ms 1500 + the 30 s margin


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def morning(restock, platform, n: int, concurrency: int = 4) -> None:
    restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id, "--placement-url",
                   platform.url, "--placement-timeout-ms", "1500", "--placement-concurrency",
                   str(concurrency))
    for i in range(n):
        restock.cli.ok("subscription", "add", "--merchant", restock.a.public_id, "--customer",
                       f"ok:{i}", "--product", "P2", "--quantity", "1", "--every", "1",
                       "--period", "month", "--start", today())


def place_orders_process(restock) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
    env["RESTOCK_ALLOW_PRIVATE_TARGETS"] = LOOPBACK_TARGETS
    return subprocess.Popen([str(restock_bin()), "place-orders", "--db", str(restock.db),
                             "--merchant", restock.a.public_id], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_each_order_recorded_once(restock, platform, n: int) -> None:
    listed = restock.cli.ok("orders", "list", "--merchant", restock.a.public_id, "--date",
                            today())
    assert len(listed) == n
    for o in listed:
        assert o["status"] == "placed", o
        assert o["merchant_order_id"] == f"M-{o['id']}", o
    assert sorted(platform.orders) == sorted(str(o["id"]) for o in listed)
    assert platform.overlapping() == []


def test_kill_9_between_decision_and_answer(restock):
    platform = MerchantPlatform({"merchant-a": HASH_A}, delay_s=0.3)
    try:
        n = 24
        morning(restock, platform, n)
        rng = random.Random(21)
        for _ in range(2):
            proc = place_orders_process(restock)
            time.sleep(rng.uniform(0.4, 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=10)
        killed_at = time.time()
        placed = [o for o in restock.cli.ok("orders", "list", "--merchant",
                                            restock.a.public_id) if o["status"] == "placed"]
        assert len(placed) < n, "the kills came too late to interrupt the hand-off"
        # Claims of the killed processes come back after timeout + 30 s.
        time.sleep(max(0.0, killed_at + LEASE_S + 0.5 - time.time()))
        summary = restock.cli.ok("place-orders", "--merchant", restock.a.public_id)
        assert summary["rejected"] == 0, summary
        assert_each_order_recorded_once(restock, platform, n)
        # Orders sent before a kill and again after it carried the same key.
        assert set(platform.duplicates) <= set(platform.orders)
    finally:
        platform.stop()


def test_two_nodes_send_one_morning(restock):
    platform = MerchantPlatform({"merchant-a": HASH_A}, delay_s=0.1)
    try:
        n = 40
        morning(restock, platform, n)
        nodes = [place_orders_process(restock) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in nodes]
        for p, (out, err) in zip(nodes, outs):
            assert p.returncode == 0, err
        assert_each_order_recorded_once(restock, platform, n)
        assert platform.duplicates == [], platform.duplicates
        assert len(platform.received) == n
    finally:
        platform.stop()


def test_hanging_platform_delays_no_other_merchant(restock):
    hanging = MerchantPlatform({"m-hang": "hang-key-0123456789"})
    fine = MerchantPlatform({"m-fine": "fine-key-0123456789"})
    try:
        for pid, key, p, script in (("m-hang", "hang-key-0123456789", hanging, "hang"),
                                    ("m-fine", "fine-key-0123456789", fine, "ok")):
            restock.cli.ok("merchant", "add", "--public-id", pid, "--hash-key", key,
                           "--placement-time", "00:00")
            restock.cli.ok("product", "add", "--merchant", pid, "--product-id", "P",
                           "--live", "true")
            restock.cli.ok("merchant", "update", "--public-id", pid, "--placement-url", p.url,
                           "--placement-timeout-ms", "20000", "--placement-concurrency", "2")
            for i in range(6):
                restock.cli.ok("subscription", "add", "--merchant", pid, "--customer",
                               f"{script}:{i}", "--product", "P", "--quantity", "1",
                               "--every", "1", "--period", "month", "--start", today())
        restock.serve("--scheduler", "true", "--scheduler-tick", "1")
        deadline = time.time() + 15
        while time.time() < deadline and len(fine.orders) < 6:
            time.sleep(0.2)
        assert len(fine.orders) == 6, fine.orders
        assert hanging.in_flight == 2  # the hanging merchant holds its own two senders only
        # The API is not held either: stock updates answer at once.
        started = time.time()
        r = restock.patch([{"product_id": "P1", "live": False}])
        assert r.status_code == 207, r.text
        assert time.time() - started < 2.0
        listed = restock.cli.ok("orders", "list", "--merchant", "m-fine", "--status", "placed")
        deadline = time.time() + 10
        while len(listed) < 6 and time.time() < deadline:
            time.sleep(0.3)
            listed = restock.cli.ok("orders", "list", "--merchant", "m-fine", "--status",
                                    "placed")
        assert len(listed) == 6
        pending = restock.cli.ok("orders", "list", "--merchant", "m-hang", "--status", "pending")
        assert len(pending) == 6
    finally:
        hanging.stop()
        fine.stop()
