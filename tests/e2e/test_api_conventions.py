"""Conventions shared by the merchant API's endpoints (README, "API"): what a
customer-scope credential is told, and cursor pagination on every list endpoint."""

from __future__ import annotations

import pytest

from harness import assert_detail

# Every merchant endpoint, with what a customer-scope signature is refused (the 403 names it).
CUSTOMER_REFUSALS = [
    ("PATCH", "/products-batch/update/", "update products"),
    ("POST", "/products-batch/create/", "create products"),
    ("GET", "/products/", "list products"),
    ("GET", "/products/P1/", "read products"),
    ("PATCH", "/products/P1/", "update products"),
    ("GET", "/products/P1/stock-history/", "read stock history"),
    ("GET", "/products/P1/demand/", "read product demand"),
    ("POST", "/subscriptions/", "create subscriptions"),
    ("GET", "/subscriptions/1/", "read subscriptions"),
    ("PATCH", "/subscriptions/1/", "change subscriptions"),
    ("GET", "/orders/", "list orders"),
    ("GET", "/orders/1/", "read orders"),
    ("POST", "/orders/1/cancel/", "cancel orders"),
    ("GET", "/webhooks/", "manage webhooks"),
    ("POST", "/webhooks/", "manage webhooks"),
    ("GET", "/webhooks/1/deliveries/", "manage webhooks"),
]


@pytest.mark.parametrize("method,path,action", CUSTOMER_REFUSALS,
                         ids=[f"{m} {p}" for m, p, _ in CUSTOMER_REFUSALS])
def test_customer_credentials_are_told_what_is_refused(restock, method, path, action):
    headers = {**restock.a.customer_headers("customer-42"), "content-type": "application/json"}
    body = "[]" if path.startswith("/products-batch/") else "{}"
    r = restock.request(method, path, headers=headers, data=body)
    assert_detail(r, 403)
    assert r.json()["detail"] == f"Customer credentials may not {action}."


# ------------------------------------------------------------------ cursor pagination

def get(restock, path: str, **headers: str):
    return restock.request("GET", path, headers={**restock.a.key_headers(), **headers})


def subscribe(restock, customer: str) -> None:
    r = restock.request("POST", "/subscriptions/",
                        headers={**restock.a.key_headers(), "content-type": "application/json"},
                        json={"customer": customer, "product_id": "P2", "every": 1,
                              "period": "month", "start": "2026-12-01"})
    assert r.status_code == 201, r.text


def test_orders_at_the_largest_page_size_link_the_next_page(restock):
    for i in range(101):
        subscribe(restock, f"c{i}")
    first = get(restock, "/orders/?page_size=100&status=unsent")
    assert first.status_code == 200, first.text
    first = first.json()
    assert len(first["results"]) == 100 and first["previous"] is None
    assert first["next"] is not None, "a full page of 100 must link the next one"
    second = get(restock, first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [o["id"] for o in first["results"] + second["results"]]
    assert ids == sorted(set(ids))
    back = get(restock, second["previous"]).json()
    assert back["results"] == first["results"]


def test_page_links_are_relative_to_the_request_whatever_the_host(restock):
    # A client-supplied Host (or forwarding headers) must never end up in a link.
    r = get(restock, "/products/?page_size=1&live=true", Host="evil.example",
            **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
               "Forwarded": "host=evil.example;proto=https"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["next"].startswith("/products/?cursor=a"), body["next"]
    assert body["next"].endswith("&page_size=1&live=true"), body["next"]
    nxt = get(restock, body["next"]).json()
    assert nxt["previous"].startswith("/products/?cursor=b"), nxt["previous"]
    for path in ("/orders/?page_size=1", "/products/P1/stock-history/?page_size=1",
                 "/webhooks/?page_size=1"):
        assert get(restock, path, Host="evil.example").status_code == 200


def test_order_links_keep_the_filters(restock):
    for i in range(3):
        subscribe(restock, f"c{i}")
    body = get(restock, "/orders/?page_size=2&status=unsent&place_date=2026-12-01").json()
    assert body["next"].startswith("/orders/?cursor=a"), body["next"]
    assert body["next"].endswith("&page_size=2&status=unsent&place_date=2026-12-01")


# Cursors that name no position: above INT64_MAX, negative, signed, blank, garbage.
BAD_ID_CURSORS = ["9223372036854775808", "99999999999999999999", "-1", "-0", "+1", " 1", "1x",
                  "0x10", ""]


def list_paths(restock) -> list[tuple[str, list[str]]]:
    """Every list endpoint with the cursors it must refuse."""
    hook = restock.request("POST", "/webhooks/",
                           headers={**restock.a.key_headers(), "content-type": "application/json"},
                           json={"url": "http://127.0.0.1:9/h", "events": ["order.placed"]})
    assert hook.status_code == 201, hook.text
    hid = hook.json()["id"]
    return [
        ("/orders/", [k + c for k in "ab" for c in BAD_ID_CURSORS] + ["c1", "a", "b", "garbage"]),
        ("/webhooks/", [k + c for k in "ab" for c in BAD_ID_CURSORS] + ["c1", "a"]),
        ("/products/P1/stock-history/", [k + c for k in "on" for c in BAD_ID_CURSORS] + ["x1", "o"]),
        (f"/webhooks/{hid}/deliveries/", BAD_ID_CURSORS + ["a1", "garbage"]),
        ("/products/", ["a", "b", "a1", "azz", "x5031", "a5031x", "garbage"]),
    ]


def test_cursors_out_of_range_or_malformed_are_400_on_every_list_endpoint(restock):
    from urllib.parse import quote
    for path, cursors in list_paths(restock):
        for cursor in cursors:
            r = get(restock, f"{path}?cursor={quote(cursor, safe='')}")
            assert r.status_code == 400, f"{path} cursor {cursor!r}: {r.status_code} {r.text}"
            assert r.json() == {"detail": "Invalid cursor."}, r.text


def test_the_largest_cursor_is_accepted(restock):
    for path in ("/orders/?cursor=a9223372036854775807", "/webhooks/?cursor=a9223372036854775807"):
        r = get(restock, path)
        assert r.status_code == 200, f"{path}: {r.text}"
        assert r.json()["results"] == [] and r.json()["next"] is None
    r = get(restock, "/products/P1/stock-history/?cursor=o9223372036854775807")
    assert r.status_code == 200, r.text
