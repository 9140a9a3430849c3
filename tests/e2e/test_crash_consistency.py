"""Crash consistency: SIGKILL at random moments never costs an acknowledged update, never
corrupts the database, and never places an order twice (SPEC §2 durability, §4 placement).

Randomness is seeded: the seed is printed and part of every failure message; rerun a failure
with RESTOCK_CRASH_SEED=<seed>. RESTOCK_CRASH_ROUNDS sets the number of kill rounds.
test_durability.py keeps the simple "one update, kill, read back" rounds; this file holds the
concurrent and randomised ones.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import requests

from harness import BACKEND, query, restock_bin
from test_placement import DAY, place

CLIENTS = 4
PRODUCTS_PER_CLIENT = 3
ROUNDS = int(os.environ.get("RESTOCK_CRASH_ROUNDS", "8"))
MIN_ACKS_PER_ROUND = 20
ROUND_DEADLINE_S = 30


def seed() -> int:
    value = int(os.environ.get("RESTOCK_CRASH_SEED", str(time.time_ns() % 1_000_000_007)))
    print(f"crash consistency seed: {value} (rerun with RESTOCK_CRASH_SEED={value})")
    return value


def integrity(db: Path | str) -> str:
    """"ok" when the database passes its backend's structural check: SQLite's integrity_check
    of the file restock was killed writing; on PostgreSQL (whose server was not killed, only
    its client) amcheck's B-tree check of every index of restock's tables."""
    if BACKEND == "sqlite":
        con = sqlite3.connect(str(db), timeout=10)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(str(db))
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            cur.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a "
                        "ON a.oid = c.relam WHERE n.nspname = 'public' AND a.amname = 'btree'")
            indexes = [r[0] for r in cur.fetchall()]
            assert indexes, "no index to check"
            for index in indexes:
                cur.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
        return "ok"
    except psycopg2.Error as e:
        return str(e)
    finally:
        con.close()


def inventories(db: Path | str, product_ids: list[str]) -> dict[str, int | None]:
    """Inventory per product of merchant A (id 1 in the seeded database), read straight from
    the database after the kill (SQLite recovers the WAL on open like the server would)."""
    rows = query(db, "SELECT p.product_id, p.inventory FROM products p JOIN merchants m "
                     "ON m.id = p.merchant_id WHERE m.public_id = 'merchant-a'")
    stored = dict(rows)
    return {p: stored.get(p) for p in product_ids}


class Client(threading.Thread):
    """Sends batches setting inventory = an increasing counter on random subsets of its own
    products, one request at a time, until stopped or the server dies. Remembers, per
    product, the last value acknowledged with a 207/200 and the value of the one request that
    was in flight when the connection broke."""

    def __init__(self, index: int, env, server, products: list[str], start: int,
                 rng: random.Random, stop: threading.Event):
        super().__init__(daemon=True)
        self.env, self.server, self.products, self.stop = env, server, products, stop
        self.next_value = start
        self.rng = random.Random(rng.random())
        self.index = index
        self.acked: dict[str, int] = {}
        self.in_flight: dict[str, int] = {}
        self.acks = 0
        self.errors: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            chosen = self.rng.sample(self.products, self.rng.randint(1, len(self.products)))
            value = self.next_value
            self.next_value += 1
            self.in_flight = {p: value for p in chosen}
            auth = self.env.a.user_headers() if self.rng.random() < 0.5 else \
                self.env.a.key_headers()
            try:
                resp = self.env.patch([{"product_id": p, "inventory": value} for p in chosen],
                                      auth=auth, server=self.server, session=session, timeout=10)
            except requests.RequestException:
                return  # killed mid-request: the in-flight value may or may not be stored
            if resp.status_code != 207 or \
                    [r["status"] for r in resp.json()["results"]] != [200] * len(chosen):
                self.errors.append(f"client {self.index}: {resp.status_code} {resp.text[:300]}")
                return
            self.acked.update(self.in_flight)
            self.in_flight = {}
            self.acks += 1


def test_acknowledged_updates_survive_random_kills_under_load(restock):
    s = seed()
    rng = random.Random(s)
    products = {c: [f"K{c}-{i}" for i in range(PRODUCTS_PER_CLIENT)] for c in range(CLIENTS)}
    all_products = [p for ps in products.values() for p in ps]
    for p in all_products:
        restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", p,
                       "--inventory", "0")
    # What the database holds for each product: acknowledged or (after a kill) recovered.
    baseline = {p: 0 for p in all_products}
    next_value = {c: 1 for c in range(CLIENTS)}
    total_acks = 0
    for round_ in range(ROUNDS):
        where = f"seed {s}, round {round_}"
        server = restock.serve()
        stop = threading.Event()
        clients = [Client(c, restock, server, products[c], next_value[c], rng, stop)
                   for c in range(CLIENTS)]
        for c in clients:
            c.start()
        # Kill at a random moment once the load is going (a few acknowledgements in).
        kill_after = rng.uniform(0.0, 1.5)
        deadline = time.monotonic() + ROUND_DEADLINE_S
        while sum(c.acks for c in clients) < MIN_ACKS_PER_ROUND and time.monotonic() < deadline \
                and not any(c.errors for c in clients):
            time.sleep(0.005)  # polling for progress, bounded by the deadline
        time.sleep(kill_after)
        server.kill9()
        stop.set()
        for c in clients:
            c.join(timeout=30)
            assert not c.is_alive(), f"{where}: client {c.index} hung"
        errors = [e for c in clients for e in c.errors]
        assert not errors, f"{where}: {errors}"
        acks = sum(c.acks for c in clients)
        assert acks >= MIN_ACKS_PER_ROUND, f"{where}: only {acks} acknowledgements"
        total_acks += acks

        assert integrity(restock.db) == "ok", where
        stored = inventories(restock.db, all_products)
        for c in clients:
            for p in c.products:
                acked = c.acked.get(p, baseline[p])
                allowed = {acked}
                if p in c.in_flight:
                    allowed.add(c.in_flight[p])  # sent, unanswered: may have committed
                assert stored[p] in allowed, \
                    f"{where}: {p} stored {stored[p]}, acknowledged {acked}, " \
                    f"in flight {c.in_flight.get(p)}"
                baseline[p] = stored[p]
            next_value[c.index] = c.next_value
    # The restarted server serves the recovered database.
    restock.serve()
    assert restock.product(all_products[0])["inventory"] == baseline[all_products[0]]
    print(f"{ROUNDS} kills, {total_acks} acknowledged batches")


PLACEMENT_SUBSCRIPTIONS = 1500
PLACEMENT_KILLS = 5


def placed_count(db: Path | str) -> int:
    return query(db, "SELECT count(*) FROM orders WHERE status='placed'")[0][0]


def test_placement_killed_at_random_moments_places_each_order_once(restock):
    """A run committed in chunks is killed again and again at random moments (random
    delays, some of them during start-up, and random progress points); a last run finishes
    the rest; every subscription is placed exactly once, has one upcoming order, and the
    database passes its integrity check after every kill."""
    s = seed()
    rng = random.Random(s)
    cli, pid = restock.cli, restock.a.public_id
    n = PLACEMENT_SUBSCRIPTIONS
    cli.ok("product", "add", "--merchant", pid, "--product-id", "BULK")
    session = requests.Session()
    headers = {**restock.a.key_headers(), "content-type": "application/json"}
    for i in range(n):
        r = restock.request("POST", "/subscriptions/", session=session, headers=headers,
                            json={"customer": f"k{i}", "product_id": "BULK", "every": 1,
                                  "period": "week", "start": DAY})
        assert r.status_code == 201, r.text
    restock.server.stop()

    killed_mid_run = 0
    for attempt in range(PLACEMENT_KILLS):
        where = f"seed {s}, kill {attempt}"
        before = placed_count(restock.db)
        # One order per transaction makes the run long enough to catch in the middle.
        proc = subprocess.Popen([str(restock_bin()), "place-orders", "--db", str(restock.db),
                                 "--merchant", pid, "--date", DAY, "--chunk-size", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if rng.random() < 0.3:
            time.sleep(rng.uniform(0.0, 0.3))  # anywhere, start-up included
        else:
            target = before + rng.randint(1, max(1, (n - before) // 3))
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline \
                    and placed_count(restock.db) < target:
                time.sleep(0.002)  # polling for progress, bounded by the deadline
        if proc.poll() is None:
            proc.kill()
            if placed_count(restock.db) > before:
                killed_mid_run += 1
        proc.wait(timeout=30)
        assert integrity(restock.db) == "ok", where
        assert placed_count(restock.db) >= before, where  # nothing committed is lost
    assert killed_mid_run >= 1, f"seed {s}: no kill landed in the middle of a run"

    summary = place(cli, pid, DAY)

    placed_items = query(
        restock.db,
        "SELECT i.subscription_id, count(*) FROM orders o JOIN order_items i "
        "ON i.merchant_id = o.merchant_id AND i.order_id = o.id "
        "WHERE o.status = 'placed' AND o.place_date = ? GROUP BY i.subscription_id", (DAY,))
    upcoming = query(
        restock.db,
        "SELECT i.subscription_id, count(*) FROM orders o JOIN order_items i "
        "ON i.merchant_id = o.merchant_id AND i.order_id = o.id "
        "WHERE o.status = 'unsent' GROUP BY i.subscription_id")
    check = integrity(restock.db)
    assert check == "ok", s
    assert len(placed_items) == n and all(c == 1 for _, c in placed_items), (s, summary)
    assert len(upcoming) == n and all(c == 1 for _, c in upcoming), s
