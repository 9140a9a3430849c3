"""Where every command's settings come from (README "Configuration"): a flag, else its
RESTOCK_* variable, else the TOML file of --config / RESTOCK_CONFIG, else the default — for
every command family; errors that name their cause (a configuration error exits 2, a
passing condition 8); and serve's numeric settings range-checked before it listens."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from harness import BACKEND, PG_SERVER_URL, Cli, Server, db_exists, new_db, restock_bin

# One command of each family that needs merchant m1 to exist, so the database it used shows
# in its exit code (0 where m1 exists, 3 where it does not).
FAMILIES = {
    "api-user": ["api-user", "add", "--merchant", "m1"],  # + a new --username each time
    "api-key": ["api-key", "add", "--merchant", "m1"],
    "merchant": ["merchant", "update", "--public-id", "m1", "--replay-protection", "off"],
    "product": ["product", "add", "--merchant", "m1", "--product-id", "p1", "--live", "true"],
    "orders": ["orders", "list", "--merchant", "m1"],
    "place-orders": ["place-orders", "--merchant", "m1"],
    "webhook": ["webhook", "list", "--merchant", "m1"],
}


_usernames = iter(range(1_000_000))


def command(family: str) -> list[str]:
    """The family's command, ready to run again (api-user add gets a new username)."""
    if family == "api-user":
        return FAMILIES[family] + ["--username", f"u{next(_usernames)}"]
    return FAMILIES[family]


@pytest.fixture
def two(tmp_path: Path):
    """Databases A (initialised, no merchant) and B (with merchant m1), and a bare CLI."""
    a, b = new_db(tmp_path, "a"), new_db(tmp_path, "b")
    cli = Cli(None, tmp_path)
    cli.ok("init", "--db", a)
    cli.ok("merchant", "add", "--db", b, "--public-id", "m1")
    return a, b, cli


def has_merchant(cli: Cli, db, public_id: str) -> bool:
    r = cli.run("webhook", "list", "--merchant", public_id, "--db", db)
    assert r.rc in (0, 3), r.describe()
    return r.rc == 0


def config_file(tmp: Path, text: str, name: str = "restock.toml") -> Path:
    path = tmp / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("family", FAMILIES)
def test_flag_beats_environment(two, family):
    a, b, cli = two
    cli.ok(*command(family), "--db", b, env={"RESTOCK_DB": str(a)})


@pytest.mark.parametrize("family", FAMILIES)
def test_environment_beats_config_file(two, tmp_path, family):
    a, b, cli = two
    config = config_file(tmp_path, f'db = "{a}"\n')
    cli.ok(*command(family), env={"RESTOCK_DB": str(b), "RESTOCK_CONFIG": str(config)})
    cli.ok(*command(family), "--config", config, env={"RESTOCK_DB": str(b)})


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("how", ["flag", "env"])
def test_config_file_beats_default(two, tmp_path, family, how):
    """The file's `db` is used by every command, named by --config or RESTOCK_CONFIG; a key
    only serve has (listen) is ignored by the others."""
    _, b, cli = two
    config = config_file(tmp_path, f'db = "{b}"\nlisten = "127.0.0.1:0"\n')
    if how == "flag":
        cli.ok(*command(family), "--config", config)
    else:
        cli.ok(*command(family), env={"RESTOCK_CONFIG": str(config)})
    assert not (tmp_path / "restock.db").exists(), "the default database was created"


def test_merchant_add_writes_the_flagged_database(two):
    """The issue's repro: RESTOCK_DB=A restock merchant add --db B writes B, not A."""
    a, b, cli = two
    cli.ok("merchant", "add", "--db", b, "--public-id", "m2", env={"RESTOCK_DB": str(a)})
    assert has_merchant(cli, b, "m2")
    assert not has_merchant(cli, a, "m2")


def test_init_and_subscription_add_follow_the_flag(two, tmp_path):
    a, b, cli = two
    env = {"RESTOCK_DB": str(a)}
    cli.ok("product", "add", "--db", b, "--merchant", "m1", "--product-id", "p1", "--live",
           "true")
    cli.ok("subscription", "add", "--db", b, "--merchant", "m1", "--customer", "c1",
           "--product", "p1", "--quantity", "1", "--every", "1", "--period", "week", "--start",
           "2027-01-01", env=env)
    assert cli.ok("product", "get", "--db", b, "--merchant", "m1", "p1", env=env)["live"]
    if BACKEND == "sqlite":
        c = tmp_path / "c.db"
        cli.ok("init", "--db", c, env=env)
        assert db_exists(c)


