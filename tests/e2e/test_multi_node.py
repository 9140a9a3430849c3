"""Several restock nodes on one database (docs/scaling.md): two `restock serve` processes
share the test's database. They run on SQLite too (two processes on one file), but they are
meant for PostgreSQL, where scripts/test-postgres runs them; the fault test restarts the
PostgreSQL server and needs RESTOCK_TEST_PG_DIR (the cluster's directory)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import threading
import time

import pytest
import requests

from harness import BACKEND, REPO_ROOT, Server, query, restock_bin, results
from update_load import UpdateLoad
from webhook_support import outbox


def second_node(restock, **kw) -> Server:
    node = Server(restock.db, restock.tmp, name="node2", **kw)
    restock._servers.append(node)  # stopped (and its log shown on failure) with the others
    return node


def test_update_through_one_node_is_seen_by_the_other_at_once(restock):
    node1, node2 = restock.server, second_node(restock)
    headers = {**restock.a.key_headers(), "content-type": "application/json"}
    r = node1.request("POST", "/subscriptions/", headers=headers,
                      json={"customer": "c1", "product_id": "P1", "every": 1, "period": "week",
                            "start": "2026-12-01"})
    assert r.status_code == 201, r.text
    sub = r.json()
    got = node2.request("GET", f"/subscriptions/{sub['subscription_id']}/", headers=headers)
    assert got.status_code == 200, got.text
    assert got.json()["customer"] == "c1"

    assert results(restock.patch([{"product_id": "P1", "live": False}], server=node1)) == \
        [{"product_id": "P1", "status": 200}]
    # Node 2 reads the product inside its own update: it sees live:false and changes only
    # what it is asked to.
    assert results(restock.patch([{"product_id": "P1", "inventory": 3}], server=node2)) == \
        [{"product_id": "P1", "status": 200}]
    p = restock.product("P1")
    assert p["live"] is False and p["inventory"] == 3


def test_concurrent_updates_of_one_product_on_two_nodes_lose_no_field(restock):
    """Node 1 keeps renaming P1 while node 2 keeps changing its sku: each update is a
    read-modify-write of the whole row, so without row locks one would undo the other."""
    node1, node2 = restock.server, second_node(restock)
    rounds = 40
    failures: list[str] = []

    def hammer(server: Server, field: str) -> None:
        session = requests.Session()
        for i in range(rounds):
            resp = restock.patch([{"product_id": "P1", field: f"{field}-{i}"}], server=server,
                                 session=session)
            if resp.status_code != 207 or resp.json()["results"][0]["status"] != 200:
                failures.append(f"{field} {i}: {resp.status_code} {resp.text}")

    threads = [threading.Thread(target=hammer, args=(node1, "name")),
               threading.Thread(target=hammer, args=(node2, "sku"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    p = restock.product("P1")
    assert (p["name"], p["sku"]) == (f"name-{rounds - 1}", f"sku-{rounds - 1}")


def _subscribe_many(restock, node: Server, product: str, n: int, start: str) -> None:
    session = requests.Session()
    headers = {**restock.a.key_headers(), "content-type": "application/json"}
    for i in range(n):
        r = node.request("POST", "/subscriptions/", session=session, headers=headers,
                         json={"customer": f"k{i}", "product_id": product, "every": 1,
                               "period": "week", "start": start})
        assert r.status_code == 201, r.text


def _check_placed_once(restock, day: str, n: int, units: int) -> None:
    per_sub = query(
        restock.db,
        "SELECT i.subscription_id, o.status, count(*) FROM orders o JOIN order_items i "
        "ON i.merchant_id = o.merchant_id AND i.order_id = o.id "
        "WHERE o.place_date = ? GROUP BY i.subscription_id, o.status", (day,))
    placed = [s for s, status, c in per_sub if status == "placed"]
    waiting = [s for s, status, c in per_sub if status == "out_of_stock"]
    assert all(c == 1 for _, _, c in per_sub), per_sub  # no subscription placed twice
    assert len(placed) == units and len(waiting) == n - units, (len(placed), len(waiting))
    upcoming = query(
        restock.db,
        "SELECT i.subscription_id, count(*) FROM orders o JOIN order_items i "
        "ON i.merchant_id = o.merchant_id AND i.order_id = o.id "
        "WHERE o.status = 'unsent' GROUP BY i.subscription_id")
    assert len(upcoming) == n and all(c == 1 for _, c in upcoming), upcoming
    assert restock.product("LIMITED")["inventory"] == 0  # never oversold


def _metric(server: Server, name: str) -> float:
    text = server.request("GET", "/metrics").text
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")]
    assert values, f"{name} not in /metrics"
    return values[0]


def test_contended_mix_on_two_nodes_never_deadlocks(restock):
    """The repro of the lock-order deadlocks (docs/scaling.md, "Lock order"): on two nodes at
    once, subscriptions are created for a product with out-of-stock orders waiting while its
    inventory flips between 0 and 1 (each restock retries the waiting orders: placement),
    hot products are updated in batches whose elements come in opposite orders, and another
    merchant's products are updated. No transaction may end as a deadlock victim, and every
    request succeeds."""
    pid = restock.a.public_id
    cli = restock.cli
    day = dt.datetime.now(dt.timezone.utc).date().isoformat()
    for p in ("HOT", "H1", "H2", "H3"):
        cli.ok("product", "add", "--merchant", pid, "--product-id", p, "--inventory", "0",
               "--live", "false")
    node1 = restock.server
    _subscribe_many(restock, node1, "HOT", 30, day)
    restock.server.stop()
    placed = cli.ok("place-orders", "--merchant", pid, "--date", day)
    assert placed["out_of_stock"] == 30, placed
    node1 = restock.serve()
    node2 = second_node(restock)
    deadline = time.monotonic() + 8
    failures: list[str] = []
    counts = {"requests": 0}

    def loop(fn) -> None:
        session = requests.Session()
        i = 0
        while time.monotonic() < deadline and len(failures) < 5:
            resp = fn(session, i)
            counts["requests"] += 1
            if resp.status_code not in (200, 201, 207) or (
                    resp.status_code == 207 and
                    any(x["status"] != 200 for x in resp.json()["results"])):
                failures.append(f"{resp.status_code} {resp.text[:200]}")
            i += 1

    def subscribe(node: Server, tag: str):
        headers = {**restock.a.key_headers(), "content-type": "application/json"}
        return lambda session, i: node.request(
            "POST", "/subscriptions/", session=session, headers=headers,
            json={"customer": f"{tag}-{i}", "product_id": "HOT", "every": 1, "period": "week",
                  "start": day})

    def flip(node: Server):
        return lambda session, i: restock.patch(
            [{"product_id": "HOT", "inventory": i % 2}], server=node, session=session)

    def hot(node: Server, order: list[str]):
        return lambda session, i: restock.patch(
            [{"product_id": p, "name": f"n{i}"} for p in order], server=node, session=session)

    def other_merchant(node: Server):
        return lambda session, i: restock.patch(
            [{"product_id": p, "name": f"b{i}"} for p in ("B1", "SHARED")], auth=restock.b.key_headers(),
            server=node, session=session)

    work = []
    for n, node in enumerate((node1, node2)):
        work += [subscribe(node, f"s{n}a"), subscribe(node, f"s{n}b"), flip(node),
                 hot(node, ["H1", "H2", "H3"]), hot(node, ["H3", "H2", "H1"]),
                 other_merchant(node)]
    threads = [threading.Thread(target=loop, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert counts["requests"] > len(work), counts
    assert [_metric(node, "restock_db_deadlocks_total") for node in (node1, node2)] == [0, 0]


def test_webhook_numbers_of_two_merchants_on_two_nodes_never_deadlock(restock):
    """Both merchants subscribe to stock events, so every update takes its merchant's next
    webhook sequence numbers, whose counter row stays locked until the commit. On each node a
    group commit holds both merchants' updates in arrival order; were numbers taken in that
    order, the two nodes would lock the two counters in opposite orders (docs/scaling.md,
    "Lock order"). No deadlock victim, every update answered 200, and each merchant's numbers
    run 1..N without a gap or a repeat, rising with every later change of one product."""
    merchants = {"a": restock.a, "b": restock.b}
    for m in merchants.values():
        restock.cli.ok("webhook", "add", "--merchant", m.public_id, "--url",
                       "https://hooks.example.com/restock", "--events", "product.stock_changed",
                       "--secret", "whsec_order_0123456789")
    restock.server.stop()
    nodes = [restock.serve("--webhooks", "false"), None]
    nodes[1] = second_node(restock, args=("--webhooks", "false"))
    products = {}
    for key, m in merchants.items():
        for n in range(2):
            for t in range(2):
                p = f"N{n}-{t}"
                products.setdefault(key, []).append(p)
                restock.cli.ok("product", "add", "--merchant", m.public_id, "--product-id", p,
                               "--inventory", "5")
    deadline = time.monotonic() + 8
    failures: list[str] = []

    def loop(node: Server, key: str, product: str) -> None:
        session = requests.Session()
        auth = merchants[key].key_headers()
        i = 0
        while time.monotonic() < deadline and len(failures) < 5:
            resp = restock.patch([{"product_id": product, "inventory": i}], server=node,
                                 session=session, auth=auth)
            if resp.status_code != 207 or resp.json()["results"][0]["status"] != 200:
                failures.append(f"{resp.status_code} {resp.text[:200]}")
            i += 1

    threads = [threading.Thread(target=loop, args=(nodes[int(p[1])], key, p))
               for key in merchants for p in products[key]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert [_metric(node, "restock_db_deadlocks_total") for node in nodes] == [0, 0]
    for key, m in merchants.items():
        mid = query(restock.db, "SELECT id FROM merchants WHERE public_id = ?",
                    (m.public_id,))[0][0]
        rows = [json.loads(r["body"]) for r in outbox(restock.db) if r["merchant_id"] == mid]
        sequences = sorted(e["sequence"] for e in rows)
        assert sequences == list(range(1, len(rows) + 1)), (key, sequences[:20])
        for p in products[key]:
            mine = sorted((e for e in rows if e["data"]["product_id"] == p),
                          key=lambda e: e["sequence"])
            assert [e["data"]["inventory"] for e in mine] == list(range(len(mine))), (key, p)


def test_racing_creates_on_two_nodes_answer_duplicates_per_element(restock):
    """Both nodes create the same new products at once, each with products of its own in the
    same batch: a product one node created first is a per-element 400 on the other, and that
    other's own products are created (elements are independent)."""
    node1, node2 = restock.server, second_node(restock)
    trials = 20
    answers: dict[tuple[int, int], object] = {}

    def create(n: int, node: Server, barrier: threading.Barrier, trial: int) -> None:
        body = [{"product_id": f"race-{trial}-{k}"} for k in range(5)] + \
               [{"product_id": f"own-{n}-{trial}-{k}"} for k in range(5)]
        barrier.wait()
        resp = restock.patch(body, server=node, method="POST", path="/products-batch/create/")
        answers[(trial, n)] = (resp.status_code, resp.json())

    for trial in range(trials):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=create, args=(n, node, barrier, trial))
                   for n, node in enumerate((node1, node2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    for trial in range(trials):
        statuses = []
        for n in (0, 1):
            code, body = answers[(trial, n)]
            assert code == 207, (trial, n, code, body)
            res = body["results"]
            assert [x["status"] for x in res[5:]] == [200] * 5, (trial, n, res)
            statuses.append([x["status"] for x in res[:5]])
            for x in res[:5]:
                if x["status"] == 400:
                    assert "already exists" in x["errors"]["product_id"][0], x
        # Each shared product was created by exactly one of the two.
        for k in range(5):
            assert sorted([statuses[0][k], statuses[1][k]]) == [200, 400], (trial, statuses)
    for n in (0, 1):
        assert restock.product(f"own-{n}-{trials - 1}-4")["product_id"] == f"own-{n}-{trials - 1}-4"


def test_two_placement_runs_at_once_place_every_order_exactly_once(restock):
    n, units, day = 300, 120, "2026-12-01"
    cli, pid = restock.cli, restock.a.public_id
    cli.ok("product", "add", "--merchant", pid, "--product-id", "LIMITED", "--inventory",
           str(units))
    _subscribe_many(restock, restock.server, "LIMITED", n, day)
    restock.server.stop()
    # Two processes (two nodes) start the same day's run together, in small chunks so that
    # they interleave.
    cmd = [str(restock_bin()), "place-orders", "--db", str(restock.db), "--merchant", pid,
           "--date", day, "--chunk-size", "7"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    _check_placed_once(restock, day, n, units)


def test_scheduler_on_every_node_places_once(restock):
    n, units = 200, 80
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    cli, pid = restock.cli, "sched"
    cli.ok("merchant", "add", "--public-id", pid, "--placement-time", "00:00", "--timezone", "UTC")
    key = cli.ok("api-key", "add", "--merchant", pid)["key"]
    cli.ok("product", "add", "--merchant", pid, "--product-id", "LIMITED", "--inventory",
           str(units))
    # Through HTTP on a node without a scheduler (one CLI process per subscription would take
    # minutes on a sanitized build); the scheduling nodes start afterwards.
    session = requests.Session()
    for i in range(n):
        r = restock.request("POST", "/subscriptions/", session=session,
                            headers={"x-api-key": key, "content-type": "application/json"},
                            json={"customer": f"k{i}", "product_id": "LIMITED", "quantity": 1,
                                  "every": 1, "period": "week", "start": today})
        assert r.status_code == 201, r.text
    nodes = [restock.serve("--scheduler", "true", "--scheduler-tick", "1"),
             second_node(restock, args=["--scheduler", "true", "--scheduler-tick", "1"])]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if query(restock.db, "SELECT count(*) FROM placement_runs")[0][0] > 0 and \
                query(restock.db, "SELECT count(*) FROM orders WHERE status = 'unsent' "
                                  "AND place_date = ?", (today,))[0][0] == 0:
            break
        time.sleep(0.2)
    time.sleep(1.5)  # a tick of each node after the run: nothing more may happen
    assert all(node.running for node in nodes)
    restock_product = cli.ok("product", "get", "--merchant", pid, "LIMITED")
    assert restock_product["inventory"] == 0
    placed = cli.ok("orders", "list", "--merchant", pid, "--status", "placed")
    # orders list pages by 10 by default on HTTP; the CLI prints them all.
    assert len(placed) == units, len(placed)
    per_sub = query(
        restock.db,
        "SELECT i.subscription_id, count(*) FROM orders o JOIN order_items i "
        "ON i.merchant_id = o.merchant_id AND i.order_id = o.id JOIN merchants m "
        "ON m.id = o.merchant_id WHERE m.public_id = ? AND o.place_date = ? "
        "GROUP BY i.subscription_id", (pid, today))
    assert len(per_sub) == n and all(c == 1 for _, c in per_sub)


@pytest.mark.exclusive  # the restart cuts every other test's connections: run alone
@pytest.mark.skipif(BACKEND != "postgresql" or not os.environ.get("RESTOCK_TEST_PG_DIR"),
                    reason="restarts the PostgreSQL test server (scripts/test-postgres)")
def test_postgres_restart_during_update_load_loses_no_acknowledged_update(restock):
    threads_n = 4
    product_ids = [f"R{t}" for t in range(threads_n)]
    for pid in product_ids:
        restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", pid,
                       "--inventory", "0")
    server = restock.server
    load = UpdateLoad(product_ids, lambda pid, n, session: restock.patch(
        [{"product_id": pid, "inventory": n}], server=server, session=session, timeout=15))
    load.start()
    time.sleep(1.5)
    before = load.total_acked()
    restart = subprocess.run([str(REPO_ROOT / "scripts" / "pg-cluster"), "restart",
                              os.environ["RESTOCK_TEST_PG_DIR"]], capture_output=True, text=True,
                             timeout=120)
    assert restart.returncode == 0, restart.stderr
    time.sleep(2.5)
    load.stop()
    assert not load.bad, load.bad
    assert server.running, server.stderr_tail()
    # The load went on after it.
    assert before > 0 and load.total_acked() > before, (before, load.acked, load.codes)
    load.check_stored(lambda pid: restock.product(pid)["inventory"])
    # The server recovered: a fresh update is acknowledged.
    assert results(restock.patch([{"product_id": "R0", "inventory": 10**6}], server=server)) == \
        [{"product_id": "R0", "status": 200}]
