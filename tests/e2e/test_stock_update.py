"""PATCH /products-batch/update/: per-element results, validation, field updates and
merchant isolation (SPEC §2, §3)."""

from __future__ import annotations

import pytest

from harness import ISO_UTC, results

OK_BEFORE = {"product_id": "P1", "live": False}
OK_AFTER = {"product_id": "P3", "live": True}


def test_seed_example_request_returns_207_and_applies(restock):
    before = restock.product("P1")
    assert before["live"] is True
    events_before = len(restock.stock_events())

    resp = restock.patch([{"product_id": "P1", "live": False}])

    assert resp.status_code == 207, resp.text
    assert resp.json() == {"results": [{"product_id": "P1", "status": 200}]}
    after = restock.product("P1")
    assert after["live"] is False
    assert {k: v for k, v in after.items() if k not in ("live", "last_update")} == \
        {k: v for k, v in before.items() if k not in ("live", "last_update")}
    events = restock.stock_events()
    assert len(events) == events_before + 1, events[events_before:]
    if isinstance(events[-1].get("source"), str):
        assert events[-1]["source"] == "api", events[-1]


def test_value_already_set_is_200_and_writes_no_stock_event(restock):
    assert restock.product("P3")["live"] is False
    events_before = len(restock.stock_events())

    assert results(restock.patch([{"product_id": "P3", "live": False}])) == \
        [{"product_id": "P3", "status": 200}]

    assert restock.product("P3")["live"] is False
    assert len(restock.stock_events()) == events_before


@pytest.mark.parametrize("field,value", [("inventory", 3), ("discontinued", True)])
def test_inventory_and_discontinued_changes_write_stock_events(restock, field, value):
    events_before = len(restock.stock_events())
    assert results(restock.patch([{"product_id": "P1", field: value}]))[0]["status"] == 200
    assert restock.product("P1")[field] == value
    assert len(restock.stock_events()) == events_before + 1


def test_name_change_writes_no_stock_event(restock):
    events_before = len(restock.stock_events())
    assert results(restock.patch([{"product_id": "P1", "name": "Renamed"}]))[0]["status"] == 200
    assert restock.product("P1")["name"] == "Renamed"
    assert len(restock.stock_events()) == events_before


def test_empty_array_returns_empty_results(restock):
    resp = restock.patch([])
    assert resp.status_code == 207, resp.text
    assert resp.json() == {"results": []}


def test_unknown_product_is_404(restock):
    assert results(restock.patch([{"product_id": "NOPE", "live": False}])) == \
        [{"product_id": "NOPE", "status": 404}]


def test_unknown_product_does_not_stop_the_others(restock):
    body = [OK_BEFORE, {"product_id": "NOPE", "live": False}, OK_AFTER]
    assert results(restock.patch(body)) == [
        {"product_id": "P1", "status": 200},
        {"product_id": "NOPE", "status": 404},
        {"product_id": "P3", "status": 200},
    ]
    assert restock.product("P1")["live"] is False
    assert restock.product("P3")["live"] is True


def test_product_id_of_exactly_64_bytes_is_valid(restock):
    pid = "X" * 64
    assert results(restock.patch([{"product_id": pid, "live": False}])) == \
        [{"product_id": pid, "status": 404}]


def test_duplicates_are_applied_in_order(restock):
    events_before = len(restock.stock_events())
    body = [{"product_id": "P1", "live": False}, {"product_id": "P1", "live": True}]
    assert results(restock.patch(body)) == [{"product_id": "P1", "status": 200}] * 2
    assert restock.product("P1")["live"] is True
    assert len(restock.stock_events()) == events_before + 2


def test_duplicate_inventory_updates_last_one_wins(restock):
    body = [{"product_id": "P1", "inventory": 3}, {"product_id": "P1", "inventory": 7}]
    assert [r["status"] for r in results(restock.patch(body))] == [200, 200]
    assert restock.product("P1")["inventory"] == 7


