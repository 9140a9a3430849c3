"""Subscription schedules end to end (docs/placement.md, "Schedules"): overdue cycles are
skipped and recorded rather than placed, monthly schedules keep the start day, dates beyond
0001..9999 are refused, a far-ahead `place-orders --date` needs --force, and the records
`skip` and `place_anyway` leave in an order's history. The real binary on either backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from harness import Cli, execute


def subscribe(cli: Cli, customer: str, product: str, start: str, every: int = 1,
              period: str = "month", merchant: str = "shop", quantity: int = 1) -> dict[str, Any]:
    return cli.ok("subscription", "add", "--merchant", merchant, "--customer", customer,
                  "--product", product, "--quantity", str(quantity), "--every", str(every),
                  "--period", period, "--start", start)


def place(cli: Cli, date: str, *extra: str, merchant: str = "shop") -> dict[str, Any]:
    # These runs stand for days that have not come yet: --force allows a date ahead of today.
    return cli.ok("place-orders", "--merchant", merchant, "--date", date, "--force", *extra)


def orders(cli: Cli, status: str | None = None, merchant: str = "shop") -> list[dict[str, Any]]:
    args = ["orders", "list", "--merchant", merchant]
    if status:
        args += ["--status", status]
    return cli.ok(*args)


def history(cli: Cli, order_id: int, merchant: str = "shop") -> list[dict[str, Any]]:
    return cli.ok("orders", "events", "--merchant", merchant, "--order", str(order_id))


@pytest.fixture
def shop(cli: Cli) -> Cli:
    """A fresh database with merchant "shop" (split policy, UTC) and an untracked product."""
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "shop")
    cli.ok("product", "add", "--merchant", "shop", "--product-id", "TEA")
    return cli


# ----------------------------------------------------------------------- overdue cycles


@pytest.mark.parametrize("chunk_size", ["1", "3", "2000"])
def test_overdue_weekly_subscription_places_one_order_and_skips_the_missed_cycles(shop,
                                                                                  chunk_size):
    """The issue's repro: weekly from 2027-01-01, run for 2027-01-29 three times. One order
    (the overdue 01-01 one) is placed; 01-08 .. 01-29 are skipped and recorded; the next
    order is 02-05. The same for five customers whatever the chunk size (rule 9)."""
    for i in range(5):
        subscribe(shop, f"c{i}", "TEA", "2027-01-01", period="week")

    first = place(shop, "2027-01-29", "--chunk-size", chunk_size)
    again = [place(shop, "2027-01-29", "--chunk-size", chunk_size) for _ in range(2)]

    assert first["placed"] == 5 and first["skipped_cycles"] == 20, first
    for s in again:
        assert s["placed"] == 0 and s["skipped_cycles"] == 0 and s["next_orders"] == 0, s
    placed = orders(shop, "placed")
    assert len(placed) == 5
    assert {o["place_date"] for o in placed} == {"2027-01-01"}
    upcoming = orders(shop, "unsent")
    assert sorted(o["customer"] for o in upcoming) == [f"c{i}" for i in range(5)]
    assert {o["place_date"] for o in upcoming} == {"2027-02-05"}
    for order in placed:
        skipped = [e for e in history(shop, order["id"]) if e["type"] == "subscription.cycle_skipped"]
        assert [e["cycle_date"] for e in skipped] == ["2027-01-08", "2027-01-15", "2027-01-22",
                                                      "2027-01-29"], skipped
        assert all(e["date"] == "2027-01-29" and e["product_id"] == "TEA"
                   and e["subscription_id"] == order["items"][0]["subscription_id"]
                   and e["quantity"] == 1 for e in skipped), skipped


def test_overdue_order_entering_the_flow_is_not_cancelled_on_day_one(shop):
    """Before the fix the next order's date was already past, so the OOS order expired at
    once (oos_expires before oos_since) and was cancelled the day it entered the flow."""
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "GONE", "--inventory", "0")
    subscribe(shop, "c1", "GONE", "2027-01-01", period="week")

    s = place(shop, "2027-01-29")

    assert s["out_of_stock"] == 1 and s["cancelled"] == 0, s
    [waiting] = orders(shop, "out_of_stock")
    assert waiting["oos_since"] == "2027-01-29"
    assert place(shop, "2027-01-30")["cancelled"] == 0
    # Weekly is short: the flow ends the day the next order (02-05) is due.
    assert place(shop, "2027-02-05")["cancelled"] == 1


# ----------------------------------------------------------------------- monthly anchor


def test_monthly_schedule_keeps_the_start_day_clamped_to_each_month(shop):
    shop.ok("merchant", "add", "--public-id", "leap")
    shop.ok("product", "add", "--merchant", "leap", "--product-id", "TEA")
    subscribe(shop, "c31", "TEA", "2027-01-31")
    subscribe(shop, "c29", "TEA", "2028-02-29", every=12, merchant="leap")

    def next_dates(merchant: str, dates: list[str]) -> list[str]:
        seen = []
        for date in dates:
            s = place(shop, date, merchant=merchant)
            assert s["placed"] == 1 and s["skipped_cycles"] == 0, (date, s)
            [upcoming] = orders(shop, "unsent", merchant=merchant)
            seen.append(upcoming["place_date"])
        return seen

    assert next_dates("shop", ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]) == [
        "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    assert next_dates("leap", ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28",
                               "2032-02-29"]) == [
        "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29", "2033-02-28"]


# ----------------------------------------------------------------------- the calendar's end


def test_dates_beyond_year_9999_are_refused_at_input(shop):
    for start in ("9999-12-15", "0000-06-01"):
        r = shop.fails(2, "subscription", "add", "--merchant", "shop", "--customer", "c",
                       "--product", "TEA", "--quantity", "1", "--every", "1", "--period",
                       "month", "--start", start)
        assert "9999-12-31" in r.stderr, r.stderr
    shop.fails(2, "place-orders", "--merchant", "shop", "--date", "0000-12-31", "--force")
    assert orders(shop) == []


def test_dates_beyond_year_9999_are_refused_by_the_api(restock):
    h = {**restock.a.key_headers(), "content-type": "application/json"}
    r = restock.request("POST", "/subscriptions/", headers=h,
                        json={"customer": "c1", "product_id": "P2", "every": 1,
                              "period": "month", "start": "9999-12-15"})
    assert r.status_code == 400 and "9999-12-31" in r.json()["detail"], r.text
    ok = restock.request("POST", "/subscriptions/", headers=h,
                         json={"customer": "c1", "product_id": "P2", "every": 1,
                               "period": "week", "start": "9999-12-15"})
    assert ok.status_code == 201, ok.text
    # A frequency whose next order would fall past 9999-12-31 is refused as well.
    r = restock.request("PATCH", f"/subscriptions/{ok.json()['subscription_id']}/", headers=h,
                        json={"every": 1, "period": "month"})
    assert r.status_code == 400 and "9999-12-31" in r.json()["detail"], r.text
    assert restock.request("GET", f"/orders/{ok.json()['order_id']}/",
                           headers=h).json()["place_date"] == "9999-12-15"


def test_schedule_ends_at_the_calendars_end_and_the_merchant_keeps_working(shop):
    """The issue's lock-out: a schedule reaching 10000-01-15. Now its last order is placed,
    no next order is written, and listing and placement go on."""
    subscribe(shop, "c1", "TEA", "9999-12-15", every=2, period="week")
    assert place(shop, "9999-12-15")["next_orders"] == 1

    s = place(shop, "9999-12-29")

    assert s["placed"] == 1 and s["next_orders"] == 0 and s["schedules_ended"] == 1, s
    assert [o["place_date"] for o in orders(shop, "placed")] == ["9999-12-15", "9999-12-29"]
    assert orders(shop, "unsent") == []
    assert place(shop, "9999-12-31")["placed"] == 0


def test_a_row_that_cannot_be_read_does_not_stop_the_run(shop):
    """A date written by an older release that no parser reads: the run logs and skips that
    order and places the others; `orders list` then fails with nothing on stdout."""
    shop.ok("product", "add", "--merchant", "shop", "--product-id", "GONE", "--live", "false")
    subscribe(shop, "bad", "GONE", "2026-11-01")
    place(shop, "2026-11-01")
    [waiting] = orders(shop, "out_of_stock")
    execute(shop.db, "UPDATE orders SET oos_expires = '10000-01-15' WHERE id = ?",
            (waiting["id"],))
    subscribe(shop, "good", "TEA", "2026-11-02")

    r = shop.run("place-orders", "--merchant", "shop", "--date", "2026-11-02", "--force")

    assert r.rc == 0, r.describe()
    assert r.json["placed"] == 1 and r.json["unreadable_orders"] == 1, r.json
    assert f"order {waiting['id']}" in r.stderr, r.stderr
    listing = shop.fails(1, "orders", "list", "--merchant", "shop")
    assert listing.stdout == ""


# ----------------------------------------------------------------------- --date and --force


def test_place_orders_more_than_a_day_ahead_needs_force(shop):
    today = dt.datetime.now(dt.timezone.utc).date()
    subscribe(shop, "c1", "TEA", (today + dt.timedelta(days=2)).isoformat())

    r = shop.fails(2, "place-orders", "--merchant", "shop", "--date",
                   (today + dt.timedelta(days=2)).isoformat())

    assert "--force" in r.stderr, r.stderr
    assert orders(shop, "unsent")[0]["status"] == "unsent", "nothing ran"
    # Without --merchant every merchant's own today counts, and the refusal is the same.
    shop.fails(2, "place-orders", "--date", (today + dt.timedelta(days=2)).isoformat())
    s = shop.ok("place-orders", "--merchant", "shop", "--date",
                (today + dt.timedelta(days=1)).isoformat())
    assert s["placed"] == 0, s
    s = shop.ok("place-orders", "--merchant", "shop", "--date",
                (today + dt.timedelta(days=2)).isoformat(), "--force")
    assert s["placed"] == 1, s


def test_the_limit_is_the_merchants_local_today(shop):
    """UTC+14: the merchant's today is often UTC's tomorrow, so UTC + 2 days may be its
    tomorrow (allowed), and UTC + 3 days never is."""
    shop.ok("merchant", "add", "--public-id", "east", "--timezone", "Pacific/Kiritimati")
    local_today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()
    shop.ok("place-orders", "--merchant", "east", "--date",
            (local_today + dt.timedelta(days=1)).isoformat())
    shop.fails(2, "place-orders", "--merchant", "east", "--date",
               (local_today + dt.timedelta(days=2)).isoformat())


# ----------------------------------------------------------------------- skip and place_anyway


@pytest.mark.parametrize("policy", ["skip", "place_anyway"])
def test_skip_and_place_anyway_leave_a_record_on_the_order(shop, policy):
    shop.ok("merchant", "add", "--public-id", policy, "--oos-policy", policy)
    shop.ok("product", "add", "--merchant", policy, "--product-id", "COFFEE", "--inventory", "2")
    shop.ok("product", "add", "--merchant", policy, "--product-id", "TEA")
    subscribe(shop, "c1", "COFFEE", "2026-12-01", merchant=policy, quantity=5)
    subscribe(shop, "c1", "TEA", "2026-12-01", merchant=policy)

    s = place(shop, "2026-12-01", merchant=policy)

    [order] = orders(shop, "placed", merchant=policy)
    events = history(shop, order["id"], merchant=policy)
    if policy == "skip":
        assert [i["product_id"] for i in order["items"]] == ["TEA"]
        assert [(e["type"], e["product_id"], e["quantity"]) for e in events] == [
            ("order.item_skipped", "COFFEE", 5)], events
    else:
        assert s["oversold_units"] == 3, s
        assert [(e["type"], e["product_id"], e["quantity"]) for e in events] == [
            ("order.oversold", "COFFEE", 3)], events
    # Merchant isolation: another merchant cannot read the history.
    shop.fails(3, "orders", "events", "--merchant", "shop", "--order", str(order["id"]))
