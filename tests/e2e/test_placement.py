"""Daily order placement and the out-of-stock flow, end to end (SPEC §4): the real binary,
its CLI and HTTP API, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import requests

from harness import Cli, Server

DAY = "2026-12-01"


def day(offset: int) -> str:
    return (dt.date.fromisoformat(DAY) + dt.timedelta(days=offset)).isoformat()


def today_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def subscribe(cli: Cli, merchant: str, customer: str, product: str, start: str = DAY,
              every: int = 1, period: str = "month", quantity: int = 1) -> dict[str, Any]:
    return cli.ok("subscription", "add", "--merchant", merchant, "--customer", customer,
                  "--product", product, "--quantity", str(quantity), "--every", str(every),
                  "--period", period, "--start", start)


def orders(cli: Cli, merchant: str, status: str | None = None, date: str | None = None) -> list:
    args = ["orders", "list", "--merchant", merchant]
    if status:
        args += ["--status", status]
    if date:
        args += ["--date", date]
    return cli.ok(*args)


def place(cli: Cli, merchant: str, date: str) -> dict[str, Any]:
    # Day-by-day scenarios run days that have not come yet: --force allows a date more than
    # one day ahead (test_schedules.py tests the refusal without it).
    return cli.ok("place-orders", "--merchant", merchant, "--date", date, "--force")


@pytest.fixture
def shop(cli: Cli):
    """A fresh database with merchant "shop" (split policy, UTC)."""
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "shop")
    return cli


def add_merchant(cli: Cli, pid: str, policy: str) -> None:
    cli.ok("merchant", "add", "--public-id", pid, "--oos-policy", policy)


def test_seed_case_hundred_units_two_hundred_renewals(restock):
    """The seed's example: 100 units, 200 renewals due -> 100 placed, 100 in the OOS flow,
    and the product flips to live:false with no call from the merchant."""
    cli, pid = restock.cli, restock.a.public_id
    cli.ok("product", "add", "--merchant", pid, "--product-id", "COFFEE", "--inventory", "100")
    session = requests.Session()
    for i in range(200):
        r = restock.request("POST", "/subscriptions/", session=session,
                            headers={**restock.a.key_headers(), "content-type": "application/json"},
                            json={"customer": f"c{i}", "product_id": "COFFEE", "every": 1,
                                  "period": "month", "start": DAY})
        assert r.status_code == 201, r.text
    restock.server.stop()

    summary = place(cli, pid, DAY)

    assert summary["placed"] == 100 and summary["out_of_stock"] == 100, summary
    product = restock.product("COFFEE")
    assert product["inventory"] == 0 and product["live"] is False, product
    assert len(orders(cli, pid, "placed")) == 100
    oos = orders(cli, pid, "out_of_stock")
    assert len(oos) == 100 and all(o["oos_since"] == DAY for o in oos)
    upcoming = orders(cli, pid, "unsent")
    assert len(upcoming) == 200 and {o["place_date"] for o in upcoming} == {"2027-01-01"}
    events = [e for e in restock.stock_events() if e["source"] == "placement"]
    assert events, "running out during placement must write a stock event"


def test_restock_via_patch_places_waiting_orders_without_another_run(restock):
    cli, pid = restock.cli, restock.a.public_id
    cli.ok("product", "add", "--merchant", pid, "--product-id", "TEA", "--inventory", "0")
    today = today_utc()
    for i in range(3):
        subscribe(cli, pid, f"t{i}", "TEA", start=today)
    assert place(cli, pid, today)["out_of_stock"] == 3

    r = restock.patch([{"product_id": "TEA", "inventory": 50}])
    assert r.status_code == 207 and r.json()["results"][0]["status"] == 200, r.text

    deadline = time.monotonic() + 10
    placed: list = []
    while time.monotonic() < deadline:
        placed = orders(cli, pid, "placed")
        if len(placed) == 3:
            break
        time.sleep(0.1)
    assert len(placed) == 3, "the restock did not place the waiting orders within 10 s"
    assert restock.product("TEA")["inventory"] == 47


def test_units_for_a_product_that_placement_sold_out_bring_it_back(restock):
    """Placement flips a sold-out product to live:false; a PATCH of inventory alone (the
    merchant's restock) brings it back and places the waiting orders at once."""
    cli, pid = restock.cli, restock.a.public_id
    cli.ok("product", "add", "--merchant", pid, "--product-id", "MUG", "--inventory", "2")
    today = today_utc()
    for i in range(4):
        subscribe(cli, pid, f"m{i}", "MUG", start=today)
    s = place(cli, pid, today)
    assert s["placed"] == 2 and s["out_of_stock"] == 2, s
    assert restock.product("MUG")["live"] is False

    r = restock.patch([{"product_id": "MUG", "inventory": 10}])
    assert r.status_code == 207 and r.json()["results"][0]["status"] == 200, r.text

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(orders(cli, pid, "placed")) < 4:
        time.sleep(0.1)
    assert len(orders(cli, pid, "placed")) == 4
    product = restock.product("MUG")
    assert product["live"] is True and product["inventory"] == 8, product


def test_out_of_stock_order_is_cancelled_on_day_31(shop):
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "TEA", "--inventory", "0")
    subscribe(shop, "shop", "c1", "TEA", every=2, period="month")
    for d in range(30):
        s = place(shop, "shop", day(d))
        assert s["cancelled"] == 0, (d, s)
    [order] = orders(shop, "shop", "out_of_stock")
    assert order["oos_since"] == DAY

    s = place(shop, "shop", day(30))  # day 31 of the flow

    assert s["cancelled"] == 1, s
    [cancelled] = orders(shop, "shop", "cancelled")
    assert cancelled["id"] == order["id"] and cancelled["cancel_reason"] == "out_of_stock"
    # The subscription lives on: its next order (two months on) is still upcoming.
    [upcoming] = orders(shop, "shop", "unsent")
    assert upcoming["place_date"] == "2027-02-01"


