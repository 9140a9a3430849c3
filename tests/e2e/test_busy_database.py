"""A database another process holds a lock on (README "Operations"): requests that must write
wait at most --sqlite-busy-timeout-ms, then get 503 with Retry-After and change nothing; once
the lock is gone they work again. SQLite only: the lock is taken with Python's sqlite3, a
process that is not restock."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest

from harness import BACKEND, assert_detail, results

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="a SQLite file lock")

QUIET = ("--scheduler", "false", "--webhooks", "false")


@contextmanager
def exclusive_lock(path):
    """Holds SQLite's write lock on `path` (BEGIN EXCLUSIVE) until the block ends."""
    con = sqlite3.connect(str(path), timeout=5, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        yield
        con.execute("ROLLBACK")
    finally:
        con.close()


def timed_patch(restock, body):
    start = time.monotonic()
    r = restock.patch(body)
    return r, time.monotonic() - start


def busy_answer(r) -> None:
    assert_detail(r, 503)
    assert r.headers.get("Retry-After") == "1", dict(r.headers)


def test_a_write_against_a_locked_database_is_503_after_the_busy_timeout(restock):
    restock.serve(*QUIET, "--sqlite-busy-timeout-ms", "400")
    assert restock.product("P1")["live"] is True
    with exclusive_lock(restock.db):
        r, waited = timed_patch(restock, [{"product_id": "P1", "live": False}])
        busy_answer(r)
        assert 0.4 <= waited < 2.5, f"waited {waited:.2f} s for a 400 ms busy timeout"
        # Other writes (not the batch path) answer the same way.
        sub = restock.request("POST", "/subscriptions/",
                              headers={**restock.a.key_headers(),
                                       "content-type": "application/json"},
                              json={"customer": "c1", "product_id": "P2", "every": 1,
                                    "period": "month", "start": "2026-12-01"})
        busy_answer(sub)
    # Nothing of the refused requests was applied; the next one goes through.
    assert restock.product("P1")["live"] is True
    assert restock.request("GET", "/orders/", headers=restock.a.key_headers()).json()[
        "results"] == []
    assert results(restock.patch([{"product_id": "P1", "live": False}])) == [
        {"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_the_default_busy_wait_is_a_few_seconds(restock):
    restock.serve(*QUIET)
    with exclusive_lock(restock.db):
        r, waited = timed_patch(restock, [{"product_id": "P1", "live": False}])
    busy_answer(r)
    assert waited < 8, f"waited {waited:.2f} s (the default is 3 s)"
    assert restock.product("P1")["live"] is True


def test_a_lock_released_within_the_timeout_is_waited_for(restock):
    restock.serve(*QUIET, "--sqlite-busy-timeout-ms", "10000")
    con = sqlite3.connect(str(restock.db), timeout=5, isolation_level=None,
                          check_same_thread=False)
    try:
        con.execute("BEGIN EXCLUSIVE")
        release = threading.Timer(0.5, lambda: con.execute("ROLLBACK"))
        release.start()
        r = restock.patch([{"product_id": "P1", "live": False}])
        release.join()
    finally:
        con.close()
    assert results(r) == [{"product_id": "P1", "status": 200}]


@pytest.mark.parametrize("value", ["0", "-1", "600001", "soon"])
def test_serve_refuses_a_bad_busy_timeout(restock, value):
    r = restock.cli.run("serve", "--listen", "127.0.0.1:0", "--sqlite-busy-timeout-ms", value)
    assert r.rc == 2, r.describe()
    assert "--sqlite-busy-timeout-ms" in r.stderr, r.describe()
    assert not r.stdout.strip(), r.describe()
