"""The webhook management API over HTTP (docs/webhooks.md): authenticated per merchant,
validated like the CLI, and the same endpoints as `restock webhook …`."""

from __future__ import annotations

import json

from harness import assert_detail
from webhook_support import FAST, Receiver, wait_for

SECRET = "whsec_http_secret_0123456789"


def post(restock, path, body=None, merchant=None, raw=None):
    h = (merchant or restock.a).key_headers()
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    if data is not None:
        h["content-type"] = "application/json"
    return restock.request("POST", path, headers=h, data=data)


def get(restock, path, merchant=None):
    return restock.request("GET", path, headers=(merchant or restock.a).key_headers())


def test_manage_endpoints_over_http(restock, tmp_path):
    rx = Receiver(tmp_path, secrets=[SECRET])
    try:
        restock.serve(*FAST)
        created = post(restock, "/webhooks/", {"url": rx.url, "events": ["product.stock_changed"],
                                               "secret": SECRET})
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["secret"] == SECRET and hook["events"] == ["product.stock_changed"]
        hid = hook["id"]
        listed = get(restock, "/webhooks/").json()
        assert [h["id"] for h in listed["results"]] == [hid] and "secret" not in listed["results"][0]
        assert get(restock, "/webhooks/", merchant=restock.b).json()["results"] == []
        assert_detail(get(restock, f"/webhooks/{hid}/", merchant=restock.b), 404)
        assert get(restock, f"/webhooks/{hid}").json()["url"] == rx.url

        # HMAC API-user scope works too; no credentials do not.
        user = restock.request("GET", "/webhooks/", headers=restock.a.user_headers())
        assert user.status_code == 200
        assert_detail(restock.request("GET", "/webhooks/"), 401)

        restock.patch([{"product_id": "P2", "live": False}])
        wait_for(rx.accepted, 30, "a delivery")
        # The attempt is logged once the receiver's answer is back, a moment after it accepted.
        def logged():
            body = get(restock, f"/webhooks/{hid}/deliveries/?page_size=1").json()
            return body if body["results"] else None
        log = wait_for(logged, 30, "the attempt log")
        assert [a["outcome"] for a in log["results"]] == ["delivered"]
        assert log["results"][0]["status_code"] == 200
        duration = log["results"][0]["duration_ms"]  # whole milliseconds, never 3.46E-1
        assert isinstance(duration, int) and duration >= 0
        assert '"duration_ms":' + str(duration) + "," in get(
            restock, f"/webhooks/{hid}/deliveries/?page_size=1").text

        replay = post(restock, f"/webhooks/{hid}/replay/", {"delivery_id": log["results"][0]["delivery_id"]})
        assert replay.json() == {"enqueued": 1}, replay.text
        wait_for(lambda: len(rx.accepted()) == 2, 30, "the replay")
        assert rx.accepted()[0]["body"] == rx.accepted()[1]["body"]
        wait_for(lambda: len(get(restock, f"/webhooks/{hid}/deliveries/").json()["results"]) == 2,
                 30, "the replay's attempt logged")
        page = get(restock, f"/webhooks/{hid}/deliveries/?page_size=1").json()
        assert page["next"] is not None
        cursor = page["next"].split("cursor=")[1].split("&")[0]
        older = get(restock, f"/webhooks/{hid}/deliveries/?page_size=1&cursor={cursor}").json()
        assert older["results"][0]["id"] < page["results"][0]["id"]

        rotated = post(restock, f"/webhooks/{hid}/rotate/")
        assert rotated.status_code == 200 and rotated.json()["secret"].startswith("whsec_")
        assert rotated.json()["secret"] != SECRET
        disabled = post(restock, f"/webhooks/{hid}/disable/").json()
        assert disabled["enabled"] is False and disabled["previous_secret_expires"] is not None
        assert post(restock, f"/webhooks/{hid}/enable/").json()["enabled"] is True
    finally:
        rx.stop()