def test_fourteen_day_frequency_is_cancelled_when_the_next_order_is_due(shop):
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "TEA", "--inventory", "0")
    subscribe(shop, "shop", "c1", "TEA", every=14, period="day")
    place(shop, "shop", DAY)
    assert place(shop, "shop", day(13))["cancelled"] == 0
    assert place(shop, "shop", day(14))["cancelled"] == 1
    [cancelled] = orders(shop, "shop", "cancelled")
    assert cancelled["place_date"] == DAY and cancelled["cancel_reason"] == "out_of_stock"


def test_mixed_order_is_split(shop):
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "COFFEE")
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "TEA", "--live", "false")
    a = subscribe(shop, "shop", "c1", "COFFEE")
    b = subscribe(shop, "shop", "c1", "TEA")
    assert a["order_id"] == b["order_id"], "one customer's items due the same day share an order"

    s = place(shop, "shop", DAY)

    assert s["placed"] == 1 and s["split"] == 1, s
    [placed] = orders(shop, "shop", "placed")
    assert [i["product_id"] for i in placed["items"]] == ["COFFEE"]
    [waiting] = orders(shop, "shop", "out_of_stock")
    assert [i["product_id"] for i in waiting["items"]] == ["TEA"]
    assert waiting["id"] != placed["id"] and waiting["place_date"] == DAY


@pytest.mark.parametrize("policy, expect", [
    ("hold", {"placed": 0, "out_of_stock": 1, "cancelled": 0}),
    ("skip", {"placed": 1, "out_of_stock": 0, "cancelled": 0}),
    ("place_anyway", {"placed": 1, "out_of_stock": 0, "cancelled": 0}),
])
def test_oos_policies(shop, policy, expect):
    add_merchant(shop, "m-" + policy, policy)
    pid = "m-" + policy
    shop.ok("product", "add", "--merchant", pid, "--product-id", "COFFEE", "--inventory", "5")
    shop.ok("product", "add", "--merchant", pid, "--product-id", "TEA", "--inventory", "0")
    subscribe(shop, pid, "c1", "COFFEE")
    subscribe(shop, pid, "c1", "TEA")

    s = place(shop, pid, DAY)

    assert {k: s[k] for k in expect} == expect, s
    coffee = shop.ok("product", "get", "--merchant", pid, "COFFEE")
    tea = shop.ok("product", "get", "--merchant", pid, "TEA")
    if policy == "hold":
        assert coffee["inventory"] == 5  # nothing reserved while the order is held
        [held] = orders(shop, pid, "out_of_stock")
        assert len(held["items"]) == 2
    elif policy == "skip":
        [placed] = orders(shop, pid, "placed")
        assert [i["product_id"] for i in placed["items"]] == ["COFFEE"]
        assert coffee["inventory"] == 4
    else:
        [placed] = orders(shop, pid, "placed")
        assert len(placed["items"]) == 2 and tea["inventory"] == 0 and tea["live"] is False


