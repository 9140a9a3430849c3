"""Stock held for renewals (docs/placement.md, "Held stock"; docs/api.md): `committed` and
`sellable` on products, the demand view and product.stock_changed; the reservation window per
merchant (`merchant update --reservation-days`); order.oos_predicted once per order
(`--oos-warn-days`). The real binary over HTTP and its CLI; the same tests run on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from harness import assert_detail, query
from webhook_support import rows


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def subscribe(restock, merchant: str, customer: str, product: str, start: str,
              quantity: int) -> None:
    restock.cli.ok("subscription", "add", "--merchant", merchant, "--customer", customer,
                   "--product", product, "--quantity", str(quantity), "--every", "1",
                   "--period", "month", "--start", start)


def held(body: dict[str, Any]) -> tuple[Any, Any]:
    return body["committed"], body["sellable"]


def arrange_scenario(restock) -> None:
    """Merchant a's SHARED: 20 on hand, not live. One order waits in the out-of-stock flow
    (4 units); then unsent orders due today (3), in two days (2) and in three days (5).
    Merchant b's SHARED (100 on hand) has 50 units due today: never counted for a."""
    a, b = restock.a.public_id, restock.b.public_id
    restock.cli.ok("product", "add", "--merchant", a, "--product-id", "SHARED", "--inventory", "20",
                   "--live", "false")
    subscribe(restock, a, "c0", "SHARED", day(0), 4)
    summary = restock.cli.ok("place-orders", "--merchant", a)
    assert summary["out_of_stock"] == 1, summary  # not live: waits in the flow
    subscribe(restock, a, "c1", "SHARED", day(0), 3)
    subscribe(restock, a, "c2", "SHARED", day(2), 2)
    subscribe(restock, a, "c3", "SHARED", day(3), 5)
    subscribe(restock, a, "c4", "P2", day(0), 1)  # another product, untracked
    restock.cli.ok("product", "add", "--merchant", b, "--product-id", "SHARED", "--inventory",
                   "100")
    subscribe(restock, b, "z", "SHARED", day(0), 50)


def test_committed_and_sellable_follow_the_reservation_window(restock):
    arrange_scenario(restock)
    h = restock.a.key_headers()
    # Default window (0 days): 4 waiting + 3 due today.
    assert held(restock.product("SHARED")) == (7, 13)
    assert held(restock.product("SHARED", restock.b)) == (50, 50)
    assert held(restock.product("P2")) == (None, None), "untracked"
    assert held(restock.product("P1")) == (0, 10), "tracked, nothing due"

    out = restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id,
                         "--reservation-days", "2")
    assert (out["reservation_days"], out["oos_warn_days"]) == (2, 3), out
    # 4 + 3 + 2 (due in two days); the order due in three days is outside.
    assert held(restock.product("SHARED")) == (9, 11)
    got = restock.request("GET", "/products/SHARED/", headers=h)
    assert got.status_code == 200 and held(got.json()) == (9, 11), got.text
    listed = restock.request("GET", "/products/?search=SHARED", headers=h).json()["results"]
    assert [held(p) for p in listed] == [(9, 11)]
    cli = restock.cli.ok("product", "get", "--merchant", restock.a.public_id, "SHARED")
    assert held(cli) == (9, 11)
    demand = restock.request("GET", "/products/SHARED/demand/?days=5", headers=h).json()
    assert held(demand) == (9, 11) and demand["inventory"] == 20
    # Merchant b's window is its own.
    assert held(restock.product("SHARED", restock.b)) == (50, 50)

    restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id,
                   "--reservation-days", "3")
    assert held(restock.product("SHARED")) == (14, 6)
    # A PATCH answers with the product as updated, held stock included.
    r = restock.request("PATCH", "/products/SHARED/", headers={**h, "content-type":
                        "application/json"}, data=json.dumps({"inventory_adjust": -10}))
    assert r.status_code == 200, r.text
    assert held(r.json()) == (14, 0), "never below zero"


def test_product_stock_changed_carries_committed_and_sellable(restock):
    arrange_scenario(restock)
    hook = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url",
                          "http://127.0.0.1:9/hooks", "--events", "product.stock_changed",
                          "--secret", "whsec_held_stock_test_0123456789")
    assert hook["id"]
    r = restock.patch([{"product_id": "SHARED", "inventory_adjust": 5}])
    assert r.status_code == 207 and r.json()["results"][0]["status"] == 200, r.text
    bodies = [json.loads(x["body"]) for x in rows(restock.db, "SELECT body FROM webhook_outbox")]
    assert len(bodies) == 1, bodies
    data = bodies[0]["data"]
    assert (data["inventory"], data["committed"], data["sellable"]) == (25, 7, 18), data


