"""Helpers for restock's end-to-end tests: one signer, one CLI runner, one server runner and
one HTTP request helper, shared by every test module through conftest.py.

The signer is written with Python's hmac/hashlib/base64 only, independent of the binary.
Everything is bounded in time: CLI calls, server start and stop, and HTTP requests.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import re
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Iterable

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]

# With RESTOCK_TEST_DB_URL=postgresql://… (a superuser's URL on a test server, e.g. from
# scripts/pg-cluster), every test gets a PostgreSQL database of its own instead of a SQLite
# file; the tests are the same.
PG_SERVER_URL = os.environ.get("RESTOCK_TEST_DB_URL", "")
BACKEND = "postgresql" if PG_SERVER_URL.startswith(("postgresql://", "postgres://")) else "sqlite"
ENDPOINT = "/products-batch/update/"

CLI_TIMEOUT_S = 30
START_TIMEOUT_S = 20
STOP_TIMEOUT_S = 10
HTTP_TIMEOUT_S = 15

# Seconds a signature stays valid before / after `now` (SPEC §2 defaults).
TS_MAX_AGE_S = 7200
TS_MAX_SKEW_S = 300

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

# The keys `restock product get` prints (SPEC §1 plus the documented extras).
PRODUCT_KEYS = {
    "product_id", "sku", "name", "price", "live", "discontinued", "autoship_enabled",
    "image_url", "detail_url", "inventory", "low_stock_threshold", "committed", "sellable",
    "created", "last_update",
}


# The first line of a report from AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer
# or ThreadSanitizer (scripts/build asan|tsan). With the options of scripts/sanitizer-env a
# report also aborts the process, but one printed at exit (a leak, a race during shutdown)
# would otherwise go unnoticed by a test that already passed.
SANITIZER_REPORT = re.compile(
    r"^.*(ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|"
    r"ThreadSanitizer: reported|ERROR: UndefinedBehaviorSanitizer|: runtime error: ).*$",
    re.MULTILINE)


def sanitizer_report(text: str) -> str | None:
    """The first sanitizer report line in `text` (a process's stderr), or None."""
    m = SANITIZER_REPORT.search(text)
    return m.group(0) if m else None


# Every Server started in this process, in order; conftest checks their stderr after each test.
STARTED_SERVERS: list["Server"] = []
# Every Server not yet garbage-collected, module-scoped ones included (conftest checks the
# responses of those running against docs/openapi.yaml).
ALL_SERVERS: "weakref.WeakSet[Server]" = weakref.WeakSet()


def restock_bin() -> Path:
    """The binary under test: $RESTOCK_BIN, else build/debug/restock."""
    return Path(os.environ.get("RESTOCK_BIN", REPO_ROOT / "build" / "debug" / "restock"))


# --------------------------------------------------------------------------- signing


def sign(secret: str, sig_field: str, ts: int | str) -> str:
    """base64(HMAC-SHA256(secret, f"{sig_field}|{ts}")), standard alphabet, padded."""
    digest = hmac.new(secret.encode(), f"{sig_field}|{ts}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def authorization(public_id: str, sig_field: str, secret: str, ts: int | str | None = None,
                  *, sig: str | None = None, ts_json: Any = None) -> str:
    """The `authorization` header value. `ts_json` overrides how ts is written in the JSON
    (e.g. as a string) while `ts` is what gets signed."""
    if ts is None:
        ts = int(time.time())
    if sig is None:
        sig = sign(secret, sig_field, ts)
    return json.dumps({
        "public_id": public_id,
        "ts": ts if ts_json is None else ts_json,
        "sig_field": sig_field,
        "sig": sig,
    })


@dataclasses.dataclass
class Merchant:
    """A merchant and the credentials the fixture created for it."""
    public_id: str
    hash_key: str
    username: str
    secret: str
    api_key: str = ""

    def user_headers(self, ts: int | None = None, **kw: Any) -> dict[str, str]:
        """API-user scope HMAC headers (the seed's)."""
        return {"authorization": authorization(self.public_id, self.username, self.secret, ts, **kw),
                "og-authorization": "True"}

    def customer_headers(self, customer: str, ts: int | None = None, **kw: Any) -> dict[str, str]:
        """Customer-scope signature (merchant hash key), no og-authorization."""
        return {"authorization": authorization(self.public_id, customer, self.hash_key, ts, **kw)}

    def key_headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key}


# --------------------------------------------------------------------------- CLI


@dataclasses.dataclass
class CliResult:
    args: list[str]
    rc: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"stdout of {self.args} is not JSON: {self.stdout!r} "
                                 f"(stderr {self.stderr!r})") from e

    def describe(self) -> str:
        return f"{self.args} -> exit {self.rc}\nstdout: {self.stdout!r}\nstderr: {self.stderr!r}"


