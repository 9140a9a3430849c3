"""bench/run's hand-off step (issue 21; method in BENCHMARKS.md, "Hand-off").

N due orders (placement_bench --build-only: one product with stock for all of them, so every
order is placed) with a placement target on an nginx answering every POST with a fixed
Ordergroove SUCCESS document; `restock place-orders` decides them and hands them off before it
exits. Measured: its wall time and peak RSS (the child's ru_maxrss), and the hand-off's
orders/s from nginx's access log (the time between the first and the last request it
received). Beside it, on the same nginx location: the ceiling, wrk POSTing a body of the
documents' median size with as many connections as the target's concurrency.
"""
from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess
import time
from typing import Any

import procs
from procs import BenchError, log

# The answer docs/handoff.md reads as `placed` (tests/e2e/merchant_platform.py's "ok").
SUCCESS = "<order><code>SUCCESS</code><orderId>M-1</orderId></order>"
LOG_FORMAT = "log_format handoff '$msec $content_length $request_length';\n"


def _location(log_path: pathlib.Path) -> str:
    # `return` reads the request body off the connection and discards it; the access log is
    # buffered (one write per 64 KiB, flushed each second).
    return ("        location = /og/ { default_type application/xml; "
            f"access_log {log_path} handoff buffer=64k flush=1s; "
            f"return 200 '{SUCCESS}'; }}\n")


def _received(log_path: pathlib.Path) -> dict[str, Any]:
    times, bodies, requests = [], [], []
    for line in log_path.read_text().splitlines():
        msec, body, request = line.split()
        times.append(float(msec))
        bodies.append(int(body) if body.isdigit() else 0)
        requests.append(int(request))
    if not times:
        raise BenchError(f"nginx received no hand-off request ({log_path})")
    return {"requests": len(times), "first": min(times), "last": max(times),
            "body_bytes_median": int(statistics.median(bodies)),
            "request_bytes_median": int(statistics.median(requests))}


def _wrk_post(url: str, body_bytes: int, connections: int, seconds: float) -> dict[str, Any]:
    env = dict(os.environ, BENCH_PATH="/og/", BENCH_BODY_BYTES=str(body_bytes))
    out = procs.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections),
                     "-d", f"{max(1, round(seconds))}s", "--timeout", "30s",
                     "-s", str(procs.BENCH_DIR / "wrk" / "post.lua"), url],
                    env=env, timeout=seconds + 120)
    r = procs.bench_result(out)
    if r["non_200"] or r["socket_errors"] or r["timeouts"]:
        raise BenchError(f"ceiling: nginx answered {r['non_200']} non-200, "
                         f"{r['socket_errors']} socket errors, {r['timeouts']} timeouts")
    r["requests_per_s"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
    return r


def _place_orders(restock_bin: pathlib.Path, db: str, merchant: str, date: str,
                  log_path: pathlib.Path) -> tuple[dict[str, Any], float, int]:
    """Runs place-orders; returns its summary, wall seconds and peak RSS in KiB."""
    with log_path.open("w") as err:
        start = time.monotonic()
        proc = subprocess.Popen([str(restock_bin), "place-orders", "--db", db,
                                 "--merchant", merchant, "--date", date,
                                 "--allow-private-targets", "127.0.0.1/32"],
                                stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_path.read_text().strip().splitlines()[-5:]
        raise BenchError(f"place-orders exited {proc.returncode}: {' | '.join(tail)}")
    return json.loads(out), seconds, usage.ru_maxrss


def run(restock_bin: pathlib.Path, placement_bench: pathlib.Path, db: str,
        work: pathlib.Path, out: pathlib.Path, orders: int, concurrency: int,
        ceiling_seconds: float) -> dict[str, Any]:
    log(f"hand-off: seeding {orders:,} due orders")
    built = procs.bench_result(procs.run([str(placement_bench), "--orders", str(orders),
                                          "--inventory", str(orders), "--db", db,
                                          "--build-only", "1"]))
    log(f"  built in {built['build_seconds']} s")
    port = procs.free_port()
    log_path = work / "nginx-handoff" / "logs" / "handoff.log"
    nginx = procs.Nginx(work, port, [], workers=os.cpu_count() or 2, name="nginx-handoff",
                        http_extra=LOG_FORMAT, locations_extra=_location(log_path))
    try:
        procs.run([str(restock_bin), "merchant", "update", "--db", db,
                   "--public-id", built["merchant"],
                   "--placement-url", f"http://127.0.0.1:{port}/og/",
                   "--placement-concurrency", str(concurrency),
                   "--allow-private-targets", "127.0.0.1/32"])
        summary, seconds, rss_kib = _place_orders(restock_bin, db, built["merchant"],
                                                  built["place_date"], out / "place-orders.log")
        if summary.get("placed") != orders or summary.get("handed_off") != orders:
            raise BenchError(f"place-orders placed {summary.get('placed')} and handed off "
                             f"{summary.get('handed_off')} of {orders} orders: {summary}")
        time.sleep(1.5)  # nginx flushes its access log each second
        got = _received(log_path)
        if got["requests"] != orders:
            raise BenchError(f"nginx received {got['requests']} requests for {orders} orders")
        span = got["last"] - got["first"]
        rate = orders / span if span > 0 else float(orders)
        log(f"  place-orders: {seconds:.2f} s end to end, peak RSS {rss_kib / 1024:.1f} MiB; "
            f"hand-off {span:.2f} s = {rate:,.0f} orders/s "
            f"(documents: median {got['body_bytes_median']} bytes)")
        ceiling = _wrk_post(nginx.url, got["body_bytes_median"], concurrency, ceiling_seconds)
        log(f"  ceiling: nginx {ceiling['requests_per_s']:,.0f} POST/s at {concurrency} "
            f"connections; hand-off / ceiling = {rate / ceiling['requests_per_s']:.3f}")
    finally:
        nginx.stop()
    return {"orders": orders, "concurrency": concurrency, "seconds": round(seconds, 2),
            "peak_rss_mib": round(rss_kib / 1024, 1), "build_seconds": built["build_seconds"],
            "handoff_seconds": round(span, 2), "handoff_orders_per_s": round(rate, 1),
            "body_bytes_median": got["body_bytes_median"],
            "request_bytes_median": got["request_bytes_median"],
            "ceiling": {k: ceiling[k] for k in ("requests_per_s", "requests", "p50_us",
                                                "p99_us")},
            "ratio": round(rate / ceiling["requests_per_s"], 3), "summary": summary}
