"""The group-commit metrics on /metrics (README "Operations": `restock_commit_group_size`,
requests per group commit, a histogram; `restock_commit_groups_total`). By construction
every batch PATCH is one work for the writer and every group commit is observed once in
both series, so: histogram count == groups total; histogram sum == the works committed;
a client that waits for each answer before sending the next gets groups of one. No work of
these loads fails, so no group is replayed (`restock_commit_group_replays_total`, SQLite's
groups run without savepoints unless a work fails: docs/decisions.md)."""

from __future__ import annotations

import re
import threading

import requests

from harness import results
from webhook_support import wait_for

NAME = "restock_commit_group_size"
# Every write commits through the writer, the background ones too (webhook deliveries and
# history pruning, the scheduler's placement): off here, so only the tests' requests commit.
QUIET = ("--scheduler", "false", "--webhooks", "false")
BOUNDS = ["1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "+Inf"]


def commit_metrics(restock) -> dict:
    """{"buckets": {le: count}, "sum", "count", "groups"} parsed from /metrics."""
    resp = restock.request("GET", "/metrics")
    assert resp.status_code == 200, resp.text
    text = resp.text
    assert re.search(rf"^# TYPE {NAME} histogram$", text, re.MULTILINE), text
    assert re.search(r"^# TYPE restock_commit_groups_total counter$", text, re.MULTILINE), text
    assert re.search(r"^# TYPE restock_commit_group_replays_total counter$", text,
                     re.MULTILINE), text

    def value(pattern: str) -> float:
        m = re.findall(rf"^{pattern}\s+([0-9.eE+-]+)\s*$", text, re.MULTILINE)
        assert len(m) == 1, (pattern, text)
        return float(m[0])

    buckets = {le: value(rf'{NAME}_bucket\{{le="{re.escape(le)}"\}}') for le in BOUNDS}
    return {"buckets": buckets, "sum": value(f"{NAME}_sum"), "count": value(f"{NAME}_count"),
            "groups": value("restock_commit_groups_total"),
            "replays": value("restock_commit_group_replays_total")}


def check_consistent(m: dict) -> None:
    counts = [m["buckets"][le] for le in BOUNDS]
    assert counts == sorted(counts), f"buckets are cumulative: {m}"
    assert m["buckets"]["+Inf"] == m["count"] == m["groups"], m
    # Each group holds at least one work, and at most 512 in these tests' loads.
    assert m["count"] <= m["sum"] <= 512 * m["count"], m


def patch_name(restock, i: int, session=None) -> None:
    # Names only: no stock event, so nothing else (restock trigger, webhooks) commits.
    body = [{"product_id": "P2", "name": f"name {i}"}]
    assert [r["status"] for r in results(restock.patch(body, session=session))] == [200]


def test_sequential_requests_are_groups_of_one(restock):
    restock.serve(*QUIET)
    start = commit_metrics(restock)
    check_consistent(start)
    n = 6
    for i in range(n):
        patch_name(restock, i)
    # The writer observes a group right after answering its requests: wait for the last.
    m = wait_for(lambda: (lambda x: x if x["groups"] >= start["groups"] + n else None)(
        commit_metrics(restock)), 10, f"{n} more groups")
    check_consistent(m)
    assert m["groups"] - start["groups"] == n, m
    assert m["sum"] - start["sum"] == n, m
    assert m["buckets"]["1"] - start["buckets"]["1"] == n, m
    assert m["replays"] == start["replays"], m


def test_concurrent_requests_all_counted_once(restock):
    restock.serve(*QUIET)
    start = commit_metrics(restock)
    threads, per_thread = 8, 10
    errors: list[BaseException] = []

    def client(t: int) -> None:
        try:
            with requests.Session() as s:
                for i in range(per_thread):
                    patch_name(restock, t * 100 + i, session=s)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not errors, errors
    total = threads * per_thread
    m = wait_for(lambda: (lambda x: x if x["sum"] >= start["sum"] + total else None)(
        commit_metrics(restock)), 10, f"{total} more works")
    check_consistent(m)
    works, groups = m["sum"] - start["sum"], m["groups"] - start["groups"]
    assert works == total, m  # every request's work counted exactly once
    assert 1 <= groups <= total, m
    assert m["count"] - start["count"] == groups, m
    assert m["replays"] == start["replays"], m
