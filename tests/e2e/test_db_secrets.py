"""Secrets of the database itself (docs/security.md).

- The password of a PostgreSQL URL never shows: a URL with a password (ignored by the test
  cluster's `trust` authentication, but carried by restock everywhere the URL goes) is used
  for `init`, CLI commands, a server with trace logging and its requests, `--help` with the
  URL as a TOML default, and a failing connection; every log line, error and help text is
  searched for the password.
- SQLite's files (the database, -wal, -shm) are created 0600 whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from harness import BACKEND, ENDPOINT, Cli, Server, restock_bin

PASSWORD = "pw-SECRET-" + "z8K" * 6


def with_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    authority, _, path = rest.partition("/")
    user, _, host = authority.rpartition("@")
    return f"{scheme}://{user or 'postgres'}:{PASSWORD}@{host}/{path}"


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs a PostgreSQL URL")
def test_database_password_appears_in_no_output(restock, tmp_path):
    url = with_password(str(restock.db))
    cli = Cli(url, tmp_path)
    outputs: list[str] = []

    def run(*args: str, rc: int = 0, db: bool = True) -> None:
        r = cli.run(*args, db=db)
        assert r.rc == rc, r.describe()
        outputs.extend([r.stdout, r.stderr])

    run("init")
    run("product", "add", "--merchant", restock.a.public_id, "--product-id", "PW1", "--live",
        "true")
    run("product", "get", "--merchant", restock.a.public_id, "PW1")
    run("product", "get", "--merchant", restock.a.public_id, "missing", rc=3)

    # Unreachable server (port 1): the error names the problem, not the password.
    scheme, _, rest = url.partition("://")
    unreachable = f"{scheme}://postgres:{PASSWORD}@127.0.0.1:1/x?connect_timeout=2"
    r = Cli(unreachable, tmp_path).run("init")
    assert r.rc != 0, r.describe()
    outputs.extend([r.stdout, r.stderr])

    # --help of serve, with the URL as the TOML file's default: shown, but masked.
    config = tmp_path / "restock.toml"
    config.write_text(f'db = "{url}"\n')
    r = cli.run("serve", "--config", str(config), "--help", db=False)
    assert r.rc == 0, r.describe()
    assert ":***@" in r.stdout, r.stdout
    outputs.extend([r.stdout, r.stderr])

    server = Server(url, tmp_path, ["--log-level", "trace"], name="pw-server")
    try:
        resp = server.request("PATCH", ENDPOINT, json=[{"product_id": "PW1", "live": False}],
                              headers=restock.a.key_headers())
        assert resp.status_code == 207, resp.text
        outputs.append(resp.text)
    finally:
        server.stop()
    logs = server.stderr_path.read_text(errors="replace")
    assert "listening on" in logs, logs  # the line that carried the URL
    outputs.extend([logs, server.stdout_path.read_text(errors="replace"), server.listen_line])

    leaked = [line for text in outputs for line in text.splitlines() if PASSWORD in line]
    assert not leaked, leaked


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite files")
@pytest.mark.parametrize("first", ["init", "serve", "product"])
def test_sqlite_files_are_private_under_umask_022(restock, tmp_path, first):
    db = tmp_path / f"fresh-{first}.db"
    old = os.umask(0o022)
    try:
        if first == "init":
            subprocess.run([str(restock_bin()), "init", "--db", str(db)], check=True,
                           cwd=tmp_path, capture_output=True, timeout=60)
        elif first == "product":  # any command creates a missing database
            subprocess.run([str(restock_bin()), "merchant", "add", "--db", str(db),
                            "--public-id", "m"], check=True, cwd=tmp_path, capture_output=True,
                           timeout=60)
        server = Server(db, tmp_path, name=f"umask-{first}")
    finally:
        os.umask(old)
    try:
        assert server.request("GET", "/healthz").status_code == 200
        files = {p.name: mode(p) for p in tmp_path.iterdir() if p.name.startswith(db.name)}
        assert set(files) >= {db.name, db.name + "-wal", db.name + "-shm"}, files
        assert all(m == 0o600 for m in files.values()), {k: oct(m) for k, m in files.items()}
    finally:
        server.stop()
