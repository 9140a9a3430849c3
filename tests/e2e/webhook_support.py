"""Helpers of the webhook end-to-end tests: a receiver process (webhook_receiver.py), the
outbox and attempt rows of the database, and polling with a deadline."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from harness import BACKEND

HERE = Path(__file__).resolve().parent

# serve flags that make delivery fast enough to test retries in seconds.
FAST = ["--webhook-timeout-ms", "400", "--webhook-first-retry-ms", "50",
        "--webhook-max-retry-ms", "200", "--webhook-poll-ms", "50",
        "--webhook-lease-margin-ms", "500"]


def wait_for(predicate: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """webhook_receiver.py in a subprocess."""

    def __init__(self, workdir: Path, *, secrets: list[str] = (), port: int = 0,
                 fail_first: int = 0, fail_mode: str = "500", sleep: float = 1.0,
                 name: str = "receiver"):
        self.out = workdir / f"{name}.jsonl"
        args = [sys.executable, str(HERE / "webhook_receiver.py"), "--out", str(self.out),
                "--port", str(port), "--fail-first", str(fail_first), "--fail-mode", fail_mode,
                "--sleep", str(sleep)]
        for s in secrets:
            args += ["--secret", s]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        self.port = json.loads(line)["port"]
        self.url = f"http://127.0.0.1:{self.port}/hooks/restock"

    def records(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(l) for l in self.out.read_text().splitlines() if l.strip()]

    def accepted(self) -> list[dict[str, Any]]:
        """Requests answered 2xx in time: the deliveries restock counts as delivered."""
        return [r for r in self.records() if r["status"] == 200 and not r["late"]]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


def rows(db: Path | str, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Rows as dicts on either backend (`?` placeholders)."""
    if BACKEND == "sqlite":
        con = sqlite3.connect(str(db), timeout=10)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(sql, params).fetchall()]
        finally:
            con.close()
    import psycopg2
    import psycopg2.extras
    pg = psycopg2.connect(str(db))
    try:
        with pg.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(sql.replace("?", "%s"), params)
            return [dict(r) for r in cur.fetchall()]
    finally:
        pg.close()


def outbox(db: Path) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM webhook_outbox ORDER BY id")


def attempts(db: Path) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM webhook_attempts ORDER BY id")
