"""Whole-request errors of PATCH /products-batch/update/ (SPEC §2): nothing is applied and
the body is {"detail": "..."}. Also the routing around the endpoint."""

from __future__ import annotations

import json

import pytest

from harness import ENDPOINT, assert_detail, results

GOOD = [{"product_id": "P1", "live": False}]


@pytest.fixture
def unchanged(restock):
    """Returns a checker asserting that no product changed."""
    products = restock.products()

    def check():
        assert restock.products() == products
    return check


# ------------------------------------------------------------------ 400

MALFORMED_BODIES = {
    "truncated": b'[{"product_id": "P1", "live": false}',
    "trailing_comma": b'[{"product_id": "P1", "live": false},]',
    "trailing_garbage": b'[{"product_id": "P1", "live": false}] x',
    "two_documents": b'[{"product_id": "P1", "live": false}][]',
    "single_quotes": b"[{'product_id': 'P1', 'live': false}]",
    "not_json": b"product_id=P1&live=false",
    "empty": b"",
    "whitespace": b"  \n",
    "invalid_utf8": b'[{"product_id": "P\xff1", "live": false}]',
}


@pytest.mark.parametrize("data", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_json_is_400(restock, unchanged, data):
    assert_detail(restock.patch(data=data), 400)
    unchanged()


NOT_ARRAYS = {
    "object": {"product_id": "P1", "live": False},
    "empty_object": {},
    "string": "P1",
    "number": 42,
    "null": None,
    "bool": True,
    "wrapped_results": {"products": GOOD},
}


@pytest.mark.parametrize("body", NOT_ARRAYS.values(), ids=NOT_ARRAYS.keys())
def test_json_that_is_not_an_array_is_400(restock, unchanged, body):
    assert_detail(restock.patch(body), 400)
    unchanged()


# ------------------------------------------------------------------ 415

@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "text/json", None,
])
def test_wrong_content_type_is_415(restock, unchanged, content_type):
    assert_detail(restock.patch(GOOD, content_type=content_type), 415)
    unchanged()


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
    "Application/JSON",
])
def test_json_content_type_with_parameters_is_accepted(restock, content_type):
    assert results(restock.patch(GOOD, content_type=content_type)) == \
        [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


# ------------------------------------------------------------------ 405

@pytest.mark.parametrize("path", [ENDPOINT, ENDPOINT.rstrip("/")])
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_other_methods_are_405_with_allow_patch(restock, unchanged, method, path):
    resp = restock.patch(GOOD, method=method, path=path)
    assert_detail(resp, 405)
    allow = [m.strip().upper() for m in resp.headers.get("allow", "").split(",")]
    assert "PATCH" in allow, resp.headers
    unchanged()


# ------------------------------------------------------------------ 413

def _body_of_size(size):
    """A valid JSON array of updates to P1 padded with an ignored field to `size` bytes."""
    prefix = '[{"product_id": "P1", "live": false, "pad": "'
    suffix = '"}]'
    data = (prefix + "x" * (size - len(prefix) - len(suffix)) + suffix).encode()
    assert len(data) == size
    return data


def test_body_over_configured_limit_is_413(restock, unchanged):
    restock.serve("--max-body-bytes", "1024")
    assert_detail(restock.patch(data=_body_of_size(4096)), 413)
    unchanged()


def test_body_at_configured_limit_is_accepted(restock):
    restock.serve("--max-body-bytes", "1024")
    assert results(restock.patch(data=_body_of_size(1024))) == [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_body_over_default_16_mib_limit_is_413(restock, unchanged):
    assert_detail(restock.patch(data=_body_of_size(16 * 1024 * 1024 + 1)), 413)
    unchanged()


def test_more_elements_than_configured_limit_is_413(restock, unchanged):
    restock.serve("--max-elements", "3")
    assert_detail(restock.patch([{"product_id": "P1", "live": False}] * 4), 413)
    unchanged()


def test_elements_at_configured_limit_are_accepted(restock):
    restock.serve("--max-elements", "3")
    assert [r["status"] for r in results(restock.patch(GOOD * 3))] == [200] * 3


def test_element_limit_from_environment(restock, unchanged):
    restock.serve(env={"RESTOCK_MAX_ELEMENTS": "2"})
    assert_detail(restock.patch(GOOD * 3), 413)
    unchanged()


def test_element_limit_from_toml_config(restock, unchanged):
    config = restock.tmp / "restock.toml"
    config.write_text("max_elements = 2\n")
    restock.serve("--config", str(config))
    assert_detail(restock.patch(GOOD * 3), 413)
    unchanged()
    assert [r["status"] for r in results(restock.patch(GOOD * 2))] == [200, 200]


def test_default_element_limit_is_10000(restock, unchanged):
    assert_detail(restock.patch(GOOD * 10001), 413)
    unchanged()
    got = results(restock.patch([{"product_id": "P2", "live": i % 2 == 1} for i in range(10000)]))
    assert len(got) == 10000 and all(r["status"] == 200 for r in got)
    assert restock.product("P2")["live"] is True


# ------------------------------------------------------------------ routing

def test_path_without_trailing_slash_works(restock):
    assert results(restock.patch(GOOD, path=ENDPOINT.rstrip("/"))) == \
        [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_query_string_is_tolerated(restock):
    # Ordergroove's own connector sends ?force_all_fields=false.
    assert results(restock.patch(GOOD, path=ENDPOINT + "?force_all_fields=false")) == \
        [{"product_id": "P1", "status": 200}]


def test_unknown_path_is_404_with_detail(restock):
    assert_detail(restock.request("GET", "/no/such/path"), 404)


def test_request_errors_are_json(restock):
    resp = restock.patch(data=b"{")
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers
    json.loads(resp.text)