def test_bad_requests_are_rejected_and_change_nothing(restock):
    restock.serve()
    bad = [
        {"url": "ftp://x/", "events": ["order.placed"]},
        {"events": ["order.placed"]},
        {"url": "http://x/", "events": "order.placed"},
        {"url": "http://x/", "events": ["order.nope"]},
        {"url": "http://x/", "events": []},
        {"url": "http://x/", "events": ["order.placed"], "secret": "short"},
        {"url": 5, "events": ["order.placed"]},
    ]
    for body in bad:
        assert_detail(post(restock, "/webhooks/", body), 400)
    assert_detail(post(restock, "/webhooks/", raw="{not json"), 400)
    assert_detail(post(restock, "/webhooks/", raw="[]"), 400)
    r = restock.request("POST", "/webhooks/", headers=restock.a.key_headers(),
                        data=json.dumps({"url": "http://x/", "events": ["order.placed"]}))
    assert_detail(r, 415)
    customer = restock.request("GET", "/webhooks/", headers=restock.a.customer_headers("c1"))
    assert customer.status_code in (401, 403)
    assert get(restock, "/webhooks/").json()["results"] == []
    assert_detail(post(restock, "/webhooks/77/rotate/"), 404)
    assert_detail(get(restock, "/webhooks/abc/"), 404)
    hid = post(restock, "/webhooks/", {"url": "http://x/", "events": ["order.placed"]}).json()["id"]
    assert_detail(post(restock, f"/webhooks/{hid}/replay/", {}), 400)
    assert_detail(post(restock, f"/webhooks/{hid}/replay/", {"since": "soon"}), 400)
    assert_detail(post(restock, f"/webhooks/{hid}/replay/", {"delivery_id": 5}), 404)
    assert_detail(get(restock, f"/webhooks/{hid}/deliveries/?page_size=0"), 400)


def test_endpoint_list_is_paged_like_every_list(restock):
    ids = [post(restock, "/webhooks/", {"url": f"http://127.0.0.1:9/h{i}",
                                        "events": ["order.placed"]}).json()["id"]
           for i in range(5)]
    other = post(restock, "/webhooks/", {"url": "http://127.0.0.1:9/b", "events": ["order.placed"]},
                 merchant=restock.b).json()["id"]

    def page(url):
        r = get(restock, url.split(restock.server.address, 1)[-1])
        assert r.status_code == 200, r.text
        return r.json()

    first = page("/webhooks/?page_size=2")
    assert [e["id"] for e in first["results"]] == ids[:2] and first["previous"] is None
    second = page(first["next"])
    assert [e["id"] for e in second["results"]] == ids[2:4]
    last = page(second["next"])
    assert [e["id"] for e in last["results"]] == ids[4:] and last["next"] is None
    back = page(last["previous"])
    assert [e["id"] for e in back["results"]] == ids[2:4]
    assert page(back["previous"])["results"] == first["results"]
    assert other not in [e["id"] for e in page("/webhooks/?page_size=100")["results"]]
    assert len(page("/webhooks/")["results"]) == 5
    for bad in ("page_size=0", "page_size=101", "page_size=abc", "cursor=zz", "cursor=a-1"):
        assert_detail(get(restock, f"/webhooks/?{bad}"), 400)


def test_delete_removes_the_endpoint_its_deliveries_and_log_only_for_its_merchant(restock):
    """DELETE /webhooks/{id}/ and `webhook remove`: another merchant's id is 404 and changes
    nothing; the endpoint's outbox rows and log go with it, other endpoints' stay."""
    from webhook_support import outbox, rows
    a1 = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url",
                        "http://127.0.0.1:9/a1", "--events", "product.stock_changed")["id"]
    a2 = restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url",
                        "http://127.0.0.1:9/a2", "--events", "product.stock_changed")["id"]
    restock.cli.ok("webhook", "disable", "--merchant", restock.a.public_id, "--id", str(a2))
    restock.cli.ok("webhook", "enable", "--merchant", restock.a.public_id, "--id", str(a2))
    assert [r["status"] for r in results_of(restock.patch([{"product_id": "P1", "inventory": 4}]))] \
        == [200]
    assert sorted(r["endpoint_id"] for r in outbox(restock.db)) == [a1, a2]

    headers = restock.b.key_headers()
    assert_detail(restock.request("DELETE", f"/webhooks/{a1}/", headers=headers), 404)
    assert len(outbox(restock.db)) == 2
    resp = restock.request("DELETE", f"/webhooks/{a1}/", headers=restock.a.key_headers())
    assert resp.status_code == 200 and resp.json() == {"id": a1, "deleted": True}, resp.text
    assert_detail(get(restock, f"/webhooks/{a1}/"), 404)
    assert_detail(restock.request("DELETE", f"/webhooks/{a1}/", headers=restock.a.key_headers()),
                  404)
    assert [r["endpoint_id"] for r in outbox(restock.db)] == [a2]

    restock.cli.fails(3, "webhook", "remove", "--merchant", restock.b.public_id, "--id", str(a2))
    assert restock.cli.ok("webhook", "remove", "--merchant", restock.a.public_id,
                          "--id", str(a2)) == {"id": a2, "deleted": True}
    assert outbox(restock.db) == []
    assert rows(restock.db, "SELECT id FROM webhook_endpoints") == []


def results_of(resp):
    from harness import results
    return results(resp)
