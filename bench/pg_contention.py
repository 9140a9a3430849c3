#!/usr/bin/python3
"""bench/pg_contention.py — contended locking on PostgreSQL (docs/scaling.md, "Lock order").

    bench/pg_contention.py --db postgresql://user@host/postgres sql    [--products N] [--waiters W]
    bench/pg_contention.py --db postgresql://user@host/postgres nodes  [--bin build/x/restock]
                           [--nodes N] [--seconds S] [--batch N]

`sql` measures the two shapes of "lock these products" against each other, without restock:
one session updates N products and holds them; W sessions then ask for the same N rows
`FOR UPDATE` and wait; the holder commits and the time until every waiter has its rows is
reported. Shape `any` is `product_id = ANY($1) ORDER BY product_id FOR UPDATE` (what restock
used to send), shape `lateral` one primary-key lookup per element of a sorted array
(TxContext::LockInOrder / PgProductRepo::FindMany). Same rows, same waits; what differs is
the re-check each waiter makes for every row changed meanwhile.

`nodes` starts N `restock serve` nodes on one new database and, for S seconds, sends from
every node at once: batches of the same `--batch` products (the large-batch case), 2-element
batches over two hot products in both element orders, and single updates of another
merchant's product. It prints per scenario requests, p50/max latency, answers other than 207
with every element 200, and each node's `restock_db_deadlocks_total`.

Each database this script creates is dropped at the end. Output: one Markdown table.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import psycopg2
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def admin(url: str, sql: str) -> None:
    con = psycopg2.connect(url)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(sql)
    con.close()


# --------------------------------------------------------------------------------- sql mode

# Prepared with a parameter and planned generically, as restock's group writer runs them
# (plan_cache_mode = force_generic_plan, docs/decisions.md).
SHAPES = {
    "any": "SELECT product_id FROM products WHERE merchant_id = 1 AND product_id = ANY($1) "
           "ORDER BY product_id FOR UPDATE",
    "lateral": "SELECT p.product_id FROM unnest($1::text[]) AS u(id) CROSS JOIN LATERAL "
               "(SELECT product_id FROM products WHERE merchant_id = 1 AND product_id = u.id "
               "FOR UPDATE) p",
}


def prepare(cur, sql: str) -> None:
    cur.execute("SET plan_cache_mode = force_generic_plan")
    cur.execute(f"PREPARE q(text[]) AS {sql}")


def sql_mode(url: str, products: int, waiters: int) -> list[tuple]:
    name = f"bench_contention_{int(time.time())}"
    admin(url, f'CREATE DATABASE "{name}"')
    db = with_database(url, name)
    rows = []
    try:
        con = psycopg2.connect(db)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("CREATE TABLE products (merchant_id bigint, product_id text COLLATE \"C\", "
                        "inventory bigint, PRIMARY KEY (merchant_id, product_id))")
            cur.execute("INSERT INTO products SELECT 1, 'p' || lpad(g::text, 6, '0'), 0 "
                        "FROM generate_series(1, %s) g", (products,))
            cur.execute("ANALYZE products")
        ids = sorted(f"p{g:06d}" for g in range(1, products + 1))
        for shape, sql in SHAPES.items():
            # Uncontended first: the statement alone.
            with con.cursor() as cur:
                cur.execute("DEALLOCATE ALL")
                prepare(cur, sql)
                cur.execute("BEGIN")
                start = time.perf_counter()
                cur.execute("EXECUTE q(%s)", (ids,))
                alone = time.perf_counter() - start
                cur.execute("ROLLBACK")
            holder = psycopg2.connect(db)
            hcur = holder.cursor()
            hcur.execute("UPDATE products SET inventory = inventory + 1 WHERE merchant_id = 1")
            done: list[float] = []
            started = threading.Barrier(waiters + 1)

            def wait_for_rows() -> None:
                c = psycopg2.connect(db)
                cur = c.cursor()
                prepare(cur, sql)
                c.commit()
                started.wait()
                cur.execute("EXECUTE q(%s)", (ids,))
                assert cur.rowcount == products
                done.append(time.perf_counter())
                c.commit()  # releases the rows for the next waiter
                c.close()

            threads = [threading.Thread(target=wait_for_rows) for _ in range(waiters)]
            for t in threads:
                t.start()
            started.wait()
            time.sleep(0.5)  # every waiter is blocked on the holder's rows by now
            release = time.perf_counter()
            holder.commit()
            holder.close()
            for t in threads:
                t.join()
            rows.append((shape, products, waiters, f"{alone * 1000:.0f} ms",
                         f"{(max(done) - release) * 1000:.0f} ms"))
        con.close()
    finally:
        admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return rows


# ------------------------------------------------------------------------------- nodes mode


def cli(binary: str, db: str, *args: str) -> str:
    return subprocess.run([binary, *args, "--db", db], check=True, capture_output=True,
                          text=True, timeout=300).stdout


def start_node(binary: str, db: str, log: pathlib.Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:0",
                             "--scheduler", "false", "--rate-limit-merchant", "0",
                             "--rate-limit-client", "0"], stdout=subprocess.PIPE,
                            stderr=open(log, "wb"), text=True)
    line = proc.stdout.readline()
    return proc, "http://" + json.loads(line)["listen"]


def deadlocks(base: str) -> str:
    for line in requests.get(base + "/metrics", timeout=10).text.splitlines():
        if line.startswith("restock_db_deadlocks_total "):
            return line.split()[-1]
    return "n/a"


def nodes_mode(url: str, binary: str, nodes: int, seconds: float, batch: int) -> list[tuple]:
    name = f"bench_nodes_{int(time.time())}"
    admin(url, f'CREATE DATABASE "{name}"')
    db = with_database(url, name)
    tmp = pathlib.Path(f"/tmp/{name}")
    tmp.mkdir(exist_ok=True)
    procs: list[subprocess.Popen] = []
    try:
        cli(binary, db, "init")
        keys = {}
        for m in ("a", "b"):
            cli(binary, db, "merchant", "add", "--public-id", m)
            keys[m] = json.loads(cli(binary, db, "api-key", "add", "--merchant", m))["key"]
        feed = tmp / "products.jsonl"
        feed.write_text("".join(json.dumps({"product_id": f"p{i:05d}", "inventory": 0}) + "\n"
                                for i in range(batch)))
        for m in ("a", "b"):
            cli(binary, db, "product", "import", "--merchant", m, str(feed))
        bases = []
        for n in range(nodes):
            proc, base = start_node(binary, db, tmp / f"node{n}.log")
            procs.append(proc)
            bases.append(base)
        stats: dict[str, list] = {"large": [], "hot": [], "other": []}
        bad: dict[str, int] = {"large": 0, "hot": 0, "other": 0}
        deadline = time.monotonic() + seconds
        lock = threading.Lock()

        def client(kind: str, base: str, key: str, make) -> None:
            s = requests.Session()
            i = 0
            while time.monotonic() < deadline:
                body = make(i)
                start = time.perf_counter()
                r = s.patch(base + "/products-batch/update/", json=body, timeout=120,
                            headers={"x-api-key": key})
                elapsed = time.perf_counter() - start
                ok = r.status_code == 207 and all(x["status"] == 200
                                                  for x in r.json()["results"])
                with lock:
                    stats[kind].append(elapsed)
                    bad[kind] += 0 if ok else 1
                i += 1

        rng = random.Random(1)
        large_ids = [f"p{i:05d}" for i in range(batch)]

        def large(i: int) -> list:
            ids = large_ids[:]
            rng.shuffle(ids)
            return [{"product_id": p, "inventory": i} for p in ids]

        threads = []
        for n, base in enumerate(bases):
            threads.append(threading.Thread(target=client, args=("large", base, keys["a"], large)))
            for order in (["p00000", "p00001"], ["p00001", "p00000"]):
                threads.append(threading.Thread(target=client, args=(
                    "hot", base, keys["a"],
                    lambda i, o=order: [{"product_id": p, "inventory": i} for p in o])))
            threads.append(threading.Thread(target=client, args=(
                "other", base, keys["b"], lambda i: [{"product_id": "p00002", "inventory": i}])))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        locks = ", ".join(deadlocks(b) for b in bases)
        rows = []
        for kind, times in stats.items():
            rows.append((kind, nodes, len(times),
                         f"{statistics.median(times) * 1000:.0f} ms" if times else "-",
                         f"{max(times) * 1000:.0f} ms" if times else "-", bad[kind], locks))
        return rows
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL superuser URL")
    sub = parser.add_subparsers(dest="mode", required=True)
    sql = sub.add_parser("sql")
    sql.add_argument("--products", type=int, default=10_000)
    sql.add_argument("--waiters", type=int, default=2)
    nodes = sub.add_parser("nodes")
    nodes.add_argument("--bin", default=str(ROOT / "build/release/restock"))
    nodes.add_argument("--nodes", type=int, default=2)
    nodes.add_argument("--seconds", type=float, default=10)
    nodes.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    if args.mode == "sql":
        print("| shape | products | waiters | alone | last waiter done after release |")
        print("|---|---|---|---|---|")
        for row in sql_mode(args.db, args.products, args.waiters):
            print("| " + " | ".join(str(x) for x in row) + " |")
    else:
        print("| scenario | nodes | requests | p50 | max | not all 200 | deadlocks per node |")
        print("|---|---|---|---|---|---|---|")
        for row in nodes_mode(args.db, args.bin, args.nodes, args.seconds, args.batch):
            print("| " + " | ".join(str(x) for x in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
