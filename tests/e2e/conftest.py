"""Fixtures for restock's end-to-end tests.

`restock` gives each test its own temp dir and database, seeded through the CLI with two
merchants (A and B, each with an API user and an API key) and a few products (seeded once
per session, copied per test), and a `restock serve` on an ephemeral port, started on
first use. `cli` gives a bare, un-initialised database.

The databases are SQLite files, or PostgreSQL databases when RESTOCK_TEST_DB_URL names a
server (see harness.BACKEND); tests that only make sense on SQLite (files, sqlite: URLs)
are marked `sqlite_only` and skipped there.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

import harness
import openapi_contract
from harness import (BACKEND, ENDPOINT, Cli, Merchant, Server, drop_new_dbs, new_db,
                     restock_bin, stock_events)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite files; skipped on PostgreSQL")
    # Tests run in parallel (pytest-xdist, scripts/e2e); one that disturbs what the others
    # share (restarting the PostgreSQL test server) is marked and run on its own afterwards.
    config.addinivalue_line("markers", "exclusive: disturbs shared test infrastructure; "
                                       "scripts/e2e runs these alone, after the rest")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "sqlite":
        return
    skip = pytest.mark.skip(reason="SQLite-only (the run is on PostgreSQL)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def pytest_sessionstart(session: pytest.Session) -> None:
    binary = restock_bin()
    if not binary.is_file():
        pytest.exit(f"restock binary not found at {binary} (build it, or set RESTOCK_BIN)",
                    returncode=2)


# The products seeded for merchant A: CLI arguments of `product add` beyond the ids.
SEED_A = {
    "P1": ["--sku", "SKU-P1", "--name", "Product One", "--price", "10.00", "--live", "true",
           "--inventory", "10"],
    "P2": ["--sku", "SKU-P2", "--name", "Product Two", "--price", "5.50", "--live", "true"],
    "P3": ["--sku", "SKU-P3", "--name", "Product Three", "--live", "false", "--inventory", "0"],
    "SHARED": ["--name", "A's shared", "--live", "true"],
}
SEED_B = {
    "B1": ["--name", "B's own", "--live", "true"],
    "SHARED": ["--name", "B's shared", "--live", "true"],
}


class Env:
    """A seeded database plus (lazily) a running server. Tests talk to it through `patch`,
    `request`, `product` and `cli`."""

    def __init__(self, tmp: Path, template: "Path | str | None" = None):
        self.tmp = tmp
        self.db = new_db(tmp, "restock", template)
        self.cli = Cli(self.db, tmp)
        self._servers: list[Server] = []
        self._server: Server | None = None
        self.a: Merchant
        self.b: Merchant

    # ---- setup

    def seed(self) -> None:
        self.cli.ok("init")
        self.a = self._add_merchant("merchant-a", "hash-key-a-0123456789", "api-a", "secret-a-xyz",
                                    SEED_A)
        self.b = self._add_merchant("merchant-b", "hash-key-b-9876543210", "api-b", "secret-b-xyz",
                                    SEED_B)

    def copy_seed(self, seeded: "Env") -> None:
        """Takes the seeded database's credentials (the database itself was copied from it
        when this Env was made)."""
        self.a, self.b = seeded.a, seeded.b

    def _add_merchant(self, pid: str, hash_key: str, user: str, secret: str,
                      products: dict[str, list[str]]) -> Merchant:
        out = self.cli.ok("merchant", "add", "--public-id", pid, "--name", pid.title(),
                          "--hash-key", hash_key)
        assert out == {"public_id": pid, "hash_key": hash_key}, out
        out = self.cli.ok("api-user", "add", "--merchant", pid, "--username", user,
                          "--secret", secret)
        assert out == {"username": user, "secret": secret}, out
        key = self.cli.ok("api-key", "add", "--merchant", pid, "--name", "e2e")["key"]
        assert isinstance(key, str) and key, key
        for product_id, extra in products.items():
            self.cli.ok("product", "add", "--merchant", pid, "--product-id", product_id, *extra)
        return Merchant(pid, hash_key, user, secret, key)

    # ---- server

    def serve(self, *args: str, env: dict[str, str] | None = None, db: Any = "default") -> Server:
        """Starts a server (stopping the current one) and makes it current. `db` is passed as
        --db (the seeded database by default; None: no --db at all)."""
        if self._server is not None and self._server.running:
            self._server.stop()
        self._server = Server(self.db if db == "default" else db, self.tmp, args, env,
                              name=f"server{len(self._servers)}")
        self._servers.append(self._server)
        return self._server

    @property
    def server(self) -> Server:
        if self._server is None or not self._server.running:
            self.serve()
        return self._server

    def close(self) -> None:
        for s in self._servers:
            s.stop()

    def server_logs(self) -> list[tuple[str, str]]:
        """(file name, last lines) of every server's stderr this test started."""
        return [(s.stderr_path.name, s.stderr_tail()) for s in self._servers]

    # ---- HTTP

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.server.request(method, path, **kw)

    def patch(self, body: Any = None, *, auth: dict[str, str] | None = None,
              headers: dict[str, str] | None = None, data: bytes | str | None = None,
              content_type: str | None = "application/json", path: str = ENDPOINT,
              method: str = "PATCH", server: Server | None = None,
              **kw: Any) -> requests.Response:
        """Sends a stock update. `body` is JSON-encoded unless raw `data` is given; `auth`
        defaults to merchant A's API-user signature; `headers` add to / override the rest.
        `server` defaults to the current one (started on demand)."""
        h: dict[str, str] = dict(self.a.user_headers() if auth is None else auth)
        if content_type is not None:
            h["content-type"] = content_type
        h.update(headers or {})
        if data is None:
            data = json.dumps(body).encode()
        return (server or self.server).request(method, path, headers=h, data=data, **kw)

    # ---- state

    def product(self, product_id: str, merchant: Merchant | None = None) -> dict[str, Any]:
        pid = (merchant or self.a).public_id
        out = self.cli.ok("product", "get", "--merchant", pid, product_id)
        return out

    def products(self, merchant: Merchant | None = None) -> dict[str, dict[str, Any]]:
        seeds = SEED_A if (merchant or self.a) is self.a else SEED_B
        return {p: self.product(p, merchant) for p in seeds}

    def stock_events(self) -> list[dict[str, Any]]:
        return stock_events(self.db)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attaches the servers' stderr to the report of a failing test."""
    outcome = yield
    report = outcome.get_result()
    env = getattr(item, "funcargs", {}).get("restock")
    if report.when == "call" and report.failed and isinstance(env, Env):
        for name, text in env.server_logs():
            report.sections.append((f"restock {name}", text))