def test_results_follow_input_order_in_a_large_batch(restock):
    ids = [("P1", "P2", "NOPE", "P3")[i % 4] for i in range(1000)]
    body = [{"product_id": pid, "live": i % 2 == 0} for i, pid in enumerate(ids)]
    got = results(restock.patch(body))
    assert [r["product_id"] for r in got] == ids
    assert [r["status"] for r in got] == [404 if pid == "NOPE" else 200 for pid in ids]


def test_many_fields_updated_at_once(restock):
    body = [{
        "product_id": "P1",
        "name": "New name",
        "sku": "NEW-SKU",
        "price": 12.5,
        "inventory": None,
        "image_url": "https://img.example.com/p1.png",
        "detail_url": "https://shop.example.com/p1",
        "autoship_enabled": False,
        "discontinued": True,
        "low_stock_threshold": 4,
        "live": False,
    }]
    assert results(restock.patch(body)) == [{"product_id": "P1", "status": 200}]
    p = restock.product("P1")
    assert p["name"] == "New name"
    assert p["sku"] == "NEW-SKU"
    assert p["price"] == "12.50"
    assert p["inventory"] is None
    assert p["image_url"] == "https://img.example.com/p1.png"
    assert p["detail_url"] == "https://shop.example.com/p1"
    assert p["autoship_enabled"] is False
    assert p["discontinued"] is True
    assert p["low_stock_threshold"] == 4
    assert p["live"] is False


@pytest.mark.parametrize("price,shown", [
    (12.5, "12.50"), ("12.50", "12.50"), ("12.5", "12.50"), (7, "7.00"), ("7", "7.00"),
    (0, "0.00"), ("0.99", "0.99"), (99999999.99, "99999999.99"),
])
def test_price_as_number_or_decimal_string(restock, price, shown):
    assert results(restock.patch([{"product_id": "P2", "price": price}]))[0]["status"] == 200
    assert restock.product("P2")["price"] == shown


@pytest.mark.parametrize("inventory", [0, 1, 250, None])
def test_inventory_set_or_untracked(restock, inventory):
    assert results(restock.patch([{"product_id": "P2", "inventory": inventory}]))[0]["status"] == 200
    assert restock.product("P2")["inventory"] == inventory


