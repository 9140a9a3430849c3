#!/usr/bin/env python3
"""Webhook isolation between merchants (docs/webhooks.md, "Endpoints are isolated"), short.

1. Slow receiver: merchant A's endpoint never answers within the timeout (it sleeps 30 s),
   with 40 events queued; merchant B changes a product every 0.5 s. Reports B's delivery
   latency (change acknowledged -> request at B's receiver), default delivery settings.
2. Disabled backlog: 200,000 pending rows of a disabled endpoint; reports the idle CPU of
   `serve` over 5 s and the latency of single PATCHes (p50 / p99 of 200).

Usage: bench/webhook_isolation.py [--restock build/release/restock] [--rounds 20]
                                  [--rows 200000] [--only slow|backlog]
Prints one line per measurement and a final `BENCH_RESULT {...}` line.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECEIVER = ROOT / "tests" / "e2e" / "webhook_receiver.py"
ENV = {**os.environ, "RESTOCK_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8"}


def cli(binary: str, db: pathlib.Path, *args: str) -> dict:
    """Runs `restock WORDS... --db DB OPTIONS...` and returns its JSON output."""
    n = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    out = subprocess.run([binary, *args[:n], "--db", str(db), *args[n:]], env=ENV, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else {}


class Receiver:
    def __init__(self, tmp: pathlib.Path, name: str, sleep: float = 0, fail: bool = False):
        self.out = tmp / f"{name}.jsonl"
        args = [sys.executable, str(RECEIVER), "--out", str(self.out), "--sleep", str(sleep)]
        if fail:
            args += ["--fail-first", "1000000", "--fail-mode", "timeout"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{json.loads(self.proc.stdout.readline())['port']}/h"

    def arrivals(self) -> list[dict]:
        if not self.out.exists():
            return []
        out = []
        for line in self.out.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # a line being written
        return out

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


class Serve:
    def __init__(self, binary: str, db: pathlib.Path, *args: str):
        self.proc = subprocess.Popen([binary, "serve", "--db", str(db), "--listen", "127.0.0.1:0",
                                      "--scheduler", "false", "--rate-limit-merchant", "0",
                                      "--rate-limit-client", "0", *args],
                                     env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.base = "http://" + json.loads(self.proc.stdout.readline())["listen"]

    def cpu_seconds(self) -> float:
        fields = pathlib.Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def patch(base: str, key: str, body: list) -> None:
    r = requests.patch(base + "/products-batch/update/", data=json.dumps(body),
                       headers={"x-api-key": key, "content-type": "application/json"})
    assert r.status_code == 207, r.text


def setup(binary: str, db: pathlib.Path) -> dict[str, str]:
    cli(binary, db, "init")
    keys = {}
    for m, product in (("a", "PA"), ("b", "PB")):
        cli(binary, db, "merchant", "add", "--public-id", m)
        keys[m] = cli(binary, db, "api-key", "add", "--merchant", m)["key"]
        cli(binary, db, "product", "add", "--merchant", m, "--product-id", product,
            "--inventory", "10")
    return keys


def slow_receiver(binary: str, tmp: pathlib.Path, rounds: int) -> dict:
    db = tmp / "slow.db"
    keys = setup(binary, db)
    rx_a, rx_b = Receiver(tmp, "a", sleep=30, fail=True), Receiver(tmp, "b")
    for m, rx in (("a", rx_a), ("b", rx_b)):
        cli(binary, db, "webhook", "add", "--merchant", m, "--url", rx.url, "--events",
            "product.stock_changed")
    server = Serve(binary, db)
    try:
        patch(server.base, keys["a"], [{"product_id": "PA", "inventory": i} for i in range(40)])
        latencies = []
        for i in range(rounds):
            seen = len(rx_b.arrivals())
            t0 = time.time()
            patch(server.base, keys["b"], [{"product_id": "PB", "inventory": 100 + i}])
            deadline = time.monotonic() + 120
            while len(rx_b.arrivals()) == seen and time.monotonic() < deadline:
                time.sleep(0.005)
            latencies.append(rx_b.arrivals()[-1]["arrived"] - t0)
            time.sleep(0.5)
    finally:
        server.stop()
        rx_a.stop()
        rx_b.stop()
    return {"b_latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
            "b_latency_max_ms": round(max(latencies) * 1000, 1), "rounds": rounds}


def disabled_backlog(binary: str, tmp: pathlib.Path, rows: int) -> dict:
    db = tmp / "backlog.db"
    keys = setup(binary, db)
    hook = cli(binary, db, "webhook", "add", "--merchant", "a", "--url", "http://192.0.2.1/h",
               "--events", "product.stock_changed")["id"]
    cli(binary, db, "webhook", "disable", "--merchant", "a", "--id", str(hook))
    con = sqlite3.connect(str(db))
    merchant = con.execute("SELECT id FROM merchants WHERE public_id = 'a'").fetchone()[0]
    now = int(time.time() * 1e6)
    con.executemany(
        "INSERT INTO webhook_outbox (merchant_id, endpoint_id, event_id, event_type, body, "
        "created, status, attempts, next_attempt_at) VALUES (?, ?, ?, 'product.stock_changed', "
        "'{}', ?, 'pending', 0, ?)",
        ((merchant, hook, f"evt_{i}", now, now) for i in range(rows)))
    con.commit()
    con.close()
    server = Serve(binary, db, "--webhook-poll-ms", "1000")
    try:
        time.sleep(2)
        c0 = server.cpu_seconds()
        time.sleep(5)
        idle_cpu = (server.cpu_seconds() - c0) / 5
        times = []
        for i in range(200):
            t0 = time.perf_counter()
            patch(server.base, keys["b"], [{"product_id": "PB", "inventory": i}])
            times.append(time.perf_counter() - t0)
    finally:
        server.stop()
    times.sort()
    return {"disabled_rows": rows, "idle_cpu_fraction": round(idle_cpu, 3),
            "patch_p50_ms": round(times[len(times) // 2] * 1000, 2),
            "patch_p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--restock", default=str(ROOT / "build" / "release" / "restock"))
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--only", choices=["slow", "backlog"], help="run one of the two parts")
    args = ap.parse_args()
    slow, backlog = {}, {}
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        if args.only != "backlog":
            slow = slow_receiver(args.restock, tmp, args.rounds)
            print("slow receiver:", slow, flush=True)
        if args.only != "slow":
            backlog = disabled_backlog(args.restock, tmp, args.rows)
            print("disabled backlog:", backlog, flush=True)
    print("BENCH_RESULT " + json.dumps({**slow, **backlog}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
