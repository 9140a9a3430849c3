"""The CLI (SPEC §1): every command's happy path and its bad input. Exit codes:
2 usage / invalid argument, 3 not found, 4 already exists."""

from __future__ import annotations

import json

import pytest

from harness import ISO_UTC, PRODUCT_KEYS, Cli, db_exists

COMMANDS = [
    [], ["serve"], ["init"], ["merchant"], ["merchant", "add"], ["api-user", "add"],
    ["api-key", "add"], ["product"], ["product", "add"], ["product", "get"],
    ["product", "import"], ["subscription", "add"], ["orders", "list"], ["orders", "events"],
    ["place-orders"],
    ["sign"], ["merchant", "update"], ["webhook"], ["webhook", "add"], ["webhook", "list"],
    ["webhook", "rotate"], ["webhook", "disable"], ["webhook", "enable"], ["webhook", "replay"],
    ["webhook", "deliveries"],
]


@pytest.fixture
def db(cli: Cli) -> Cli:
    """A CLI on an initialised database with merchant m1."""
    cli.ok("init")
    cli.ok("merchant", "add", "--public-id", "m1")
    return cli


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "restock")
def test_help_exits_0(cli, words):
    r = cli.run(*words, "--help", db=False)
    assert r.rc == 0, r.describe()
    assert r.stdout.strip(), r.describe()


def test_unknown_command_is_usage_error(cli):
    cli.fails(2, "frobnicate", db=False)


def test_unknown_option_is_usage_error(cli):
    cli.ok("init")
    cli.fails(2, "merchant", "add", "--public-id", "m1", "--colour", "blue")


# ------------------------------------------------------------------ init

def test_init_is_idempotent(cli):
    cli.ok("init")
    cli.ok("init")
    assert db_exists(cli.db)


def test_db_from_environment(cli):
    env = {"RESTOCK_DB": str(cli.db)}
    cli.ok("init", db=False, env=env)
    cli.ok("merchant", "add", "--public-id", "m1", db=False, env=env)
    # The same database through --db: the merchant exists there.
    cli.fails(4, "merchant", "add", "--public-id", "m1")


@pytest.mark.sqlite_only
def test_db_as_sqlite_url(cli):
    url = Cli(f"sqlite:{cli.db}", cli.cwd)
    url.ok("init")
    url.ok("merchant", "add", "--public-id", "m1")
    cli.fails(4, "merchant", "add", "--public-id", "m1")


# ------------------------------------------------------------------ merchant add

def test_merchant_add_generates_hash_key(cli):
    cli.ok("init")
    out = cli.ok("merchant", "add", "--public-id", "m1", "--name", "Shop One")
    assert set(out) == {"public_id", "hash_key"}
    assert out["public_id"] == "m1"
    assert isinstance(out["hash_key"], str) and len(out["hash_key"]) >= 16
    other = cli.ok("merchant", "add", "--public-id", "m2")
    assert other["hash_key"] != out["hash_key"]


def test_merchant_add_with_hash_key(cli):
    cli.ok("init")
    assert cli.ok("merchant", "add", "--public-id", "m1", "--hash-key", "k-123") == \
        {"public_id": "m1", "hash_key": "k-123"}


def test_merchant_add_duplicate_is_4(db):
    db.fails(4, "merchant", "add", "--public-id", "m1")


def test_merchant_add_without_public_id_is_2(db):
    db.fails(2, "merchant", "add", "--name", "nameless")


# ------------------------------------------------------------------ api-user add / api-key add

def test_api_user_add_generates_secret(db):
    out = db.ok("api-user", "add", "--merchant", "m1", "--username", "u1")
    assert set(out) == {"username", "secret"}
    assert out["username"] == "u1"
    assert isinstance(out["secret"], str) and len(out["secret"]) >= 16


def test_api_user_add_with_secret(db):
    assert db.ok("api-user", "add", "--merchant", "m1", "--username", "u1", "--secret", "s3") == \
        {"username": "u1", "secret": "s3"}


def test_api_user_add_unknown_merchant_is_3(db):
    db.fails(3, "api-user", "add", "--merchant", "nope", "--username", "u1")


def test_api_user_add_duplicate_is_4(db):
    db.ok("api-user", "add", "--merchant", "m1", "--username", "u1")
    db.fails(4, "api-user", "add", "--merchant", "m1", "--username", "u1")


def test_api_key_add_prints_a_new_key_each_time(db):
    first = db.ok("api-key", "add", "--merchant", "m1", "--name", "shop")
    second = db.ok("api-key", "add", "--merchant", "m1")
    assert set(first) == {"key"} and set(second) == {"key"}
    assert len(first["key"]) >= 16 and first["key"] != second["key"]


def test_api_key_add_unknown_merchant_is_3(db):
    db.fails(3, "api-key", "add", "--merchant", "nope")


# ------------------------------------------------------------------ product add / get

