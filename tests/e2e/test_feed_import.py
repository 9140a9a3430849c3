"""`restock product import --merchant PID FILE.xml`: Ordergroove's XML Product Feed through
the real binary — special characters, absent optional tags, bad rows, a malformed feed,
stock events with source feed, and the progress bar only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess

import pytest

import harness
from harness import restock_bin

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<products>
  <product>
    <product_id>P1</product_id>
    <in_stock>0</in_stock>
  </product>
  <product>
    <product_id><![CDATA[caf\u00e9 & th\u00e9]]></product_id>
    <sku>S-&#x2603;</sku>
    <name><![CDATA[Caf\u00e9 "Noir" & <Cr\u00e8me>]]></name>
    <price>12.99</price>
    <in_stock>1</in_stock>
    <discontinued>0</discontinued>
    <autoship_eligible>1</autoship_eligible>
    <details_url>https://shop.test/p?a=1&amp;b=2</details_url>
    <image_url>https://shop.test/p.jpg</image_url>
    <every>2</every>
    <every_period>2</every_period>
    <extra_data><field key="origin">Kenya</field></extra_data>
  </product>
  <product><product_id>BAD-PRICE</product_id><price>1.999</price></product>
  <product><name>no id</name></product>
  <product><product_id>BAD-BOOL</product_id><in_stock>yes</in_stock></product>
  <product><product_id>P2</product_id><name>Product Two</name></product>
  <product><product_id>P1</product_id><in_stock>1</in_stock></product>
</products>
"""


def write(tmp, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_xml_feed_import_summary_products_and_events(restock):
    pid = restock.a.public_id
    path = write(restock.tmp, "merchant-a.Products.xml", FEED)
    r = restock.cli.run("product", "import", "--merchant", pid, path)
    assert r.rc == 0, r.describe()
    assert r.stderr == "", "no progress bar when stderr is not a terminal"
    summary = r.json
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    rejected = summary["rejected"]
    assert [(x["element"], x["line"]) for x in rejected] == [(3, 21), (4, 22), (5, 23), (7, 25)]
    assert list(rejected[0]["errors"]) == ["price"]
    assert rejected[1]["errors"] == {"product_id": ["is required"]}
    assert rejected[2]["errors"] == {"in_stock": ["must be a boolean"]}
    assert "more than once" in rejected[3]["errors"]["product_id"][0]

    p = restock.product("caf\u00e9 & th\u00e9")
    assert p["sku"] == "S-\u2603"
    assert p["name"] == 'Caf\u00e9 "Noir" & <Cr\u00e8me>'
    assert p["price"] == "12.99"
    assert p["detail_url"] == "https://shop.test/p?a=1&b=2"
    assert (p["live"], p["discontinued"], p["autoship_enabled"]) == (True, False, True)
    # in_stock=0 for P1 (seeded live) is a stock change with source feed; absent tags keep
    # the stored values; the duplicate P1 (in_stock=1) was rejected, not applied.
    p1 = restock.product("P1")
    assert p1["live"] is False and p1["name"] == "Product One" and p1["price"] == "10.00"
    events = [e for e in restock.stock_events() if e["product_id"] == "P1"]
    assert len(events) == 1 and events[0]["source"] == "feed"
    assert restock.product("P2")["name"] == "Product Two"

    # The same feed again: nothing changes.
    again = restock.cli.ok("product", "import", "--merchant", pid, path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert len([e for e in restock.stock_events() if e["product_id"] == "P1"]) == 1


def test_malformed_feed_changes_nothing(restock):
    pid = restock.a.public_id
    before = restock.product("P1")
    bad = FEED.replace("</products>", "<product><product_id>X</product_id></products>")
    r = restock.cli.fails(2, "product", "import", "--merchant", pid,
                          write(restock.tmp, "bad.xml", bad))
    assert "XML error at line" in r.stderr and "mismatched tag" in r.stderr, r.stderr
    assert restock.product("P1") == before
    restock.cli.fails(3, "product", "get", "--merchant", pid, "caf\u00e9 & th\u00e9")
    r = restock.cli.fails(2, "product", "import", "--merchant", pid,
                          write(restock.tmp, "doctype.xml",
                                '<!DOCTYPE products [<!ENTITY x "y">]><products/>'))
    assert "DOCTYPE" in r.stderr
    r = restock.cli.fails(2, "product", "import", "--merchant", pid,
                          write(restock.tmp, "root.xml", "<catalog></catalog>"))
    assert "<products>" in r.stderr
    restock.cli.fails(3, "product", "import", "--merchant", pid, str(restock.tmp / "none.xml"))
    restock.cli.fails(3, "product", "import", "--merchant", "nobody",
                      write(restock.tmp, "ok.xml", FEED))


def test_progress_bar_on_a_terminal(restock):
    """stderr on a pseudo-terminal gets a bar redrawn with '\\r'; stdout stays pure JSON."""
    lines = ["<products>"] + [
        f"<product><product_id>T{i}</product_id><in_stock>1</in_stock></product>"
        for i in range(5000)] + ["</products>"]
    path = write(restock.tmp, "big.xml", "\n".join(lines))
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESTOCK_")}
    proc = subprocess.run(
        [str(restock_bin()), "product", "import", "--db", str(restock.db),
         "--merchant", restock.a.public_id, path],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env, timeout=60)
    os.close(slave)
    shown = b""
    try:
        while True:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            shown += chunk
    except OSError:
        pass  # EIO once the slave side is closed and drained
    os.close(master)
    assert proc.returncode == 0, shown
    assert json.loads(proc.stdout)["created"] == 5000
    text = shown.decode()
    assert "\r[" in text and "100.0% 5000 products" in text, text[-300:]


@pytest.mark.skipif(harness.BACKEND != "postgresql", reason="PostgreSQL planner statistics")
def test_import_refreshes_postgresql_planner_statistics(restock):
    # Right after a large import PostgreSQL's planner still has the empty table's estimate
    # until autovacuum runs, and reads a merchant's whole catalogue for every batch lookup
    # (docs/decisions.md, "PostgreSQL backend"). The import runs ANALYZE itself; last_analyze is set by a
    # manual ANALYZE only (autovacuum sets last_autoanalyze).
    def last_analyze():
        return harness.query(restock.db, "SELECT last_analyze FROM pg_stat_user_tables "
                                         "WHERE relname = 'products'")[0][0]

    assert last_analyze() is None
    path = write(restock.tmp, "merchant-a.Products.xml", FEED)
    restock.cli.ok("product", "import", "--merchant", restock.a.public_id, path)
    assert last_analyze() is not None