def test_rerunning_a_day_places_nothing_twice(shop):
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "COFFEE", "--inventory", "3")
    for i in range(5):
        subscribe(shop, "shop", f"c{i}", "COFFEE")
    first = place(shop, "shop", DAY)
    second = place(shop, "shop", DAY)
    assert first["placed"] == 3 and first["next_orders"] == 5
    assert second["placed"] == 0 and second["next_orders"] == 0, second
    assert len(orders(shop, "shop", "placed")) == 3
    assert len(orders(shop, "shop", "unsent")) == 5
    assert shop.ok("product", "get", "--merchant", "shop", "COFFEE")["inventory"] == 0


# Killing a run (SIGKILL at random moments) and re-running it:
# test_crash_consistency.py::test_placement_killed_at_random_moments_places_each_order_once.


def test_http_orders_and_subscriptions(restock):
    pid = restock.a.public_id
    h = {**restock.a.key_headers(), "content-type": "application/json"}
    # From today: cancelling the order schedules the first date after the server's today.
    today = dt.date.fromisoformat(today_utc())
    r = restock.request("POST", "/subscriptions/", headers=h,
                        json={"customer": "c1", "product_id": "P2", "quantity": 2, "every": 2,
                              "period": "week", "start": today.isoformat()})
    assert r.status_code == 201, r.text
    created = r.json()
    sub = restock.request("GET", f"/subscriptions/{created['subscription_id']}/", headers=h).json()
    assert sub["quantity"] == 2 and sub["period"] == "week" and sub["status"] == "active"

    r = restock.request("PATCH", f"/subscriptions/{created['subscription_id']}/", headers=h,
                        json={"quantity": 3})
    assert r.status_code == 200 and r.json()["quantity"] == 3, r.text
    order = restock.request("GET", f"/orders/{created['order_id']}/", headers=h).json()
    assert order["items"][0]["quantity"] == 3 and order["status"] == "unsent"

    r = restock.request("POST", f"/orders/{created['order_id']}/cancel/", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    r = restock.request("POST", f"/orders/{created['order_id']}/cancel/", headers=h)
    assert r.status_code == 409, r.text
    page = restock.request("GET", "/orders/?status=unsent", headers=h).json()
    assert [o["place_date"] for o in page["results"]] == [str(today + dt.timedelta(days=14))]

    # Merchant B sees none of it.
    hb = {**restock.b.key_headers(), "content-type": "application/json"}
    assert restock.request("GET", f"/orders/{created['order_id']}/", headers=hb).status_code == 404
    assert restock.request("GET", "/orders/", headers=hb).json()["results"] == []
    # Bad input.
    assert restock.request("GET", "/orders/?status=shipped", headers=h).status_code == 400
    assert restock.request("GET", "/orders/?page_size=101", headers=h).status_code == 400
    assert restock.request("GET", "/orders/", headers={}).status_code == 401
    bad = restock.request("POST", "/subscriptions/", headers=h,
                          json={"customer": "c1", "product_id": "NOPE", "every": 1,
                                "period": "month", "start": DAY})
    assert bad.status_code == 404, bad.text
    bad = restock.request("POST", "/subscriptions/", headers=h, data="{not json")
    assert bad.status_code == 400
    bad = restock.request("POST", "/subscriptions/", headers={**h, "content-type": "text/plain"},
                          data="{}")
    assert bad.status_code == 415


def test_cancelling_an_overdue_order_schedules_the_first_date_after_today(restock):
    """The server was down: a weekly order due three weeks ago was never placed. Cancelling it
    skips that delivery as if today's run had placed it (docs/placement.md, rule 4): the next
    order is the first scheduled date after today, not a date already due that the next run
    would place at once, and the cycles due meanwhile are recorded as skipped."""
    h = {**restock.a.key_headers(), "content-type": "application/json"}
    today = dt.date.fromisoformat(today_utc())
    start = today - dt.timedelta(days=21)
    created = restock.request("POST", "/subscriptions/", headers=h,
                              json={"customer": "late", "product_id": "P2", "every": 1,
                                    "period": "week", "start": start.isoformat()}).json()
    r = restock.request("POST", f"/orders/{created['order_id']}/cancel/", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    page = restock.request("GET", "/orders/?status=unsent", headers=h).json()
    assert [o["place_date"] for o in page["results"]] == [str(start + dt.timedelta(days=28))]
    events = restock.cli.ok("orders", "events", "--merchant", restock.a.public_id,
                            "--order", str(created["order_id"]))
    skipped = sorted(e["cycle_date"] for e in events if e["type"] == "subscription.cycle_skipped")
    assert skipped == [str(start + dt.timedelta(days=d)) for d in (7, 14, 21)], events
    # The other merchant cannot cancel it, or see it.
    hb = {**restock.b.key_headers(), "content-type": "application/json"}
    assert restock.request("POST", f"/orders/{created['order_id']}/cancel/",
                           headers=hb).status_code == 404


def test_orders_pagination_walks_forward_and_back(restock):
    h = {**restock.a.key_headers(), "content-type": "application/json"}
    for i in range(25):
        r = restock.request("POST", "/subscriptions/", headers=h,
                            json={"customer": f"p{i}", "product_id": "P2", "every": 1,
                                  "period": "month", "start": DAY})
        assert r.status_code == 201
    seen = []
    url = "/orders/?page_size=10"
    pages = []
    while url:
        body = restock.request("GET", url, headers=h).json()
        pages.append(body)
        seen += [o["id"] for o in body["results"]]
        url = body["next"]  # relative to the request (README, "Lists")
    assert len(seen) == 25 and seen == sorted(seen) and len(pages) == 3
    assert pages[0]["previous"] is None
    back = restock.request("GET", pages[2]["previous"], headers=h).json()
    assert [o["id"] for o in back["results"]] == seen[10:20]


def test_demand_view_finds_the_first_short_day(restock):
    cli, pid = restock.cli, restock.a.public_id
    cli.ok("product", "add", "--merchant", pid, "--product-id", "BEANS", "--inventory", "5")
    today = dt.date.fromisoformat(today_utc())
    for i, offset in enumerate([0, 1, 2]):
        subscribe(cli, pid, f"d{i}", "BEANS", start=(today + dt.timedelta(days=offset)).isoformat(),
                  quantity=2)
    h = restock.a.key_headers()
    body = restock.request("GET", "/products/BEANS/demand/?days=5", headers=h).json()
    assert [d["units"] for d in body["days"]] == [2, 2, 2, 0, 0]
    assert [d["remaining"] for d in body["days"]] == [3, 1, -1, -1, -1]
    assert body["first_short_day"] == (today + dt.timedelta(days=2)).isoformat()
    assert restock.request("GET", "/products/NOPE/demand/", headers=h).status_code == 404
    assert restock.request("GET", "/products/BEANS/demand/?days=0", headers=h).status_code == 400


def test_placement_cli_bad_input(shop):
    shop.fails(2, "place-orders", "--merchant", "shop", "--date", "2026-02-30")
    shop.fails(3, "place-orders", "--merchant", "nope")
    shop.fails(2, "orders", "list", "--merchant", "shop", "--status", "shipped")
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "TEA")
    shop.fails(2, "subscription", "add", "--merchant", "shop", "--customer", "c", "--product",
               "TEA", "--quantity", "0", "--every", "1", "--period", "month", "--start", DAY)
    shop.fails(2, "subscription", "add", "--merchant", "shop", "--customer", "c", "--product",
               "TEA", "--quantity", "1", "--every", "1", "--period", "year", "--start", DAY)
    shop.fails(3, "subscription", "add", "--merchant", "shop", "--customer", "c", "--product",
               "NOPE", "--quantity", "1", "--every", "1", "--period", "month", "--start", DAY)
    assert orders(shop, "shop") == []


def test_scheduler_in_serve_places_due_orders_at_the_merchants_time(cli):
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "early", "--placement-time", "00:00",
           "--timezone", "Pacific/Kiritimati")
    cli.ok("product", "add", "--merchant", "early", "--product-id", "TEA")
    kiritimati_today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()
    subscribe(cli, "early", "c1", "TEA", start=kiritimati_today.isoformat())
    # A merchant whose placement time has not come yet today: 23:59 at UTC-12 (its clock
    # shows 23:59 one minute a day).
    cli.ok("merchant", "add", "--public-id", "late", "--placement-time", "23:59",
           "--timezone", "Etc/GMT+12")
    cli.ok("product", "add", "--merchant", "late", "--product-id", "TEA")
    late_today = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=12)).date()
    subscribe(cli, "late", "c1", "TEA", start=late_today.isoformat())
    server = Server(cli.db, cli.cwd, ["--scheduler", "true", "--scheduler-tick", "1"])
    try:
        deadline = time.monotonic() + 15
        placed: list = []
        while time.monotonic() < deadline and not placed:
            placed = orders(cli, "early", "placed")
            time.sleep(0.2)
        assert placed, "the scheduler did not run the merchant's placement"
        assert placed[0]["placed_on"] == kiritimati_today.isoformat()
        assert len(orders(cli, "late", "unsent")) == 1, "placement ran before its time"
    finally:
        assert server.stop() == 0