def test_flow_flag_beats_a_bad_environment_value(two):
    """--oos-max-days on place-orders wins over RESTOCK_OOS_MAX_DAYS, which is then not read."""
    _, b, cli = two
    cli.ok("place-orders", "--db", b, "--oos-max-days", "40", env={"RESTOCK_OOS_MAX_DAYS": "0"})
    r = cli.fails(2, "place-orders", "--db", b, env={"RESTOCK_OOS_MAX_DAYS": "0"})
    assert "--oos-max-days" in r.stderr, r.describe()


def test_another_commands_variable_does_not_break_a_command(two):
    """RESTOCK_SCHEDULER_TICK belongs to serve: merchant add neither reads nor checks it."""
    _, b, cli = two
    cli.ok("merchant", "add", "--db", b, "--public-id", "m3",
           env={"RESTOCK_SCHEDULER_TICK": "0", "RESTOCK_MAX_JSON_DEPTH": "0"})


def test_config_file_errors_are_refused_by_every_command(two, tmp_path):
    _, b, cli = two
    unknown = config_file(tmp_path, 'colour = "blue"\n', "unknown.toml")
    r = cli.fails(2, "orders", "list", "--merchant", "m1", "--db", b, "--config", unknown)
    assert "colour" in r.stderr and "unknown.toml" in r.stderr, r.describe()
    # `public_id` is a flag of some commands but not a setting (it has no RESTOCK_ variable).
    not_setting = config_file(tmp_path, 'public_id = "m1"\n', "flag.toml")
    cli.fails(2, "webhook", "list", "--merchant", "m1", "--db", b, "--config", not_setting)
    missing = tmp_path / "absent.toml"
    r = cli.fails(2, "api-key", "add", "--merchant", "m1", "--db", b, "--config", missing)
    assert "absent.toml" in r.stderr, r.describe()


def test_serve_takes_flag_then_environment_then_file(two, tmp_path):
    a, b, cli = two
    c = new_db(tmp_path, "c")
    cli.ok("init", "--db", c)
    config = config_file(tmp_path, f'db = "{a}"\n')
    cases = [(["--db", str(b), "--config", str(config)], {"RESTOCK_DB": str(c)}, b),
             (["--config", str(config)], {"RESTOCK_DB": str(c)}, c),
             (["--config", str(config)], {}, a)]
    for i, (args, env, expected) in enumerate(cases):
        server = Server(None, tmp_path, args, env=env, name=f"serve{i}")
        try:
            server.stop()
        finally:
            log = server.stderr_path.read_text()
        assert f"(db {expected})" in log, (args, env, log)


# ------------------------------------------------------------------ errors naming the cause

@pytest.mark.sqlite_only
def test_missing_sqlite_directory_is_a_configuration_error(tmp_path):
    cli = Cli(None, tmp_path)
    missing = tmp_path / "no" / "such" / "dir"
    for args in (["init"], ["merchant", "add", "--public-id", "m1"]):
        r = cli.fails(2, *args, "--db", missing / "restock.db")
        assert str(missing) in r.stderr and "does not exist" in r.stderr, r.describe()
    r = run_serve(tmp_path, ["--db", str(missing / "restock.db")])
    assert r.returncode == 2 and str(missing) in r.stderr, r.stderr


@pytest.mark.sqlite_only
def test_directory_as_sqlite_database_is_a_configuration_error(tmp_path):
    r = Cli(None, tmp_path).fails(2, "init", "--db", tmp_path)
    assert str(tmp_path) in r.stderr and "directory" in r.stderr, r.describe()


def test_unreachable_postgresql_server_is_transient(tmp_path):
    """Nothing listens on port 1: a passing condition (exit 8), worded as such."""
    r = Cli(None, tmp_path).fails(8, "init", "--db", "postgresql://127.0.0.1:1/restock")
    assert "cannot connect to the database" in r.stderr and "127.0.0.1" in r.stderr, r.describe()


pg_only = pytest.mark.skipif(BACKEND != "postgresql", reason="needs the PostgreSQL test server")


def _pg_url_with(database: str | None = None, user: str | None = None) -> str:
    head, _, query = PG_SERVER_URL.partition("?")
    scheme, _, rest = head.partition("://")
    authority = rest.split("/", 1)[0]
    if user is not None:
        authority = f"{user}@{authority.rsplit('@', 1)[-1]}"
    return f"{scheme}://{authority}/{database or 'postgres'}" + (f"?{query}" if query else "")


