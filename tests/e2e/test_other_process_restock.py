"""A restock written by another process (`restock product add`, `restock product import`)
while `restock serve` runs retries the out-of-stock orders waiting on it at once, as a PATCH
does (docs/placement.md, "Back in stock"): serve follows the stock events other processes
commit. Several serve nodes on one database place each order once."""

from __future__ import annotations

import datetime as dt
import re
import time

from harness import Server


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _orders(restock, status: str) -> list:
    return restock.cli.ok("orders", "list", "--merchant", restock.a.public_id, "--status", status)


def _three_waiting_on(restock, product: str) -> None:
    """Three orders of `product` out of stock today, with serve already running."""
    cli, pid, today = restock.cli, restock.a.public_id, _today()
    cli.ok("product", "add", "--merchant", pid, "--product-id", product, "--inventory", "0")
    for i in range(3):
        cli.ok("subscription", "add", "--merchant", pid, "--customer", f"c{i}", "--product",
               product, "--quantity", "1", "--every", "1", "--period", "month", "--start", today)
    summary = cli.ok("place-orders", "--merchant", pid, "--date", today)
    assert summary["out_of_stock"] == 3, summary
    assert restock.server.request("GET", "/healthz").status_code == 200  # serve is up


def _wait_placed(restock, n: int, within: float = 10.0) -> list:
    deadline = time.monotonic() + within
    placed: list = []
    while time.monotonic() < deadline:
        placed = _orders(restock, "placed")
        if len(placed) >= n:
            break
        time.sleep(0.2)
    return placed


def test_cli_restock_places_waiting_orders_without_a_placement_run(restock):
    _three_waiting_on(restock, "TEA")
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "TEA",
                   "--inventory", "50")
    placed = _wait_placed(restock, 3)
    assert len(placed) == 3, "serve did not place the orders waiting on a CLI restock within 10 s"
    assert not _orders(restock, "out_of_stock")
    assert restock.product("TEA")["inventory"] == 47


def test_imported_restock_places_waiting_orders(restock, tmp_path):
    _three_waiting_on(restock, "MUG")
    feed = tmp_path / "restock.jsonl"
    feed.write_text('{"product_id": "MUG", "inventory": 5, "live": true}\n')
    out = restock.cli.ok("product", "import", "--merchant", restock.a.public_id, str(feed))
    assert out["updated"] == 1, out
    assert len(_wait_placed(restock, 3)) == 3, "an imported restock did not place the orders"
    assert restock.product("MUG")["inventory"] == 2


def test_other_merchants_restock_places_nothing_of_this_one(restock):
    """Merchant B restocking its own product of the same id does not place A's orders."""
    _three_waiting_on(restock, "JAM")
    restock.cli.ok("product", "add", "--merchant", restock.b.public_id, "--product-id", "JAM",
                   "--inventory", "50")
    time.sleep(3)
    assert len(_orders(restock, "out_of_stock")) == 3
    assert not _orders(restock, "placed")


def test_two_nodes_place_each_waiting_order_once(restock):
    """Both nodes see the CLI's restock and retry it; the placement path's claims let only
    one place each order."""
    node2 = Server(restock.db, restock.tmp, name="node2")
    restock._servers.append(node2)  # stopped (and its log shown on failure) with the others
    assert node2.request("GET", "/healthz").status_code == 200
    _three_waiting_on(restock, "OAT")
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", "OAT",
                   "--inventory", "50")
    assert len(_wait_placed(restock, 3)) == 3
    time.sleep(3)  # both nodes' retries have run by now
    assert len(_orders(restock, "placed")) == 3
    assert restock.product("OAT")["inventory"] == 47
    # Each node logs what its retries placed: three in all, whichever node placed them.
    logs = "".join(s.stderr_path.read_text() for s in restock._servers)
    placed = [int(n) for n in re.findall(r"restock retry for merchant-a: \d+ waiting orders, "
                                         r"(\d+) placed", logs)]
    assert sum(placed) == 3, logs
