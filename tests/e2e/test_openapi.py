"""docs/openapi.yaml against the server: GET /openapi.json serves the file's content, every
documented operation is a route, and the response checker that conftest.py applies to every
response (openapi_contract.py) refuses what the document does not describe."""

from __future__ import annotations

import json
import re

import yaml

from openapi_contract import DOCUMENT, METHODS, Contract

JSON = {"content-type": "application/json"}


def test_openapi_json_is_the_repository_document(restock):
    r = restock.request("GET", "/openapi.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    with open(DOCUMENT, encoding="utf-8") as f:
        assert r.json() == yaml.safe_load(f)
    # Also without credentials and without the .json path's slash variants mattering.
    assert restock.request("GET", "/openapi.json/").json() == r.json()


def test_every_documented_operation_is_served(restock):
    """Each documented path and method reaches a handler: no request falls to the router's
    404 for unknown paths or its 405 (restock_http_requests_total counts them under
    route="unmatched" and status 405)."""
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    headers = {**restock.a.key_headers(), **JSON}
    sent = 0
    for path, item in document["paths"].items():
        concrete = path.replace("{id}", "P1" if path.startswith("/products/") else "1")
        for method in (m for m in item if m in METHODS):
            body = "[]" if path.startswith("/products-batch/") else "{}"
            r = restock.request(method.upper(), concrete, headers=headers, data=body)
            assert r.status_code != 405, (method, path, r.text)
            sent += 1
    assert sent >= 24
    metrics = restock.request("GET", "/metrics").text
    assert not re.search(r'restock_http_requests_total\{[^}]*route="unmatched"', metrics), metrics
    assert not re.search(r'restock_http_requests_total\{[^}]*status="405"', metrics), metrics


# ---- the checker itself: each case is a response the document does not describe

CONTRACT = Contract()
PRODUCT = {"product_id": "P1", "sku": "", "name": "n", "price": "1.00", "live": True,
           "discontinued": False, "autoship_enabled": True, "image_url": "", "detail_url": "",
           "inventory": None, "low_stock_threshold": None, "committed": None, "sellable": None,
           "created": "2026-12-06T23:00:00Z",
           "last_update": "2026-12-06T23:00:00Z"}
JSON_HEADERS = {"Content-Type": "application/json"}


def check(method, path, status, body, headers=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return CONTRACT.check(method, path, status, headers or JSON_HEADERS, data)


def test_checker_accepts_documented_responses():
    assert check("GET", "/products/P1/", 200, PRODUCT) is None
    assert check("GET", "/products/P1", 200, PRODUCT) is None  # no trailing slash
    assert check("PATCH", "/products-batch/update/", 207, {"results": [
        {"product_id": "a", "status": 200}, {"product_id": None, "status": 404},
        {"product_id": 5, "status": 400, "errors": {"product_id": ["must be a string"]}}]}) is None
    assert check("GET", "/nowhere/", 404, {"detail": "Not found."}) is None
    assert check("DELETE", "/products/P1/", 405, {"detail": "Method \"DELETE\" not allowed."},
                 {**JSON_HEADERS, "Allow": "GET, HEAD, PATCH"}) is None
    assert check("HEAD", "/products/P1/", 200, b"", JSON_HEADERS) is None  # GET's, no body
    assert check("GET", "/products/", 429, {"detail": "slow down"},
                 {**JSON_HEADERS, "Retry-After": "3"}) is None
    assert check("GET", "/metrics", 200, b"# HELP x\n", {"Content-Type": "text/plain"}) is None


def test_checker_refuses_what_the_document_does_not_describe():
    problems = {
        "undocumented status": check("GET", "/products/P1/", 409, {"detail": "x"}),
        "missing field": check("GET", "/products/P1/", 200,
                               {k: v for k, v in PRODUCT.items() if k != "inventory"}),
        "extra field": check("GET", "/products/P1/", 200, {**PRODUCT, "colour": "red"}),
        "wrong type": check("GET", "/products/P1/", 200, {**PRODUCT, "live": "yes"}),
        "price format": check("GET", "/products/P1/", 200, {**PRODUCT, "price": "1.5"}),
        "errors on a 200 element": check("PATCH", "/products-batch/update/", 207, {"results": [
            {"product_id": "a", "status": 200, "errors": {"x": ["y"]}}]}),
        "400 element without errors": check("PATCH", "/products-batch/update/", 207,
                                            {"results": [{"product_id": "a", "status": 400}]}),
        "unknown path answered": check("GET", "/nowhere/", 200, {"detail": "x"}),
        "undocumented method": check("DELETE", "/products/P1/", 200, PRODUCT),
        "405 with another Allow": check("DELETE", "/products/P1/", 405, {"detail": "x"},
                                        {**JSON_HEADERS, "Allow": "GET"}),
        "429 without Retry-After": check("GET", "/products/", 429, {"detail": "slow down"}),
        "405 without HEAD": check("DELETE", "/products/P1/", 405, {"detail": "x"},
                                  {**JSON_HEADERS, "Allow": "GET, PATCH"}),
        "not JSON": check("GET", "/healthz", 200, b"ok"),
        "wrong content type": check("GET", "/healthz", 200, {"status": "ok"},
                                    {"Content-Type": "text/html"}),
        "error body shape": check("GET", "/orders/1/", 404, {"error": "Not found."}),
    }
    accepted = [name for name, problem in problems.items() if problem is None]
    assert not accepted, accepted