@pg_only
def test_missing_postgresql_database_is_a_configuration_error(tmp_path):
    cli = Cli(None, tmp_path)
    r = cli.fails(2, "init", "--db", _pg_url_with(database="no_such_database_e2e"))
    assert "no_such_database_e2e" in r.stderr and "does not exist" in r.stderr, r.describe()
    r = run_serve(tmp_path, ["--db", _pg_url_with(database="no_such_database_e2e")])
    assert r.returncode == 2 and "does not exist" in r.stderr, r.stderr


@pg_only
def test_missing_postgresql_role_is_a_configuration_error(tmp_path):
    r = Cli(None, tmp_path).fails(2, "init", "--db", _pg_url_with(user="no_such_role_e2e"))
    assert "no_such_role_e2e" in r.stderr, r.describe()


# ------------------------------------------------------------------ serve's ranges

def run_serve(tmp: Path, args: list[str], env: dict[str, str] | None = None,
              db: Path | str | None = None) -> subprocess.CompletedProcess:
    """Runs serve expecting it to refuse to start; a server that starts is killed and fails
    the test."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
    full_env.update(env or {})
    cmd = [str(restock_bin()), "serve", "--listen", "127.0.0.1:0", "--scheduler", "false"]
    if db is not None:
        cmd += ["--db", str(db)]
    proc = subprocess.Popen(cmd + args, cwd=tmp, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"serve {args} {env} started instead of refusing: {out!r} {err[-2000:]!r}")
    return subprocess.CompletedProcess(cmd + args, proc.returncode, out, err)


# (flag, refused values): each class of numeric setting, at and beyond its limits.
BAD_RANGES = [
    ("--scheduler-tick", ["0", "-1", "86401"]),
    ("--ts-max-age", ["-1", "0"]),
    ("--ts-max-future", ["-1"]),
    ("--credential-cache", ["-5"]),
    ("--read-timeout", ["99999999999", "0"]),
    ("--idle-timeout", ["10000000"]),
    ("--header-timeout", ["0", "9223372036854775807"]),
    ("--write-timeout", ["100000"]),
    ("--max-body-bytes", ["1099511627776"]),
    ("--max-header-bytes", ["10"]),
    ("--max-elements", ["0"]),
    ("--max-connections", ["0"]),
    ("--webhook-timeout-ms", ["99999999999999"]),
    ("--webhook-poll-ms", ["0"]),
    ("--handoff-poll-ms", ["0", "3600001"]),
    ("--webhook-lease-margin-ms", ["-1"]),
    ("--webhook-shutdown-grace-ms", ["-1", "600001"]),
    ("--webhook-retention-days", ["-1", "3651"]),
    ("--sqlite-busy-timeout-ms", ["0", "600001"]),
]


@pytest.mark.parametrize("flag,values", BAD_RANGES, ids=[f for f, _ in BAD_RANGES])
@pytest.mark.parametrize("how", ["flag", "env", "toml"])
def test_serve_refuses_out_of_range_settings(tmp_path, flag, values, how):
    db = new_db(tmp_path)
    Cli(db, tmp_path).ok("init")
    variable = "RESTOCK_" + flag[2:].upper().replace("-", "_")
    for value in values:
        args, env = [], {}
        if how == "flag":
            args = [flag, value]
        elif how == "env":
            env = {variable: value}
        else:
            args = ["--config", str(config_file(tmp_path, f"{flag[2:].replace('-', '_')} = {value}\n"))]
        r = run_serve(tmp_path, args, env, db)
        assert r.returncode == 2, (flag, value, how, r.returncode, r.stderr[-2000:])
        assert r.stdout == "", "it listened"
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and flag in lines[0] and value in lines[0], (flag, value, lines)


def test_serve_accepts_the_limits_of_each_range(tmp_path):
    """The ends of the ranges are accepted (a range check that is too tight would refuse a
    working setting)."""
    db = new_db(tmp_path)
    Cli(db, tmp_path).ok("init")
    server = Server(db, tmp_path, ["--scheduler-tick", "1", "--ts-max-future", "0",
                                   "--credential-cache", "0", "--read-timeout", "86400",
                                   "--webhook-lease-margin-ms", "0",
                                   "--webhook-shutdown-grace-ms", "0",
                                   "--webhook-retention-days", "3650",
                                   "--sqlite-busy-timeout-ms", "1"])
    server.stop()
