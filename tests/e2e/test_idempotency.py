"""Idempotent retries of the batch endpoints (docs/api.md, "Idempotent retries"): a request
with an Idempotency-Key is applied once; a retry with the same key and body gets the stored
answer with `Idempotent-Replayed: true` and applies nothing, even after a crash right after
the 207; another body with the key is 422; two nodes sharing a key apply it once. The same
tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading

import requests

from harness import BACKEND, Server, assert_detail, execute, query, raw_exchange, raw_patch

CREATE = "/products-batch/create/"


def keyed(restock, body, key: str, *, server: Server | None = None, path: str | None = None,
          merchant=None, **kw) -> requests.Response:
    auth = (merchant or restock.a).user_headers()
    kw.setdefault("method", "POST" if path == CREATE else "PATCH")
    return restock.patch(body, auth=auth, headers={"Idempotency-Key": key}, server=server,
                         **({"path": path} if path else {}), **kw)


def test_a_retry_gets_the_stored_answer_and_applies_nothing(restock):
    body = [{"product_id": "P1", "inventory_adjust": -3}, {"product_id": "NOPE", "live": False},
            {"product_id": "P2", "inventory_adjust": 1}]
    first = keyed(restock, body, "order-sync-0001")
    assert first.status_code == 207, first.text
    assert "idempotent-replayed" not in {k.lower() for k in first.headers}
    assert [r["status"] for r in first.json()["results"]] == [200, 404, 409]
    events = len(restock.stock_events())

    again = keyed(restock, body, "order-sync-0001")
    assert again.status_code == 207
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content
    assert restock.product("P1")["inventory"] == 7
    assert len(restock.stock_events()) == events

    # Without the key the same body applies again.
    assert restock.patch(body).status_code == 207
    assert restock.product("P1")["inventory"] == 4


def test_the_same_key_with_another_body_is_422_and_applies_nothing(restock):
    assert keyed(restock, [{"product_id": "P1", "inventory_adjust": -1}], "k-1").status_code == 207
    r = keyed(restock, [{"product_id": "P1", "inventory_adjust": -2}], "k-1")
    assert_detail(r, 422)
    # The same key on the other endpoint is another request too.
    assert_detail(keyed(restock, [{"product_id": "P1", "inventory_adjust": -1}], "k-1",
                        path=CREATE), 422)
    assert restock.product("P1")["inventory"] == 9


def test_keys_are_per_merchant(restock):
    body = [{"product_id": "SHARED", "live": False}]
    assert keyed(restock, body, "shared-key").status_code == 207
    r = keyed(restock, body, "shared-key", merchant=restock.b)
    assert r.status_code == 207 and "Idempotent-Replayed" not in r.headers
    assert restock.product("SHARED", restock.b)["live"] is False


def test_create_is_replayed_not_reported_as_existing(restock):
    body = [{"product_id": "NEW-1", "name": "New", "inventory": 5}]
    first = keyed(restock, body, "create-1", path=CREATE)
    assert first.status_code == 207 and first.json()["results"][0]["status"] == 200, first.text
    again = keyed(restock, body, "create-1", path=CREATE)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content
    # Without the key, the product exists already.
    assert restock.patch(body, method="POST", path=CREATE).json()["results"][0]["status"] == 400


def test_a_retry_after_kill_9_right_after_the_207_is_replayed(restock):
    body = [{"product_id": "P1", "inventory_adjust": 5}]
    first = keyed(restock, body, "crash-key")
    assert first.status_code == 207, first.text
    restock.server.kill9()
    restock.serve()
    again = keyed(restock, body, "crash-key")
    assert again.status_code == 207 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content
    assert restock.product("P1")["inventory"] == 15


def test_invalid_keys_are_400_and_change_nothing(restock):
    body = json.dumps([{"product_id": "P1", "inventory_adjust": 1}]).encode()
    auth = restock.a.user_headers()
    for extra in ["idempotency-key: \r\n", f"idempotency-key: {'k' * 256}\r\n",
                  "idempotency-key: caf\xe9\r\n", "idempotency-key: a\r\nidempotency-key: a\r\n"]:
        data = raw_patch(auth, body, extra="")
        head, sep, rest = data.partition(b"\r\n\r\n")
        data = head + b"\r\n" + extra.encode("latin-1") + b"\r\n" + rest
        [r] = raw_exchange(restock.server, data)
        assert r.status == 400, (extra, r.status, r.body)
        assert "Idempotency-Key" in json.loads(r.body)["detail"]
    assert restock.product("P1")["inventory"] == 10
    # 255 printable characters, spaces inside included, are a key.
    key = "k " + "~" * 253
    assert keyed(restock, [{"product_id": "P1", "inventory_adjust": 1}], key).status_code == 207
    assert keyed(restock, [{"product_id": "P1", "inventory_adjust": 1}], key).headers.get(
        "Idempotent-Replayed") == "true"
    assert restock.product("P1")["inventory"] == 11


def test_expired_keys_apply_again_and_are_pruned(restock):
    body = [{"product_id": "P1", "inventory_adjust": -1}]
    assert keyed(restock, body, "old-key").status_code == 207
    # 24 hours later (the stored expiry moved back instead of the clock forward).
    execute(restock.db, "UPDATE idempotency_keys SET expires = expires - ?", (86_400_000_001,))
    r = keyed(restock, body, "old-key")
    assert r.status_code == 207 and "Idempotent-Replayed" not in r.headers
    assert restock.product("P1")["inventory"] == 8
    # Expired keys are deleted by a later keyed request (the first after a start prunes).
    for i in range(5):
        execute(restock.db, "INSERT INTO idempotency_keys (merchant_id, key, request_hash, "
                            "status, body, created, expires) SELECT merchant_id, ?, request_hash, "
                            "status, body, 0, 1 FROM idempotency_keys WHERE key = 'old-key'",
                (f"expired-{i}",))
    restock.server.stop()
    restock.serve()
    assert keyed(restock, body, "new-key").status_code == 207
    keys = sorted(k for (k,) in query(restock.db, "SELECT key FROM idempotency_keys"))
    assert keys == ["new-key", "old-key"], keys


def test_two_nodes_sharing_a_key_apply_it_once(restock):
    node1 = restock.server
    node2 = Server(restock.db, restock.tmp, name="node2")
    restock._servers.append(node2)
    for round_ in range(5):
        body = [{"product_id": "P1", "inventory_adjust": 1}, {"product_id": "P2", "live": False}]
        key = f"shared-{round_}"
        got: list[requests.Response] = []
        go = threading.Barrier(2)

        def send(server: Server) -> None:
            go.wait()
            got.append(keyed(restock, body, key, server=server))

        threads = [threading.Thread(target=send, args=(s,)) for s in (node1, node2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in got)
        assert statuses in ([207, 207], [207, 409]), [(r.status_code, r.text) for r in got]
        ok = [r for r in got if r.status_code == 207]
        if len(ok) == 2:
            assert ok[0].content == ok[1].content
            assert sorted(r.headers.get("Idempotent-Replayed", "") for r in ok) == ["", "true"]
        assert restock.product("P1")["inventory"] == 10 + round_ + 1, BACKEND


def test_two_nodes_sending_one_key_with_different_bodies_apply_one(restock):
    """Different bodies lock different products, so neither waits for the other's locks: the
    key itself decides (on PostgreSQL the second insert waits for the first transaction, then
    that request runs again and finds the answer)."""
    node1 = restock.server
    node2 = Server(restock.db, restock.tmp, name="node2")
    restock._servers.append(node2)
    expected_p1, expected_name = 10, "A's shared"
    for round_ in range(5):
        bodies = {node1: [{"product_id": "P1", "inventory_adjust": 1}],
                  node2: [{"product_id": "SHARED", "name": f"renamed {round_}"}]}
        got: dict[Server, requests.Response] = {}
        go = threading.Barrier(2)

        def send(server: Server) -> None:
            go.wait()
            got[server] = keyed(restock, bodies[server], f"split-{round_}", server=server)

        threads = [threading.Thread(target=send, args=(s,)) for s in (node1, node2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in got.values())
        assert statuses in ([207, 409], [207, 422]), [(r.status_code, r.text) for r in got.values()]
        if got[node1].status_code == 207:
            expected_p1 += 1
        else:
            expected_name = f"renamed {round_}"
        assert restock.product("P1")["inventory"] == expected_p1
        assert restock.product("SHARED")["name"] == expected_name