def test_product_add_prints_the_product(db):
    out = db.ok("product", "add", "--merchant", "m1", "--product-id", "X1", "--sku", "S-1",
                "--name", "Widget", "--price", "12.99", "--live", "false", "--inventory", "7")
    assert set(out) == PRODUCT_KEYS
    assert out["product_id"] == "X1"
    assert out["sku"] == "S-1"
    assert out["name"] == "Widget"
    assert out["price"] == "12.99"
    assert out["live"] is False
    assert out["inventory"] == 7
    assert out["discontinued"] is False
    assert ISO_UTC.match(out["created"]) and ISO_UTC.match(out["last_update"]), out
    assert db.ok("product", "get", "--merchant", "m1", "X1") == out


def test_product_add_defaults(db):
    out = db.ok("product", "add", "--merchant", "m1", "--product-id", "X1")
    assert out["price"] is None
    assert out["inventory"] is None
    assert out["live"] is True
    assert out["discontinued"] is False


def test_product_add_is_an_upsert(db):
    first = db.ok("product", "add", "--merchant", "m1", "--product-id", "X1", "--name", "Old")
    second = db.ok("product", "add", "--merchant", "m1", "--product-id", "X1", "--name", "New",
                   "--price", "3")
    assert second["name"] == "New" and second["price"] == "3.00"
    assert second["created"] == first["created"]
    assert db.ok("product", "get", "--merchant", "m1", "X1")["name"] == "New"


@pytest.mark.parametrize("args", [
    ["--price", "abc"], ["--price", "-1"], ["--price", "12.345"], ["--price", "1,00"],
    ["--price", ""], ["--live", "maybe"], ["--inventory", "-3"], ["--inventory", "x"],
    ["--inventory", "1.5"], ["--product-id", "Z" * 65],
], ids=lambda a: " ".join(a) or "empty")
def test_product_add_invalid_argument_is_2(db, args):
    base = {"--product-id": "X1"}
    base.update(dict(zip(args[::2], args[1::2])))
    db.fails(2, "product", "add", "--merchant", "m1", *[x for kv in base.items() for x in kv])
    if base["--product-id"] == "X1":  # nothing was stored
        db.fails(3, "product", "get", "--merchant", "m1", "X1")


def test_product_add_unknown_merchant_is_3(db):
    db.fails(3, "product", "add", "--merchant", "nope", "--product-id", "X1")


def test_product_get_unknown_product_is_3(db):
    db.fails(3, "product", "get", "--merchant", "m1", "nope")


def test_product_get_unknown_merchant_is_3(db):
    db.fails(3, "product", "get", "--merchant", "nope", "X1")


def test_product_get_without_product_id_is_2(db):
    db.fails(2, "product", "get", "--merchant", "m1")


# ------------------------------------------------------------------ product import

def _write(cli: Cli, name: str, text: str):
    path = cli.cwd / name
    path.write_text(text)
    return path


def _get(cli, pid):
    return cli.ok("product", "get", "--merchant", "m1", pid)


def test_import_jsonl_applies_good_lines_and_rejects_bad(db):
    db.ok("product", "add", "--merchant", "m1", "--product-id", "OLD", "--name", "Before")
    lines = [
        {"product_id": "J1", "name": "Jam", "price": "3.10", "live": True, "inventory": 4},
        {"product_id": "J2", "live": "nope"},
        {"product_id": "J3", "sku": "J-3", "price": 2.5, "live": False},
        {"product_id": "OLD", "name": "After"},
    ]
    path = _write(db, "feed.jsonl", "".join(json.dumps(x) + "\n" for x in lines))

    out = db.ok("product", "import", "--merchant", "m1", str(path))

    assert {k: out[k] for k in ("created", "updated", "unchanged")} == \
        {"created": 2, "updated": 1, "unchanged": 0}, out
    assert len(out["rejected"]) == 1, out
    assert out["rejected"][0]["line"] == 2, out
    assert "live" in out["rejected"][0]["errors"], out
    j1, j3 = _get(db, "J1"), _get(db, "J3")
    assert (j1["name"], j1["price"], j1["live"], j1["inventory"]) == ("Jam", "3.10", True, 4)
    assert (j3["sku"], j3["price"], j3["live"]) == ("J-3", "2.50", False)
    assert _get(db, "OLD")["name"] == "After"
    db.fails(3, "product", "get", "--merchant", "m1", "J2")


def test_import_jsonl_again_reports_unchanged(db):
    text = json.dumps({"product_id": "J1", "name": "Jam", "live": True}) + "\n" + \
        json.dumps({"product_id": "J2", "name": "Juice"}) + "\n"
    path = _write(db, "feed.jsonl", text)
    first = db.ok("product", "import", "--merchant", "m1", str(path))
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0), first
    again = db.ok("product", "import", "--merchant", "m1", str(path))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2), again
    assert again["rejected"] == []


def test_import_jsonl_invalid_json_line_is_rejected(db):
    path = _write(db, "feed.jsonl", '{"product_id": "J1"}\n{not json\n{"product_id": "J3"}\n')
    out = db.ok("product", "import", "--merchant", "m1", str(path))
    assert out["created"] == 2, out
    assert [r["line"] for r in out["rejected"]] == [2], out


