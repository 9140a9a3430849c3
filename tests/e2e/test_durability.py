"""Durability (SPEC §2): once a client has read a 207, no crash loses the update. The
server is killed with SIGKILL right after the response and the database is read back.
Concurrent load killed at random moments: test_crash_consistency.py."""

from __future__ import annotations

from harness import results

ROUNDS = 20


def test_acknowledged_update_survives_kill9(restock):
    for i in range(1, ROUNDS + 1):
        server = restock.serve()
        body = [{"product_id": "P1", "inventory": i, "live": i % 2 == 0},
                {"product_id": "P2", "name": f"round {i}", "price": f"{i}.25"}]
        assert [r["status"] for r in results(restock.patch(body))] == [200, 200]
        server.kill9()

        restock.serve()  # restarts on the same database
        p1, p2 = restock.product("P1"), restock.product("P2")
        assert (p1["inventory"], p1["live"]) == (i, i % 2 == 0), f"round {i}: {p1}"
        assert (p2["name"], p2["price"]) == (f"round {i}", f"{i}.25"), f"round {i}: {p2}"
