"""The backup advice of README "Operations": "the database is one SQLite file in WAL mode;
use `sqlite3 restock.db ".backup copy.db"` while it runs". Done exactly so, with the sqlite3
shell, against a serving restock under a light write load: the copy is a sound database that
restock opens, and it holds every update acknowledged before the backup started."""

from __future__ import annotations

import subprocess
import threading

import pytest
import requests

from harness import Cli, query, results
from webhook_support import wait_for


@pytest.mark.sqlite_only
def test_sqlite3_backup_while_serving_keeps_acknowledged_updates(restock, tmp_path):
    server = restock.server
    acked = [0]  # the last inventory value of P1 acknowledged with a 207
    sent = [0]
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with requests.Session() as s:
                i = 0
                while not stop.is_set():
                    i += 1
                    sent[0] = i
                    body = [{"product_id": "P1", "inventory": i}]
                    assert results(restock.patch(body, session=s)) == \
                        [{"product_id": "P1", "status": 200}]
                    acked[0] = i
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        # Under load: wait for some acknowledged updates first.
        wait_for(lambda: acked[0] >= 20 or errors, 30, "20 acknowledged updates")
        assert not errors, errors
        before = acked[0]
        copy = tmp_path / "copy.db"
        proc = subprocess.run(["sqlite3", str(restock.db), f".backup {copy}"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        # The load went on during the backup.
        wait_for(lambda: acked[0] >= before + 5 or errors, 30, "updates after the backup")
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    assert server.running

    assert query(copy, "PRAGMA integrity_check") == [("ok",)]
    # restock opens the copy (and finds its schema current) and has at least what was
    # acknowledged before the backup began, never more than was sent.
    p1 = Cli(copy, tmp_path).ok("product", "get", "--merchant", restock.a.public_id, "P1")
    assert before <= p1["inventory"] <= sent[0], (before, p1, sent[0])
    # A consistent snapshot: each change up to it left its stock event (the seed's 10 is
    # followed by 1, 2, 3, …), the last of them ending where the product is.
    events = [r[0] for r in query(copy, "SELECT inventory FROM stock_events WHERE product_id = "
                                        "'P1' ORDER BY id")]
    expected = list(range(1, p1["inventory"] + 1))
    assert events == expected, (events[-5:], p1)
    # The live database went on: it has everything acknowledged during and after the copy.
    assert restock.product("P1")["inventory"] == acked[0] == sent[0]

