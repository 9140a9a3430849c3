"""The example placement receiver of docs/handoff.md (examples/placement_receiver.py) against
the real binary: it verifies restock's signature, parses the document, and its SUCCESS
places the orders; a retry of a recorded order is not recorded twice."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from harness import REPO_ROOT

HASH_A = "hash-key-a-0123456789"


def test_example_receiver_places_orders(restock, tmp_path):
    orders_file = tmp_path / "orders.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "examples" / "placement_receiver.py"), "--hash-key",
         HASH_A, "--public-id", restock.a.public_id, "--port", "0", "--orders",
         str(orders_file)], stdout=subprocess.PIPE, text=True)
    try:
        port = json.loads(proc.stdout.readline())["port"]
        restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id,
                       "--placement-url", f"http://127.0.0.1:{port}/orders")
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        for customer in ("c-1", "c-2"):
            restock.cli.ok("subscription", "add", "--merchant", restock.a.public_id,
                           "--customer", customer, "--product", "P2", "--quantity", "1",
                           "--every", "1", "--period", "month", "--start", today)
        summary = restock.cli.ok("place-orders", "--merchant", restock.a.public_id)
        assert summary["placed"] == 2 and summary["handed_off"] == 2, summary
        listed = restock.cli.ok("orders", "list", "--merchant", restock.a.public_id,
                                "--status", "placed")
        assert sorted(o["merchant_order_id"] for o in listed) == ["SO-000001", "SO-000002"]
        recorded = [json.loads(line) for line in orders_file.read_text().splitlines()]
        assert sorted(r["customer"] for r in recorded) == ["c-1", "c-2"]
        # A wrong hash key: the receiver refuses the signature, restock rejects the order.
        restock.cli.ok("merchant", "rotate-hash-key", "--public-id", restock.a.public_id,
                       "--overlap-hours", "0")
        restock.cli.ok("subscription", "add", "--merchant", restock.a.public_id, "--customer",
                       "c-3", "--product", "P2", "--quantity", "1", "--every", "1",
                       "--period", "month", "--start", today)
        restock.cli.ok("place-orders", "--merchant", restock.a.public_id)
        [bad] = restock.cli.ok("orders", "list", "--merchant", restock.a.public_id,
                               "--status", "rejected")
        assert bad["customer"] == "c-3" and bad["error_code"] == "020", bad
    finally:
        proc.terminate()
        proc.wait(timeout=10)