def test_oos_flow_settings_are_flags_of_place_orders(shop):
    """SPEC §4 rules 6 and 7 are configurable: --oos-notice-days and --oos-max-days (the same
    settings as serve's, also through RESTOCK_OOS_*)."""
    from harness import query
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "TEA", "--live", "false")
    subscribe(shop, "shop", "c1", "TEA", every=2, period="month")
    flags = ["--oos-max-days", "5", "--oos-notice-days", "2, 4"]
    for d in range(5):
        s = shop.ok("place-orders", "--merchant", "shop", "--date", day(d), *flags)
        assert s["cancelled"] == 0, (d, s)
    notices = query(shop.db, "SELECT day_in_flow FROM order_events WHERE type = 'order.oos_notice'"
                             " ORDER BY id")
    assert [n[0] for n in notices] == [2, 4]
    s = shop.ok("place-orders", "--merchant", "shop", "--date", day(5),
                env={"RESTOCK_OOS_MAX_DAYS": "5", "RESTOCK_OOS_NOTICE_DAYS": "1"})  # day 6
    assert s["cancelled"] == 1, s

    for bad in (["--oos-notice-days", "0"], ["--oos-notice-days", "1,x"],
                ["--oos-max-days", "0"], ["--oos-max-days", "5", "--oos-notice-days", "6"]):
        shop.fails(2, "place-orders", "--merchant", "shop", "--date", day(6), *bad)