# The tests' webhook receivers listen on loopback, which restock refuses as a target unless
# allowed (docs/security.md, "Outbound targets"): every CLI and server process gets this
# allowance; a test of the refusal itself overrides it with env={...: ""}.
LOOPBACK_TARGETS = "127.0.0.0/8,::1/128"


class Cli:
    """Runs `restock` subcommands against one database."""

    def __init__(self, db: Path | str | None, cwd: Path):
        self.db = db
        self.cwd = cwd

    def run(self, *args: str, db: bool = True, env: dict[str, str] | None = None) -> CliResult:
        """Runs `restock WORDS... [--db DB] OPTIONS...`; --db goes right after the command
        words (the leading arguments that do not start with '-')."""
        args = [str(a) for a in args]
        if db and self.db is not None:
            n = 0
            while n < len(args) and not args[n].startswith("-"):
                n += 1
            args = args[:n] + ["--db", str(self.db)] + args[n:]
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
        full_env["RESTOCK_ALLOW_PRIVATE_TARGETS"] = LOOPBACK_TARGETS
        full_env.update(env or {})
        proc = subprocess.run([str(restock_bin()), *args], cwd=self.cwd, env=full_env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S)
        report = sanitizer_report(proc.stderr)
        assert report is None, f"sanitizer report from {args}: {report}\n{proc.stderr[-4000:]}"
        return CliResult(args, proc.returncode, proc.stdout, proc.stderr)

    def ok(self, *args: str, **kw: Any) -> Any:
        """Runs a command that must succeed; returns its JSON output."""
        r = self.run(*args, **kw)
        assert r.rc == 0, r.describe()
        return r.json

    def fails(self, rc: int, *args: str, **kw: Any) -> CliResult:
        """Runs a command that must fail with exit code `rc` and a one-line message on stderr."""
        r = self.run(*args, **kw)
        assert r.rc == rc, r.describe()
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1, f"expected a one-line error message\n{r.describe()}"
        assert not r.stdout.strip(), f"expected nothing on stdout\n{r.describe()}"
        return r


# --------------------------------------------------------------------------- server