def test_unknown_fields_are_ignored(restock):
    body = [{"product_id": "P1", "live": False, "extra_data": {"a": 1}, "prepaid_eligible": True}]
    assert results(restock.patch(body)) == [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_update_advances_last_update_and_keeps_created(restock):
    before = restock.product("P1")
    assert ISO_UTC.match(before["created"]) and ISO_UTC.match(before["last_update"]), before
    restock.patch([{"product_id": "P1", "name": "Touched"}])
    after = restock.product("P1")
    assert after["created"] == before["created"]
    assert ISO_UTC.match(after["last_update"]), after
    assert after["last_update"] >= before["last_update"]


# ------------------------------------------------------------------ per-element 400s

def _typed(field, value):
    """An element for P2 whose `field` has `value`, plus a valid change that must NOT be
    applied because the element as a whole is invalid."""
    extra = {"live": False} if field == "name" else {"name": "must not be applied"}
    return {"product_id": "P2", field: value, **extra}


LONG_ASCII = "Y" * 65
LONG_UTF8 = "\u00e9" * 33  # 33 characters, 66 bytes

# (test id, element, expected product_id echo, field that `errors` must name or None)
INVALID_ELEMENTS = [
    ("not_object_string", "P2", None, None),
    ("not_object_number", 42, None, None),
    ("not_object_null", None, None, None),
    ("not_object_array", [{"product_id": "P2"}], None, None),
    ("not_object_bool", True, None, None),
    ("product_id_missing", {"live": False}, None, "product_id"),
    ("product_id_null", {"product_id": None, "live": False}, None, "product_id"),
    ("product_id_number", {"product_id": 123, "live": False}, 123, "product_id"),
    ("product_id_bool", {"product_id": True, "live": False}, True, "product_id"),
    ("product_id_array", {"product_id": ["P2"], "live": False}, ["P2"], "product_id"),
    ("product_id_empty", {"product_id": "", "live": False}, "", "product_id"),
    ("product_id_65_bytes", {"product_id": LONG_ASCII, "live": False}, LONG_ASCII, "product_id"),
    ("product_id_66_utf8_bytes", {"product_id": LONG_UTF8, "live": False}, LONG_UTF8,
     "product_id"),
] + [
    (f"{field}_{label}", _typed(field, value), "P2", field)
    for field, label, value in [
        ("live", "string_false", "false"),
        ("live", "string_true", "true"),
        ("live", "zero", 0),
        ("live", "one", 1),
        ("live", "null", None),
        ("price", "negative", -1),
        ("price", "negative_cent", -0.01),
        ("price", "negative_string", "-1.00"),
        ("price", "bool", True),
        ("price", "array", [1]),
        ("price", "object", {"amount": 1}),
        ("price", "word", "abc"),
        ("price", "three_decimals_string", "12.345"),
        ("price", "three_decimals_number", 12.345),
        ("price", "comma", "12,50"),
        ("price", "empty_string", ""),
        ("inventory", "negative", -1),
        ("inventory", "fraction", 1.5),
        ("inventory", "string", "5"),
        ("inventory", "bool", True),
        ("name", "number", 5),
        ("name", "bool", True),
        ("name", "array", ["a"]),
        ("name", "object", {"a": 1}),
        ("discontinued", "string", "yes"),
        ("discontinued", "one", 1),
        ("discontinued", "null", None),
        ("autoship_enabled", "string", "no"),
        ("sku", "number", 7),
        ("image_url", "number", 5),
        ("detail_url", "bool", False),
        ("low_stock_threshold", "negative", -1),
        ("low_stock_threshold", "string", "3"),
    ]
]


@pytest.mark.parametrize("element,echo,field",
                         [pytest.param(e, p, f, id=i) for i, e, p, f in INVALID_ELEMENTS])
def test_invalid_element_is_400_and_others_still_applied(restock, element, echo, field):
    p2_before = restock.product("P2")

    got = results(restock.patch([OK_BEFORE, element, OK_AFTER]))

    assert got[0] == {"product_id": "P1", "status": 200}
    assert got[2] == {"product_id": "P3", "status": 200}
    bad = got[1]
    assert bad["status"] == 400, bad
    assert bad["product_id"] == echo, bad
    errors = bad["errors"]
    assert isinstance(errors, dict) and errors, bad
    for name, messages in errors.items():
        assert isinstance(messages, list) and messages, bad
        assert all(isinstance(m, str) and m for m in messages), bad
    if field is not None:
        assert field in errors, bad
    assert restock.product("P1")["live"] is False
    assert restock.product("P3")["live"] is True
    assert restock.product("P2") == p2_before


def test_error_message_for_non_boolean_live(restock):
    bad = results(restock.patch([{"product_id": "P1", "live": "no"}]))[0]
    assert bad == {"product_id": "P1", "status": 400, "errors": {"live": bad["errors"]["live"]}}


# ------------------------------------------------------------------ merchant isolation

@pytest.mark.parametrize("scheme", ["api_user", "api_key"])
def test_other_merchant_cannot_touch_product(restock, scheme):
    before = restock.product("P1")
    auth = restock.b.user_headers() if scheme == "api_user" else restock.b.key_headers()
    assert results(restock.patch([{"product_id": "P1", "live": False}], auth=auth)) == \
        [{"product_id": "P1", "status": 404}]
    assert restock.product("P1") == before


def test_same_product_id_updates_only_the_callers_product(restock):
    a_before = restock.product("SHARED", restock.a)
    assert results(restock.patch([{"product_id": "SHARED", "live": False}],
                                 auth=restock.b.user_headers())) == \
        [{"product_id": "SHARED", "status": 200}]
    assert restock.product("SHARED", restock.b)["live"] is False
    assert restock.product("SHARED", restock.a) == a_before


def test_api_key_reaches_only_its_merchant(restock):
    body = [{"product_id": "B1", "live": False}, {"product_id": "P1", "live": False}]
    assert results(restock.patch(body, auth=restock.b.key_headers())) == [
        {"product_id": "B1", "status": 200}, {"product_id": "P1", "status": 404}]
    assert restock.product("B1", restock.b)["live"] is False
    assert restock.product("P1")["live"] is True