def test_cancelling_subscriptions_over_http_trims_then_cancels_the_upcoming_order(restock):
    from harness import query
    h = {**restock.a.key_headers(), "content-type": "application/json"}

    def subscribe_http(product):
        r = restock.request("POST", "/subscriptions/", headers=h,
                            json={"customer": "c9", "product_id": product, "every": 1,
                                  "period": "month", "start": DAY})
        assert r.status_code == 201, r.text
        return r.json()

    a, b = subscribe_http("P1"), subscribe_http("P2")
    assert a["order_id"] == b["order_id"]
    order_url = f"/orders/{a['order_id']}/"

    def cancel(sub):
        r = restock.request("PATCH", f"/subscriptions/{sub['subscription_id']}/", headers=h,
                            json={"status": "cancelled"})
        assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text

    cancel(a)
    order = restock.request("GET", order_url, headers=h).json()
    assert order["status"] == "unsent" and [i["product_id"] for i in order["items"]] == ["P2"]
    cancel(b)
    order = restock.request("GET", order_url, headers=h).json()
    assert order["status"] == "cancelled" and order["cancel_reason"] == "subscription_cancelled"
    assert [i["product_id"] for i in order["items"]] == ["P2"], "the record of what was due"
    events = query(restock.db, "SELECT type FROM order_events WHERE order_id = ?", (a["order_id"],))
    assert events == [("order.cancelled",)]
    again = restock.request("PATCH", f"/subscriptions/{b['subscription_id']}/", headers=h,
                            json={"status": "cancelled"})
    assert again.status_code == 409, again.text
