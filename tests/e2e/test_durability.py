"""Durability (SPEC §2): once a client has read a 207, no crash loses the update. The
server is killed with SIGKILL right after the response and the database is read back by
the next server process, started on the same database (which then takes the next round's
update). Concurrent load killed at random moments: test_crash_consistency.py."""

from __future__ import annotations

from harness import results

ROUNDS = 20


def test_acknowledged_update_survives_kill9(restock):
    server = restock.serve()
    for i in range(1, ROUNDS + 1):
        body = [{"product_id": "P1", "inventory": i, "live": i % 2 == 0},
                {"product_id": "P2", "name": f"round {i}", "price": f"{i}.25"}]
        assert [r["status"] for r in results(restock.patch(body))] == [200, 200]
        server.kill9()

        server = restock.serve()  # restarts on the same database
        p1, p2 = (server.request("GET", f"/products/{p}/", headers=restock.a.key_headers())
                  for p in ("P1", "P2"))
        assert p1.status_code == 200 and p2.status_code == 200, (p1.text, p2.text)
        p1, p2 = p1.json(), p2.json()
        assert (p1["inventory"], p1["live"]) == (i, i % 2 == 0), f"round {i}: {p1}"
        assert (p2["name"], p2["price"]) == (f"round {i}", f"{i}.25"), f"round {i}: {p2}"
    # And through the CLI, a process that never served.
    server.stop()
    p1, p2 = restock.product("P1"), restock.product("P2")
    assert (p1["inventory"], p1["live"], p2["name"]) == (ROUNDS, True, f"round {ROUNDS}")
