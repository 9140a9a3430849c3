"""The CLI's documented exit codes beyond 2/3/4 (README "Using it": "5 failed precondition,
8 unavailable — retry"), each provoked for real against the binary, with its one-line
message on stderr and nothing on stdout (test_cli.py covers 2, 3 and 4)."""

from __future__ import annotations

import os
import subprocess

import pytest

from harness import BACKEND, Cli, Server, execute, restock_bin

NEWER = 999  # a schema version no binary of this tree knows


def _record_migration(db, version: int) -> None:
    """Marks the database as migrated by a newer binary (as a later release would)."""
    if BACKEND == "sqlite":
        execute(db, "INSERT INTO schema_migrations (version, applied) "
                    "VALUES (?, '2030-01-01T00:00:00.000Z')", (version,))
    else:
        execute(db, "INSERT INTO schema_migrations (version) VALUES (?)", (version,))


@pytest.fixture
def newer(cli: Cli) -> Cli:
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "m1")
    cli.ok("product", "add", "--merchant", "m1", "--product-id", "X", "--name", "Before")
    _record_migration(cli.db, NEWER)
    return cli


@pytest.mark.parametrize("args", [
    ["init"],
    ["product", "get", "--merchant", "m1", "X"],
    ["product", "add", "--merchant", "m1", "--product-id", "X", "--name", "After"],
    ["merchant", "add", "--public-id", "m2"],
], ids=lambda a: " ".join(a[:2]))
def test_schema_newer_than_the_binary_is_5(newer, args):
    r = newer.fails(5, *args)
    assert "schema is newer than this binary" in r.stderr, r.describe()
    # Refused before touching anything: once this binary's schema is back, the data is as
    # it was (the update and the new merchant were not written).
    _forget_migration(newer.db)
    assert newer.ok("product", "get", "--merchant", "m1", "X")["name"] == "Before"
    newer.ok("merchant", "add", "--public-id", "m2")  # 4 had the refused command written it


def _forget_migration(db) -> None:
    execute(db, "DELETE FROM schema_migrations WHERE version = ?", (NEWER,))


def test_serve_on_a_newer_schema_exits_5_before_listening(newer):
    proc = subprocess.run([str(restock_bin()), "serve", "--db", str(newer.db), "--listen",
                           "127.0.0.1:0", "--scheduler", "false"],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                          env={k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")})
    assert proc.returncode == 5, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == "", "no listen line: it never listened"
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines and "schema is newer than this binary" in lines[-1], proc.stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [["init"], ["merchant", "add", "--public-id", "m1"]],
                         ids=lambda a: a[0])
def test_database_in_a_missing_directory_is_2(tmp_path, args):
    """A database file SQLite cannot open because its directory does not exist: a
    configuration error (exit 2) naming the directory, not "unavailable, retry"."""
    missing = tmp_path / "no-such-dir" / "restock.db"
    r = Cli(missing, tmp_path).fails(2, *args)
    assert f"directory '{missing.parent}' does not exist" in r.stderr, r.describe()
    assert not missing.parent.exists()


def test_unreachable_postgresql_server_is_8(tmp_path):
    """Nothing listens on the port: the connection is refused (after the retry window)."""
    with __import__("socket").socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = Cli(f"postgresql://restock@127.0.0.1:{port}/restock?connect_timeout=2", tmp_path)
    r = cli.fails(8, "init")
    assert "cannot connect to the database" in r.stderr, r.describe()


@pytest.mark.sqlite_only
def test_database_path_that_is_a_directory_is_2(tmp_path):
    """--db naming a directory is a usage error, not a condition worth retrying (8)."""
    r = Cli(tmp_path, tmp_path).fails(2, "merchant", "add", "--public-id", "m1")
    assert "is a directory" in r.stderr, r.describe()
    assert list(tmp_path.iterdir()) == [], "nothing was created"


def test_importing_a_directory_is_2(cli: Cli, tmp_path):
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "m1")
    folder = tmp_path / "feed.csv"
    folder.mkdir()
    r = cli.fails(2, "product", "import", "--merchant", "m1", str(folder))
    assert "is a directory" in r.stderr, r.describe()
