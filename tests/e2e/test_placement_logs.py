"""What placement says on stderr (README "Commands", docs/placement.md): `place-orders` is
quiet unless --verbose, and a `serve` started after a merchant's placement time runs that
day's placement at once and logs it as such."""

from __future__ import annotations

import datetime as dt
import time

from harness import Cli, Server


def today_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def shop_with_a_due_order(cli: Cli, placement_time: str = "06:00") -> None:
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "shop", "--timezone", "UTC",
           "--placement-time", placement_time)
    cli.ok("product", "add", "--merchant", "shop", "--product-id", "TEA", "--inventory", "5")
    cli.ok("subscription", "add", "--merchant", "shop", "--customer", "c1", "--product", "TEA",
           "--quantity", "1", "--every", "1", "--period", "month", "--start", today_utc())


def test_place_orders_is_quiet_on_stderr_by_default(cli):
    shop_with_a_due_order(cli)
    r = cli.run("place-orders", "--merchant", "shop", "--date", today_utc())
    assert r.rc == 0, r.describe()
    assert r.json["placed"] == 1
    assert r.stderr == "", "stderr carries errors only"


def test_place_orders_verbose_reports_progress_and_a_summary(cli):
    shop_with_a_due_order(cli)
    r = cli.run("place-orders", "--merchant", "shop", "--date", today_utc(), "--verbose")
    assert r.rc == 0, r.describe()
    assert r.json["placed"] == 1
    assert f"placement for shop on {today_utc()}: 1 placed, 0 out of stock, 0 cancelled" \
        in r.stderr, r.stderr


def test_serve_started_after_the_placement_time_places_at_once_and_says_so(cli):
    # 00:00 UTC has always passed today.
    shop_with_a_due_order(cli, placement_time="00:00")
    server = Server(cli.db, cli.cwd, ["--scheduler", "true", "--scheduler-tick", "3600"])
    try:
        deadline = time.monotonic() + 20
        placed: list = []
        while time.monotonic() < deadline and not placed:
            placed = cli.ok("orders", "list", "--merchant", "shop", "--status", "placed")
            time.sleep(0.2)
        assert placed, "the day's placement did not run at start"
        deadline = time.monotonic() + 10
        expected = (f"placement for shop on {today_utc()} starting now: this server started "
                    "after the merchant's placement time (00:00 UTC)")
        while expected not in server.stderr_tail(200) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert expected in server.stderr_tail(200), server.stderr_tail(200)
    finally:
        assert server.stop() == 0