@pytest.fixture(autouse=True)
def no_sanitizer_reports():
    """Fails a test whose servers printed a sanitizer report (sanitized builds), including
    reports printed at exit (leaks, races during shutdown): every server the test started is
    stopped first. Autouse fixtures are set up first, so this tears down after `restock`."""
    first = len(harness.STARTED_SERVERS)
    yield
    started = harness.STARTED_SERVERS[first:]
    del harness.STARTED_SERVERS[first:]
    reports = []
    for server in started:
        if server.running:
            server.stop()
        report = server.sanitizer_report()
        if report:
            reports.append(f"{server.stderr_path.name}: {report}\n{server.stderr_tail(60)}")
    if reports:
        pytest.fail("sanitizer report(s) on server stderr:\n" + "\n\n".join(reports))


# ---- every response of a restock server is checked against docs/openapi.yaml

CONTRACT = openapi_contract.Contract()
_contract_problems: list[str] = []
_contract_lock = threading.Lock()


def _is_restock(netloc: str) -> bool:
    """Whether `netloc` is a running `restock serve` (not a webhook receiver)."""
    return any(s.address == netloc and s.running for s in list(harness.ALL_SERVERS))


def _record(problem: str | None) -> None:
    if problem:
        with _contract_lock:
            _contract_problems.append(problem)


_send = requests.Session.send


def _checked_send(self: requests.Session, request: requests.PreparedRequest,
                  **kw: Any) -> requests.Response:
    response = _send(self, request, **kw)
    url = urlsplit(request.url)
    if _is_restock(url.netloc):
        _record(CONTRACT.check(request.method, url.path, response.status_code, response.headers,
                               response.content))
    return response


# requests.get/post/… and every Session go through Session.send.
requests.Session.send = _checked_send
harness.RAW_RESPONSE_HOOK = lambda method, target, r: _record(
    CONTRACT.check(method, target, r.status, r.headers, r.body))


@pytest.fixture(autouse=True)
def responses_match_openapi():
    """Fails a test that received a response docs/openapi.yaml does not describe (an
    undocumented path, method or status, a missing header, a body against its schema)."""
    with _contract_lock:
        _contract_problems.clear()
    yield
    with _contract_lock:
        problems = list(_contract_problems)
        _contract_problems.clear()
    if problems:
        shown = "\n".join(problems[:10])
        pytest.fail(f"{len(problems)} response(s) differ from docs/openapi.yaml:\n{shown}")


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Env:
    """A database seeded once through the CLI; each test gets its own copy of it."""
    env = Env(tmp_path_factory.mktemp("seed"))
    request.session.stash[_SEED_KEY] = env
    env.seed()
    return env


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if BACKEND == "postgresql":
        drop_new_dbs()


@pytest.fixture(autouse=True)
def _drop_databases(request: pytest.FixtureRequest):
    """Drops the PostgreSQL databases a test made (the session's seed stays)."""
    yield
    if BACKEND == "postgresql":
        seeded = request.session.stash.get(_SEED_KEY, None)
        drop_new_dbs(keep=[seeded.db] if seeded is not None else [])


_SEED_KEY = pytest.StashKey["Env"]()


@pytest.fixture
def restock(tmp_path: Path, seeded: Env, request: pytest.FixtureRequest):
    # A copy of the seed (a file copy, or CREATE DATABASE … TEMPLATE: no process has the
    # seed open once seeding is done).
    env = Env(tmp_path, template=seeded.db)
    env.copy_seed(seeded)
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A CLI bound to a fresh database that has not been initialised."""
    return Cli(new_db(tmp_path, "cli"), tmp_path)

