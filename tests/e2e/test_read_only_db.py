"""A SQLite database this process may read but not write (README.md, "Operations": a
read-only database): the read commands work, every write says the database is read-only
and changes nothing, `serve` refuses it, and nothing is created next to the file. The
commands run as an unprivileged user (root may write any file): `nobody` under root, else
the test's own user."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness import Cli, LOOPBACK_TARGETS, execute, restock_bin

pytestmark = pytest.mark.sqlite_only


def _unprivileged(args: list[str]) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
    env["RESTOCK_OUTBOUND_ALLOW"] = LOOPBACK_TARGETS
    return subprocess.run(prefix + [str(restock_bin()), *args], capture_output=True, text=True,
                          env=env, timeout=60, cwd="/")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["file", "directory"])
def read_only_db(request, tmp_path):
    """A database with merchant m1 and product P1 (inventory 3), copied into a directory
    anyone may enter but only its owner may write. "file": the file is 0444 (anyone may read
    it, nobody write it). "directory": the file is 0666 but, as no -wal and -shm files exist
    and none can be created next to it, SQLite cannot write it either."""
    cli = Cli(tmp_path / "source.db", tmp_path)
    cli.ok("merchant", "add", "--public-id", "m1")
    cli.ok("product", "add", "--merchant", "m1", "--product-id", "P1", "--inventory", "3")
    base = Path(tempfile.mkdtemp(prefix="restock-ro-", dir="/tmp"))
    folder = base / "data"
    folder.mkdir()
    db = folder / "restock.db"
    shutil.copyfile(tmp_path / "source.db", db)
    mode = 0o444 if request.param == "file" else 0o666
    os.chmod(db, mode)
    os.chmod(base, 0o755)
    os.chmod(folder, 0o555)
    yield db
    os.chmod(folder, 0o755)
    shutil.rmtree(base)


def test_read_commands_work_and_create_nothing(read_only_db):
    before = _digest(read_only_db)
    r = _unprivileged(["product", "get", "--db", str(read_only_db), "--merchant", "m1", "P1"])
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["inventory"] == 3
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["restock.db"]
    if read_only_db.stat().st_mode & 0o222:  # the "directory" case
        return
    # Even where the directory is writable, opening a read-only file creates no -wal or -shm.
    os.chmod(read_only_db.parent, 0o777)
    r = _unprivileged(["product", "get", "--db", str(read_only_db), "--merchant", "m1", "P1"])
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["restock.db"]
    assert _digest(read_only_db) == before


@pytest.mark.parametrize("args", [
    ["product", "add", "--merchant", "m1", "--product-id", "P1", "--inventory", "9"],
    ["product", "add", "--merchant", "m1", "--product-id", "NEW"],
    ["merchant", "add", "--public-id", "m2"],
    ["init"],
], ids=["update", "insert", "merchant", "init"])
def test_writes_say_read_only_and_change_nothing(read_only_db, args):
    before = _digest(read_only_db)
    r = _unprivileged([*args[:2], "--db", str(read_only_db), *args[2:]])
    if args == ["init"]:
        # init only migrates: the schema is current, so there is nothing to write.
        assert r.returncode == 0, r.stderr
    else:
        assert r.returncode == 5, (r.returncode, r.stderr)
        assert "read-only" in r.stderr and str(read_only_db) in r.stderr, r.stderr
    assert _digest(read_only_db) == before
    r = _unprivileged(["product", "get", "--db", str(read_only_db), "--merchant", "m1", "P1"])
    assert json.loads(r.stdout)["inventory"] == 3


def test_serve_refuses_a_read_only_database(read_only_db):
    r = _unprivileged(["serve", "--db", str(read_only_db), "--listen", "127.0.0.1:0"])
    assert r.returncode == 5, (r.returncode, r.stderr)
    assert "read-only" in r.stderr and "serve needs write permission" in r.stderr, r.stderr


def test_an_old_schema_cannot_be_migrated_read_only(read_only_db):
    mode = read_only_db.stat().st_mode
    os.chmod(read_only_db, 0o644)
    execute(read_only_db, "DELETE FROM schema_migrations WHERE version = "
                          "(SELECT MAX(version) FROM schema_migrations)")
    os.chmod(read_only_db, mode)
    r = _unprivileged(["product", "get", "--db", str(read_only_db), "--merchant", "m1", "P1"])
    assert r.returncode == 5, (r.returncode, r.stderr)
    assert "read-only" in r.stderr and "older than this binary" in r.stderr, r.stderr


def test_an_unreadable_database_is_a_clear_error(read_only_db):
    os.chmod(read_only_db, 0o000)
    r = _unprivileged(["product", "get", "--db", str(read_only_db), "--merchant", "m1", "P1"])
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "permission denied" in r.stderr, r.stderr
