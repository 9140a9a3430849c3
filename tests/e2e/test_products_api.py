"""The product endpoints shaped like Ordergroove's: GET /products/ (filters, cursor pages),
GET and PATCH /products/{id}/, GET /products/{id}/stock-history/ and
POST /products-batch/create/. Merchant-scoped: another merchant's product is 404."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness import ISO_UTC, PRODUCT_KEYS, assert_detail, results


def get(restock, path: str, merchant=None, **kw: Any):
    m = merchant or restock.a
    return restock.request("GET", path, headers=m.key_headers(), **kw)


def send(restock, method: str, path: str, body: Any, merchant=None, headers=None):
    h = {**(merchant or restock.a).key_headers(), "content-type": "application/json"}
    h.update(headers or {})
    return restock.request(method, path, headers=h, data=json.dumps(body).encode())


def follow(restock, url: str | None, merchant=None) -> dict[str, Any]:
    """GETs a next/previous link (absolute URL on the server under test)."""
    assert url is not None
    parts = urlsplit(url)
    r = get(restock, parts.path + "?" + parts.query, merchant)
    assert r.status_code == 200, r.text
    return r.json()


def ids(page: dict[str, Any]) -> list[str]:
    return [p["product_id"] for p in page["results"]]


# ------------------------------------------------------------------ GET /products/


def test_list_is_scoped_ordered_and_shaped(restock):
    r = get(restock, "/products/")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"next", "previous", "results"}
    assert ids(body) == ["P1", "P2", "P3", "SHARED"]
    assert body["next"] is None and body["previous"] is None
    for p in body["results"]:
        assert set(p) == PRODUCT_KEYS, p
        assert ISO_UTC.match(p["created"]) and ISO_UTC.match(p["last_update"])
    assert body["results"][0]["price"] == "10.00"
    assert body["results"][3]["name"] == "A's shared"
    b = get(restock, "/products/", restock.b).json()
    assert ids(b) == ["B1", "SHARED"]
    assert b["results"][1]["name"] == "B's shared"


def test_list_with_api_user_signature(restock):
    r = restock.request("GET", "/products/", headers=restock.a.user_headers())
    assert r.status_code == 200, r.text
    assert ids(r.json()) == ["P1", "P2", "P3", "SHARED"]


def test_list_needs_credentials(restock):
    assert_detail(restock.request("GET", "/products/"), 401)
    assert_detail(restock.request("GET", "/products/", headers={"x-api-key": "nope"}), 401)


@pytest.mark.parametrize("query,want", [
    ("live=true", ["P1", "P2", "SHARED"]),
    ("live=false", ["P3"]),
    ("live=0", ["P3"]),
    ("live=True&search=p", ["P1", "P2"]),
    ("discontinued=false", ["P1", "P2", "P3", "SHARED"]),
    ("discontinued=true", []),
    ("search=sku-p2", ["P2"]),          # sku, any ASCII case
    ("search=THREE", ["P3"]),           # name
    ("search=shar", ["SHARED"]),        # product id
    ("search=%25", []),                 # '%' is a plain character
    ("search=", ["P1", "P2", "P3", "SHARED"]),
])
def test_list_filters(restock, query, want):
    r = get(restock, "/products/?" + query)
    assert r.status_code == 200, r.text
    assert ids(r.json()) == want


@pytest.mark.parametrize("query", [
    "live=maybe", "discontinued=", "page_size=0", "page_size=101", "page_size=x",
    "cursor=zz", "cursor=a", "cursor=aXY", "search=" + "x" * 1025,
])
def test_list_rejects_invalid_parameters(restock, query):
    assert_detail(get(restock, "/products/?" + query), 400)


def test_list_pages_forward_and_back_with_filters_kept(restock):
    for i in range(7):
        restock.cli.ok("product", "add", "--merchant", restock.a.public_id,
                       "--product-id", f"X{i}", "--name", f"extra {i}", "--live", "true")
    first = get(restock, "/products/?page_size=3&live=true").json()
    assert ids(first) == ["P1", "P2", "SHARED"]
    assert first["previous"] is None
    assert "live=true" in first["next"] and "page_size=3" in first["next"]
    second = follow(restock, first["next"])
    assert ids(second) == ["X0", "X1", "X2"]
    third = follow(restock, second["next"])
    assert ids(third) == ["X3", "X4", "X5"]
    last = follow(restock, third["next"])
    assert ids(last) == ["X6"] and last["next"] is None
    back = follow(restock, last["previous"])
    assert ids(back) == ["X3", "X4", "X5"]
    back = follow(restock, back["previous"])
    assert ids(back) == ["X0", "X1", "X2"]
    back = follow(restock, back["previous"])
    assert ids(back) == ["P1", "P2", "SHARED"] and back["previous"] is None
    # A search with characters that need encoding survives the links.
    page = get(restock, "/products/?page_size=1&search=extra%20").json()
    assert ids(page) == ["X0"]
    assert ids(follow(restock, page["next"])) == ["X1"]


# ------------------------------------------------------------------ GET /products/{id}/


def test_get_one_matches_the_cli(restock):
    r = get(restock, "/products/P1/")
    assert r.status_code == 200, r.text
    assert r.json() == restock.product("P1")
    assert get(restock, "/products/P1").status_code == 200  # without the trailing slash


def test_get_other_merchants_product_is_404(restock):
    assert_detail(get(restock, "/products/B1/"), 404)
    assert_detail(get(restock, "/products/P1/", restock.b), 404)
    assert get(restock, "/products/SHARED/", restock.b).json()["name"] == "B's shared"
    assert_detail(get(restock, "/products/nope/"), 404)


def test_product_id_in_path_is_percent_decoded(restock):
    pid = "a b/c&d\u00e9"
    restock.cli.ok("product", "add", "--merchant", restock.a.public_id, "--product-id", pid)
    r = get(restock, "/products/a%20b%2Fc%26d%C3%A9/")
    assert r.status_code == 200, r.text
    assert r.json()["product_id"] == pid
    r = send(restock, "PATCH", "/products/a%20b%2Fc%26d%C3%A9/", {"live": False})
    assert r.status_code == 200, r.text
    assert restock.product(pid)["live"] is False


# ------------------------------------------------------------------ PATCH /products/{id}/


def test_patch_applies_like_a_batch_element_and_records_history(restock):
    r = send(restock, "PATCH", "/products/P1/", {"live": False, "name": "Renamed", "price": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["live"] is False and body["name"] == "Renamed" and body["price"] == "3.00"
    assert restock.product("P1") == body
    events = [e for e in restock.stock_events() if e["product_id"] == "P1"]
    assert len(events) == 1 and events[0]["source"] == "api"
    # The same values again: 200, no second event.
    assert send(restock, "PATCH", "/products/P1/", {"live": False}).status_code == 200
    assert len([e for e in restock.stock_events() if e["product_id"] == "P1"]) == 1


def test_patch_inventory_brings_a_sold_out_product_back(restock):
    r = send(restock, "PATCH", "/products/P3/", {"inventory": 5})
    assert r.status_code == 200, r.text
    assert r.json()["live"] is True and r.json()["inventory"] == 5


def test_patch_with_signature_and_matching_product_id(restock):
    h = {**restock.a.user_headers(), "content-type": "application/json"}
    r = restock.request("PATCH", "/products/P2/", headers=h,
                        data=json.dumps({"product_id": "P2", "live": False}).encode())
    assert r.status_code == 200, r.text
    assert r.json()["live"] is False


@pytest.mark.parametrize("body,field", [
    ({"live": "no"}, "live"),
    ({"price": "1.234"}, "price"),
    ({"inventory": -1}, "inventory"),
    ({"product_id": "P2", "live": True}, "product_id"),
    ({"product_id": 7}, "product_id"),
])
def test_patch_invalid_fields_are_400_and_change_nothing(restock, body, field):
    before = restock.product("P1")
    r = send(restock, "PATCH", "/products/P1/", body)
    assert_detail(r, 400)
    assert field in r.json()["errors"], r.json()
    assert restock.product("P1") == before


def test_patch_whole_request_errors(restock):
    assert_detail(send(restock, "PATCH", "/products/nope/", {"live": False}), 404)
    assert_detail(send(restock, "PATCH", "/products/B1/", {"live": False}), 404)
    assert_detail(send(restock, "PATCH", "/products/P1/", [{"live": False}]), 400)
    h = {**restock.a.key_headers(), "content-type": "application/json"}
    assert_detail(restock.request("PATCH", "/products/P1/", headers=h, data=b"{"), 400)
    assert_detail(restock.request("PATCH", "/products/P1/", headers=restock.a.key_headers(),
                                  data=b'{"live": false}'), 415)
    assert_detail(restock.request("PATCH", "/products/P1/", data=b"{}",
                                  headers={"content-type": "application/json"}), 401)
    assert restock.product("P1")["live"] is True
    r = restock.request("DELETE", "/products/P1/", headers=restock.a.key_headers())
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, PATCH"


# ------------------------------------------------------ GET /products/{id}/stock-history/


def test_stock_history_pages_newest_first(restock):
    for live in [False, True, False, True, False]:
        assert send(restock, "PATCH", "/products/P2/", {"live": live}).status_code == 200
    first = get(restock, "/products/P2/stock-history/?page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None
    lives = [e["current"]["live"] for e in first["results"]]
    assert lives == [False, True]
    e = first["results"][0]
    assert set(e) == {"id", "product_id", "source", "created", "previous", "current"}
    assert e["product_id"] == "P2" and e["source"] == "api" and ISO_UTC.match(e["created"])
    assert e["previous"] == {"live": True, "discontinued": False, "inventory": None}
    second = follow(restock, first["next"])
    third = follow(restock, second["next"])
    all_ids = [x["id"] for page in (first, second, third) for x in page["results"]]
    assert len(all_ids) == 5 and all_ids == sorted(all_ids, reverse=True)
    assert third["next"] is None
    back = follow(restock, third["previous"])
    assert [x["id"] for x in back["results"]] == all_ids[2:4]
    back = follow(restock, back["previous"])
    assert [x["id"] for x in back["results"]] == all_ids[0:2] and back["previous"] is None


def test_stock_history_scoping_and_errors(restock):
    assert get(restock, "/products/P1/stock-history/").json()["results"] == []
    assert_detail(get(restock, "/products/nope/stock-history/"), 404)
    assert_detail(get(restock, "/products/B1/stock-history/"), 404)
    assert_detail(get(restock, "/products/P1/stock-history/?cursor=x1"), 400)
    assert_detail(get(restock, "/products/P1/stock-history/?page_size=0"), 400)


# ------------------------------------------------------------ POST /products-batch/create/


def test_batch_create_per_element_results(restock):
    body = [
        {"product_id": "N1", "name": "New one", "price": "4.20", "live": False, "inventory": 3},
        {"product_id": "P1", "name": "clobber?"},
        {"product_id": "N1"},
        {"live": True},
        "not an object",
        {"product_id": "N2"},
    ]
    r = send(restock, "POST", "/products-batch/create/", body)
    res = results(r)
    assert [x["status"] for x in res] == [200, 400, 400, 400, 400, 200]
    assert [x["product_id"] for x in res] == ["N1", "P1", "N1", None, None, "N2"]
    assert "already exists" in res[1]["errors"]["product_id"][0]
    assert "product_id" in res[3]["errors"]
    assert "non_field_errors" in res[4]["errors"]
    n1 = restock.product("N1")
    assert (n1["name"], n1["price"], n1["live"], n1["inventory"]) == ("New one", "4.20", False, 3)
    assert restock.product("P1")["name"] == "Product One"
    assert restock.product("N2")["live"] is True
    assert not [e for e in restock.stock_events() if e["product_id"] in ("N1", "N2")]
    # Merchant-scoped: B may create its own N1.
    assert [x["status"] for x in results(send(restock, "POST", "/products-batch/create/",
                                              [{"product_id": "N1"}], restock.b))] == [200]


def test_batch_create_force_all_fields_and_whole_request_errors(restock):
    ok = send(restock, "POST", "/products-batch/create/?force_all_fields=true",
              [{"product_id": "F1"}, {"product_id": "P1"}])
    assert [x["status"] for x in results(ok)] == [200, 400]
    assert_detail(send(restock, "POST", "/products-batch/create/?force_all_fields=maybe",
                       [{"product_id": "F2"}]), 400)
    assert_detail(send(restock, "POST", "/products-batch/create/", {"product_id": "F3"}), 400)
    assert_detail(restock.request("POST", "/products-batch/create/",
                                  headers=restock.a.key_headers(), data=b"[]"), 415)
    assert_detail(restock.request("POST", "/products-batch/create/", data=b"[]",
                                  headers={"content-type": "application/json"}), 401)
    assert results(send(restock, "POST", "/products-batch/create", [])) == []
    restock.cli.fails(3, "product", "get", "--merchant", restock.a.public_id, "F2")