class Server:
    """One `restock serve` process on an ephemeral port."""

    def __init__(self, db: Path | str | None, workdir: Path, args: Iterable[str] = (),
                 env: dict[str, str] | None = None, name: str = "server"):
        """Starts `restock serve --db DB --listen 127.0.0.1:0 ARGS...` (no --db when `db` is
        None) and waits for its listen line."""
        self.stderr_path = workdir / f"{name}.stderr.log"
        self.stdout_path = workdir / f"{name}.stdout.log"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
        full_env["RESTOCK_ALLOW_PRIVATE_TARGETS"] = LOOPBACK_TARGETS
        full_env.update(env or {})
        args = list(args)
        # The daily scheduler would run placement on start-up (it is past 06:00 somewhere);
        # tests turn it on explicitly when they test it.
        if not any(str(a).startswith("--scheduler") for a in args):
            args += ["--scheduler", "false"]
        # Likewise the rate limits (600 batch calls/min per merchant by default) would throttle
        # load and durability tests; tests of the limits pass a --rate-limit-* flag, a
        # RESTOCK_RATE_LIMIT_* variable or a --config file, and then get the real defaults.
        if not any(str(a).startswith(("--rate-limit", "--config")) for a in args) and \
                not any(k.startswith("RESTOCK_RATE_LIMIT") for k in (env or {})):
            args += ["--rate-limit-merchant", "0", "--rate-limit-client", "0"]
        cmd = [str(restock_bin()), "serve", *(["--db", str(db)] if db is not None else []),
               "--listen", "127.0.0.1:0", *args]
        self._stderr = open(self.stderr_path, "wb")
        STARTED_SERVERS.append(self)
        self.proc = subprocess.Popen(cmd, cwd=workdir, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        try:
            self.listen_line = self._read_first_line(START_TIMEOUT_S)
            try:
                info = json.loads(self.listen_line)
                self.address = info["listen"]
            except (ValueError, KeyError, TypeError) as e:
                raise AssertionError(
                    f"first stdout line is not {{\"listen\": ...}}: {self.listen_line!r}") from e
            host, _, port = self.address.rpartition(":")
            assert host == "127.0.0.1" and port.isdigit() and int(port) > 0, self.address
        except BaseException:
            self.kill9()
            raise
        self.base_url = f"http://{self.address}"
        ALL_SERVERS.add(self)
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()

    def _read_first_line(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        buf = b""
        deadline = time.monotonic() + timeout
        try:
            while b"\n" not in buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"server printed no listen line within {timeout}s; "
                                         f"stdout so far {buf!r}; stderr: {self.stderr_tail()}")
                if not sel.select(remaining):
                    continue
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    self.proc.wait(timeout=STOP_TIMEOUT_S)
                    raise AssertionError(f"server exited with {self.proc.returncode} before "
                                         f"listening; stdout {buf!r}; stderr: {self.stderr_tail()}")
                buf += chunk
        finally:
            sel.close()
        line, _, self._stdout_rest = buf.partition(b"\n")
        return line.decode(errors="replace").strip()

    def _drain_stdout(self) -> None:
        # Keeps the pipe from filling up should the server ever write more to stdout.
        with open(self.stdout_path, "wb") as out:
            out.write(self._stdout_rest)
            try:
                for chunk in iter(lambda: os.read(self.proc.stdout.fileno(), 65536), b""):
                    out.write(chunk)
            except OSError:
                pass

    def stderr_tail(self, n: int = 30) -> str:
        try:
            lines = self.stderr_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def sanitizer_report(self) -> str | None:
        """The first sanitizer report line the server wrote to stderr so far, or None."""
        try:
            return sanitizer_report(self.stderr_path.read_text(errors="replace"))
        except OSError:
            return None

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT_S. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._close_pipes()
        return self.proc.returncode

    def kill9(self) -> None:
        """Crash the server: SIGKILL, no chance to flush anything."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._close_pipes()

    def _close_pipes(self) -> None:
        drain = getattr(self, "_drain", None)
        if drain is not None:
            drain.join(timeout=STOP_TIMEOUT_S)  # EOF follows the exit at once
        if not self.proc.stdout.closed and (drain is None or not drain.is_alive()):
            self.proc.stdout.close()
        self._stderr.close()

    def request(self, method: str, path: str, *, session: requests.Session | None = None,
                **kw: Any) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT_S)
        kw.setdefault("allow_redirects", False)
        return (session or requests).request(method, self.base_url + path, **kw)


# --------------------------------------------------------------------------- responses


def assert_detail(resp: requests.Response, status: int) -> None:
    """A whole-request error: that status and a JSON body {"detail": non-empty string}."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    try:
        body = resp.json()
    except ValueError as e:
        raise AssertionError(f"error body is not JSON: {resp.text!r}") from e
    assert isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"], body


def results(resp: requests.Response) -> list[dict[str, Any]]:
    """The per-element results of a 207, after checking the envelope."""
    assert resp.status_code == 207, (resp.status_code, resp.text)
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert set(body) == {"results"}, body
    assert isinstance(body["results"], list), body
    extra = {400: {"errors"}, 409: {"detail", "current"}}
    for r in body["results"]:
        assert set(r) == {"product_id", "status"} | extra.get(r.get("status"), set()), r
    return body["results"]


# --------------------------------------------------------------------------- raw HTTP


# Called with (method, target, first response) after each raw_exchange whose data begins with
# a well-formed request line (conftest.py checks the response against docs/openapi.yaml).
RAW_RESPONSE_HOOK = None
_REQUEST_LINE = re.compile(rb"^([A-Z]+) (/\S*) HTTP/1\.[01]\r\n")


@dataclasses.dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes


def raw_exchange(server: Server, data: bytes, timeout: float = HTTP_TIMEOUT_S) -> list[RawResponse]:
    """Sends `data` as-is on one connection and reads until the server closes it (end the
    last request with `connection: close`). Returns the responses in order; bodies are
    framed by content-length, which is what restock sends."""
    host, _, port = server.address.rpartition(":")
    received = b""
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            received += chunk
    responses = []
    while received:
        head, sep, rest = received.partition(b"\r\n\r\n")
        assert sep, f"incomplete response head: {received[:200]!r}"
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        responses.append(RawResponse(int(status_line.split()[1]), headers, rest[:length]))
        received = rest[length:]
    final = [r for r in responses if r.status >= 200]  # not 100 Continue
    request_line = _REQUEST_LINE.match(data)
    if RAW_RESPONSE_HOOK is not None and request_line and final:
        RAW_RESPONSE_HOOK(request_line.group(1).decode(), request_line.group(2).decode("latin-1"),
                          final[0])
    return responses


def raw_patch(auth: dict[str, str], body: bytes, *, extra: str = "", close: bool = True,
              path: str = ENDPOINT) -> bytes:
    """A PATCH request as bytes, with content-length framing unless `extra` sets its own."""
    lines = [f"PATCH {path} HTTP/1.1", "host: restock", "content-type: application/json"]
    lines += [f"{k}: {v}" for k, v in auth.items()]
    if "transfer-encoding" not in extra.lower():
        lines.append(f"content-length: {len(body)}")
    if close:
        lines.append("connection: close")
    head = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return head.encode() + body


# --------------------------------------------------------------------------- databases

_db_counter = 0
_created: list[str] = []  # PostgreSQL databases made by new_db() and not yet dropped


def _pg_admin(sql: str) -> None:
    import psycopg2  # only needed (and installed) for PostgreSQL runs
    con = psycopg2.connect(PG_SERVER_URL)
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(sql)
    finally:
        con.close()


def _pg_url(name: str) -> str:
    head, _, query = PG_SERVER_URL.partition("?")
    scheme, _, rest = head.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{name}" + (f"?{query}" if query else "")


def new_db(tmp: Path, name: str = "restock", template: "Path | str | None" = None) -> Path | str:
    """A new, empty database for `restock --db`: a file path under `tmp` on SQLite (not yet
    created), or the URL of a new PostgreSQL database (a copy of `template` when given).
    PostgreSQL databases are dropped by drop_new_dbs()."""
    global _db_counter
    if BACKEND == "sqlite":
        path = tmp / f"{name}.db"
        if template is not None:
            src = Path(template)
            for f in src.parent.iterdir():
                if f.name.startswith(src.name):
                    shutil.copyfile(f, tmp / (path.name + f.name[len(src.name):]))
        return path
    _db_counter += 1
    db = f"e2e_{os.getpid()}_{_db_counter}"
    tpl = f' TEMPLATE "{str(template).rsplit("/", 1)[1].split("?")[0]}"' if template else ""
    _pg_admin(f'CREATE DATABASE "{db}"{tpl}')
    _created.append(db)
    return _pg_url(db)


def drop_new_dbs(keep: Iterable[Path | str] = ()) -> None:
    """Drops the PostgreSQL databases new_db() made, except `keep` (connections are cut)."""
    keep_names = {str(k).rsplit("/", 1)[-1].split("?")[0] for k in keep}
    for db in [d for d in _created if d not in keep_names]:
        _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _created.remove(db)


def _pg_name(db: Path | str) -> str:
    return str(db).rsplit("/", 1)[-1].split("?")[0]


def hold_db(db: Path | str) -> None:
    """Keeps a database new_db() made out of drop_new_dbs() (the per-test clean-up) until
    release_db(): for module-scoped fixtures. No-op on SQLite."""
    if BACKEND == "postgresql":
        _created.remove(_pg_name(db))


def release_db(db: Path | str) -> None:
    """Hands a held database back to drop_new_dbs()."""
    if BACKEND == "postgresql":
        _created.append(_pg_name(db))


def db_exists(db: Path | str) -> bool:
    """Whether the database has been created (a file on SQLite; a schema on PostgreSQL)."""
    if BACKEND == "sqlite":
        return Path(db).exists()
    return bool(query(db, "SELECT count(*) FROM information_schema.tables "
                          "WHERE table_name = 'schema_migrations'")[0][0])


def query(db: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """Runs one read-only SQL statement (with `?` placeholders) on either backend. Tests use it
    only for what restock has no read API for (stock history, counting rows mid-run)."""
    if BACKEND == "sqlite":
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(str(db))
    try:
        with con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
            return cur.fetchall()
    finally:
        con.close()


def execute(db: Path | str, sql: str, params: tuple = ()) -> None:
    """Runs one writing SQL statement (with `?` placeholders) on either backend and commits.
    Tests use it only to put a database into a state restock would not (e.g. a schema
    version from a newer release)."""
    if BACKEND == "sqlite":
        con = sqlite3.connect(str(db), timeout=10)
        try:
            with con:
                con.execute(sql, params)
        finally:
            con.close()
        return
    import psycopg2
    con = psycopg2.connect(str(db))
    try:
        with con, con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
    finally:
        con.close()


# --------------------------------------------------------------------------- stock events


def stock_events(db: Path | str) -> list[dict[str, Any]]:
    """The rows of the stock event table, oldest first. restock has no read API for stock
    history yet, so this peeks into the database (read-only use)."""
    if BACKEND == "postgresql":
        import psycopg2
        import psycopg2.extras
        con = psycopg2.connect(str(db))
        try:
            with con.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute("SELECT * FROM stock_events ORDER BY id")
                # Booleans as SQLite gives them (0/1), so tests compare one way.
                return [{k: int(v) if isinstance(v, bool) else v for k, v in r.items()}
                        for r in cur.fetchall()]
        finally:
            con.close()
    con = sqlite3.connect(str(db), timeout=10)
    try:
        con.row_factory = sqlite3.Row
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        candidates = [t for t in tables if "stock" in t.lower() and "event" in t.lower()]
        assert candidates, f"no stock event table in the database (tables: {tables})"
        rows = con.execute(f'SELECT * FROM "{candidates[0]}" ORDER BY rowid').fetchall()
        return [dict(r) for r in rows]
    finally:
        con.close()