def test_import_csv_applies_good_rows_and_rejects_bad(db):
    text = (
        "product_id,sku,name,price,live,inventory\n"
        "C1,SKU-C1,Cup,4.00,true,10\n"
        "C2,SKU-C2,Bad price,abc,true,1\n"
        'C3,SKU-C3,"Mug, large",6.5,false,0\n'
    )
    path = _write(db, "feed.csv", text)

    out = db.ok("product", "import", "--merchant", "m1", str(path))

    assert (out["created"], out["updated"], out["unchanged"]) == (2, 0, 0), out
    assert len(out["rejected"]) == 1, out
    assert out["rejected"][0]["line"] == 3, out  # file line: the header is line 1
    assert "price" in out["rejected"][0]["errors"], out
    c1, c3 = _get(db, "C1"), _get(db, "C3")
    assert (c1["sku"], c1["name"], c1["price"], c1["live"], c1["inventory"]) == \
        ("SKU-C1", "Cup", "4.00", True, 10)
    assert (c3["name"], c3["price"], c3["live"], c3["inventory"]) == \
        ("Mug, large", "6.50", False, 0)
    db.fails(3, "product", "get", "--merchant", "m1", "C2")


def test_import_csv_empty_cells_clear_and_empty_booleans_are_rejected(db):
    """docs/decisions.md: an empty CSV cell clears a text field, price, inventory or
    low_stock_threshold (`null` too for the last three); an empty boolean cell is rejected."""
    db.ok("product", "add", "--merchant", "m1", "--product-id", "E1", "--sku", "S-1",
          "--name", "Full", "--price", "9.99", "--inventory", "4", "--live", "false")
    db.ok("product", "add", "--merchant", "m1", "--product-id", "E2", "--name", "Kept",
          "--price", "1.00", "--inventory", "2")
    path = _write(db, "feed.csv", "product_id,sku,name,price,inventory,live\n"
                                  "E1,,,,,true\n"
                                  "E2,,Renamed,null,null,\n")
    out = db.ok("product", "import", "--merchant", "m1", str(path))
    assert (out["created"], out["updated"], out["unchanged"]) == (0, 1, 0), out
    assert [(r["line"], list(r["errors"])) for r in out["rejected"]] == [(3, ["live"])], out
    e1, e2 = _get(db, "E1"), _get(db, "E2")
    assert (e1["sku"], e1["name"], e1["price"], e1["inventory"], e1["live"]) == \
        ("", "", None, None, True), e1
    assert (e2["name"], e2["price"], e2["inventory"]) == ("Kept", "1.00", 2), e2


def test_import_unknown_merchant_is_3(db):
    path = _write(db, "feed.jsonl", '{"product_id": "J1"}\n')
    db.fails(3, "product", "import", "--merchant", "nope", str(path))


def test_import_unsupported_extension_is_2(db):
    path = _write(db, "feed.txt", '{"product_id": "J1"}\n')
    db.fails(2, "product", "import", "--merchant", "m1", str(path))


def test_import_missing_file_fails(db):
    r = db.run("product", "import", "--merchant", "m1", str(db.cwd / "absent.jsonl"))
    assert r.rc in (2, 3), r.describe()
    assert r.stderr.strip() and not r.stdout.strip(), r.describe()


def test_sign_takes_db_like_every_command(cli):
    """SPEC §1: every subcommand takes --db; sign accepts it and needs no database."""
    args = ["sign", "--public-id", "m1", "--sig-field", "u", "--secret", "s", "--ts", "100"]
    with_db = cli.ok(*args)
    assert with_db == cli.ok(*args, db=False)
    assert not db_exists(cli.db), "sign must not create the database"


@pytest.mark.parametrize("bad", [["--log-level", "bogus"], ["--oos-notice-days", "0"],
                                 ["--oos-max-days", "-1"],
                                 # unsigned settings: "-1" is not their largest value
                                 ["--workers", "-1"], ["--io-threads", "-1"],
                                 ["--max-body-bytes", "-1"], ["--max-elements", "-1"],
                                 ["--max-connections", "-1"], ["--webhook-batch", "-1"],
                                 ["--workers", "5000"], ["--io-threads", "0"]])
def test_serve_refuses_bad_settings_before_listening(cli, bad):
    cli.ok("init")
    r = cli.fails(2, "serve", "--listen", "127.0.0.1:0", *bad)
    assert bad[0] in r.stderr, r.describe()


@pytest.mark.parametrize("line", ["max_json_depth = 0", "webhook_batch = -1", "workers = -1",
                                  "max_elements = \"many\""])
def test_serve_refuses_a_bad_value_in_its_config_file(cli, line):
    """A value the flag would refuse is refused from the TOML file too (exit 2, one line
    naming the setting and the file), not an abort."""
    cli.ok("init")
    config = cli.cwd / "restock.toml"
    config.write_text(line + "\n")
    r = cli.fails(2, "serve", "--listen", "127.0.0.1:0", "--config", str(config))
    setting = line.split(" ")[0].replace("_", "-")
    assert setting in r.stderr and "restock.toml" in r.stderr, r.describe()
