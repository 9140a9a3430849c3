"""Event order (docs/webhooks.md, "Order of events"): webhook events carry a per-merchant
`sequence` in commit order and `created` with milliseconds, so two changes of one product in
the same second are told apart and ordered; the stock history shows milliseconds too."""

from __future__ import annotations

import json

from harness import ISO_UTC, query, results
from webhook_support import outbox


def _hook(restock, merchant) -> None:
    # Never delivered (serve runs without delivery): only the outbox rows are read.
    restock.cli.ok("webhook", "add", "--merchant", merchant.public_id, "--url",
                   "https://hooks.example.com/restock", "--events",
                   "product.stock_changed,order.placed", "--secret", "whsec_order_0123456789")


def _merchant_id(restock, merchant) -> int:
    ids = dict((pid, mid) for mid, pid in query(restock.db, "SELECT id, public_id FROM merchants"))
    return ids[merchant.public_id]


def _changed(restock, merchant_id: int) -> list[dict]:
    return [json.loads(r["body"]) for r in outbox(restock.db)
            if r["merchant_id"] == merchant_id and r["event_type"] == "product.stock_changed"]


def test_two_changes_in_one_second_carry_increasing_sequences_and_ordered_millis(restock):
    _hook(restock, restock.a)
    _hook(restock, restock.b)
    restock.serve("--webhooks", "false")
    # Two changes of P1 within one second: retried until a pair lands in one second (it
    # almost always does on the first try).
    for _ in range(5):
        for live in (False, True):
            assert results(restock.patch([{"product_id": "P1", "live": live}])) == \
                [{"product_id": "P1", "status": 200}]
        bodies = _changed(restock, _merchant_id(restock, restock.a))
        first, second = bodies[-2], bodies[-1]
        if first["created"][:19] == second["created"][:19]:
            break
    else:
        raise AssertionError("no two changes landed in one second")
    assert (first["data"]["live"], second["data"]["live"]) == (False, True)
    assert second["sequence"] > first["sequence"]
    for e in (first, second):
        assert ISO_UTC.match(e["created"]) and len(e["created"]) == len("2026-01-01T00:00:00.000Z")
        assert e["data"]["changed"] == e["created"]
    assert second["created"] > first["created"], (first["created"], second["created"])

    # One numbering per merchant, from 1, without repeats; merchant B's starts at 1 too.
    sequences = [e["sequence"] for e in bodies]
    assert sequences == list(range(1, len(bodies) + 1)), sequences
    assert results(restock.patch([{"product_id": "SHARED", "live": False}],
                                 auth=restock.b.user_headers())) == \
        [{"product_id": "SHARED", "status": 200}]
    assert [e["sequence"] for e in _changed(restock, _merchant_id(restock, restock.b))] == [1]

    # The stock history shows the same milliseconds, newest first.
    history = restock.request("GET", "/products/P1/stock-history/?page_size=2",
                              headers=restock.a.key_headers()).json()["results"]
    assert [h["created"] for h in history] == [second["created"], first["created"]]