def test_order_oos_predicted_is_emitted_once_per_order(restock):
    a = restock.a.public_id
    restock.cli.ok("product", "add", "--merchant", a, "--product-id", "SOON", "--inventory", "5")
    subscribe(restock, a, "s1", "SOON", day(1), 4)
    subscribe(restock, a, "s2", "SOON", day(2), 4)   # 1 left for 4: short by 3
    subscribe(restock, a, "s3", "SOON", day(5), 1)   # beyond the 3 warning days
    restock.cli.ok("product", "add", "--merchant", restock.b.public_id, "--product-id", "SOON",
                   "--inventory", "0")
    subscribe(restock, restock.b.public_id, "z", "SOON", day(1), 9)  # b's: warned about too
    restock.cli.ok("webhook", "add", "--merchant", a, "--url", "http://127.0.0.1:9/hooks",
                   "--events", "order.oos_predicted", "--secret", "whsec_held_stock_test_01234567")

    first = restock.cli.ok("place-orders", "--merchant", a)
    assert first["oos_predicted"] == 1, first
    again = restock.cli.ok("place-orders", "--merchant", a)
    assert again["oos_predicted"] == 0, again
    assert restock.cli.ok("place-orders")["oos_predicted"] == 1, "merchant b's order"

    events = query(restock.db, "SELECT o.customer_id FROM order_events e JOIN orders o "
                               "ON o.id = e.order_id WHERE e.type = 'order.oos_predicted' "
                               "ORDER BY e.id")
    assert [e[0] for e in events] == ["s2", "z"]
    bodies = [json.loads(x["body"]) for x in rows(restock.db, "SELECT body FROM webhook_outbox")]
    assert len(bodies) == 1, "merchant b has no endpoint"
    event = bodies[0]
    assert event["type"] == "order.oos_predicted"
    data = event["data"]
    assert (data["product_id"], data["shortfall"], data["date"]) == ("SOON", 3, day(0)), data
    assert data["order"]["customer"] == "s2" and data["order"]["place_date"] == day(2)

    # Warning days 0: nothing more, even for an order entering the window.
    restock.cli.ok("merchant", "update", "--public-id", a, "--oos-warn-days", "0")
    assert restock.cli.ok("place-orders", "--merchant", a)["oos_predicted"] == 0


def test_two_concurrent_runs_emit_oos_predicted_once(restock):
    """Two processes run the same merchant's day at once (on PostgreSQL, as two nodes would):
    the mark is taken in the event's transaction, so one of them writes it."""
    a = restock.a.public_id
    restock.cli.ok("product", "add", "--merchant", a, "--product-id", "SOON", "--inventory", "1")
    for i in range(20):
        subscribe(restock, a, f"s{i}", "SOON", day(1 + i % 3), 1)
    results: list[dict] = []

    def run() -> None:
        results.append(restock.cli.ok("place-orders", "--merchant", a))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["oos_predicted"] for r in results) == 19, results
    count = query(restock.db, "SELECT COUNT(*), COUNT(DISTINCT order_id) FROM order_events "
                              "WHERE type = 'order.oos_predicted'")
    assert tuple(count[0]) == (19, 19)


def test_merchant_update_refuses_bad_held_stock_values_and_changes_nothing(restock):
    a = restock.a.public_id
    for flag, value in [("--reservation-days", "-1"), ("--reservation-days", "367"),
                        ("--oos-warn-days", "-3"), ("--oos-warn-days", "1000")]:
        r = restock.cli.fails(2, "merchant", "update", "--public-id", a, "--replay-protection",
                              "strict", "--reservation-days", "1", flag, value)
        assert flag in r.stderr, r.describe()
    for value in ["abc", "1.5", ""]:
        restock.cli.fails(2, "merchant", "update", "--public-id", a, "--reservation-days", value)
    restock.cli.fails(3, "merchant", "update", "--public-id", "nope", "--oos-warn-days", "1")
    merchant = query(restock.db, "SELECT reservation_days, oos_warn_days, replay_protection "
                                 "FROM merchants WHERE public_id = ?", (a,))
    assert tuple(merchant[0]) == (0, 3, "off"), "nothing changed"
    out = restock.cli.ok("merchant", "update", "--public-id", a, "--oos-warn-days", "366")
    assert (out["reservation_days"], out["oos_warn_days"]) == (0, 366)


def test_demand_view_bad_input_and_merchant_isolation(restock):
    h = restock.a.key_headers()
    for days in ["0", "367", "abc", "-1", "1.5", ""]:
        assert_detail(restock.request("GET", f"/products/P1/demand/?days={days}", headers=h), 400)
    # P1 is merchant a's: merchant b gets 404, as for a product that does not exist.
    hb = restock.b.key_headers()
    assert_detail(restock.request("GET", "/products/P1/demand/", headers=hb), 404)
    assert_detail(restock.request("GET", "/products/NOPE/demand/", headers=h), 404)
    body = restock.request("GET", "/products/P1/demand/?days=1", headers=h).json()
    assert held(body) == (0, 10) and len(body["days"]) == 1
    body = restock.request("GET", "/products/P2/demand/?days=1", headers=h).json()
    assert held(body) == (None, None), "untracked"
