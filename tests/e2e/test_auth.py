"""Authentication of PATCH /products-batch/update/ (SPEC §2): API-user HMAC, customer
scope, application keys. Every rejected request must leave every product untouched."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from harness import TS_MAX_AGE_S, TS_MAX_SKEW_S, assert_detail, authorization, results, sign

BODY = [{"product_id": "P1", "live": False}, {"product_id": "P2", "inventory": 0}]


@pytest.fixture
def snapshot(restock):
    """Returns a checker asserting that no product and no stock event changed."""
    products = restock.products()
    events = len(restock.stock_events())

    def unchanged():
        assert restock.products() == products
        assert len(restock.stock_events()) == events
    return unchanged


def rejected(restock, snapshot, auth, status=401):
    resp = restock.patch(BODY, auth=auth)
    assert_detail(resp, status)
    snapshot()
    return resp


def accepted(restock, auth):
    assert results(restock.patch(BODY, auth=auth)) == [
        {"product_id": "P1", "status": 200}, {"product_id": "P2", "status": 200}]
    assert restock.product("P1")["live"] is False
    assert restock.product("P2")["inventory"] == 0


# ------------------------------------------------------------------ accepted

def test_api_user_signature_is_accepted(restock):
    accepted(restock, restock.a.user_headers())


@pytest.mark.parametrize("offset", [-(TS_MAX_AGE_S - 100), TS_MAX_SKEW_S - 100, 0])
def test_ts_inside_window_is_accepted(restock, offset):
    accepted(restock, restock.a.user_headers(ts=int(time.time()) + offset))


def test_ts_as_string_of_digits_is_accepted(restock):
    ts = int(time.time())
    accepted(restock, restock.a.user_headers(ts=ts, ts_json=str(ts)))


def test_percent_encoded_sig_is_accepted(restock):
    a = restock.a
    ts = int(time.time())
    raw = sign(a.secret, a.username, ts)
    encoded = urllib.parse.quote(raw, safe="")
    assert encoded != raw  # the padding '=' at least is encoded
    accepted(restock, a.user_headers(ts=ts, sig=encoded))


def test_api_key_is_accepted(restock):
    accepted(restock, restock.a.key_headers())


def test_second_api_key_of_merchant_is_accepted(restock):
    key = restock.cli.ok("api-key", "add", "--merchant", restock.a.public_id)["key"]
    assert key != restock.a.api_key
    accepted(restock, {"x-api-key": key})


# ------------------------------------------------------------------ 401

def test_no_credentials_is_401(restock, snapshot):
    rejected(restock, snapshot, {})


def test_og_authorization_alone_is_401(restock, snapshot):
    rejected(restock, snapshot, {"og-authorization": "True"})


def test_wrong_secret_is_401(restock, snapshot):
    a = restock.a
    rejected(restock, snapshot,
             {"authorization": authorization(a.public_id, a.username, "not-the-secret"),
              "og-authorization": "True"})


def test_signature_of_other_ts_is_401(restock, snapshot):
    a = restock.a
    ts = int(time.time())
    rejected(restock, snapshot, a.user_headers(ts=ts, sig=sign(a.secret, a.username, ts - 1)))


def test_signature_of_other_sig_field_is_401(restock, snapshot):
    a = restock.a
    ts = int(time.time())
    rejected(restock, snapshot, a.user_headers(ts=ts, sig=sign(a.secret, "someone", ts)))


def test_expired_ts_is_401(restock, snapshot):
    rejected(restock, snapshot, restock.a.user_headers(ts=int(time.time()) - TS_MAX_AGE_S - 1))


def test_future_ts_is_401(restock, snapshot):
    restock.server  # started first: a slow start would eat into the margin below
    # now + 301 as the server sees it; +1 more for the second that may tick over in transit.
    rejected(restock, snapshot, restock.a.user_headers(ts=int(time.time()) + TS_MAX_SKEW_S + 2))


def test_unknown_public_id_is_401(restock, snapshot):
    a = restock.a
    rejected(restock, snapshot,
             {"authorization": authorization("no-such-merchant", a.username, a.secret),
              "og-authorization": "True"})


def test_unknown_api_user_is_401(restock, snapshot):
    a = restock.a
    rejected(restock, snapshot,
             {"authorization": authorization(a.public_id, "nobody", a.secret),
              "og-authorization": "True"})


def test_api_user_of_other_merchant_is_401(restock, snapshot):
    a, b = restock.a, restock.b
    rejected(restock, snapshot,
             {"authorization": authorization(a.public_id, b.username, b.secret),
              "og-authorization": "True"})


def test_api_user_signature_without_og_authorization_is_401(restock, snapshot):
    headers = restock.a.user_headers()
    del headers["og-authorization"]
    rejected(restock, snapshot, headers)


def test_customer_signature_with_og_authorization_is_401(restock, snapshot):
    headers = restock.a.customer_headers("customer-42")
    headers["og-authorization"] = "True"
    rejected(restock, snapshot, headers)


@pytest.mark.parametrize("key", ["not-a-key", "x" * 64])
def test_bad_api_key_is_401(restock, snapshot, key):
    rejected(restock, snapshot, {"x-api-key": key})


def test_hash_key_is_not_an_api_key(restock, snapshot):
    rejected(restock, snapshot, {"x-api-key": restock.a.hash_key})


def _header_without(field):
    def make(a):
        d = json.loads(authorization(a.public_id, a.username, a.secret))
        del d[field]
        return json.dumps(d)
    return make


def _header_with(**changes):
    def make(a):
        d = json.loads(authorization(a.public_id, a.username, a.secret))
        d.update(changes)
        return json.dumps(d)
    return make


MALFORMED = {
    "not_json": lambda a: "public_id=merchant-a",
    "empty": lambda a: "",
    "empty_object": lambda a: "{}",
    "array": lambda a: "[]",
    "null": lambda a: "null",
    "truncated": lambda a: authorization(a.public_id, a.username, a.secret)[:-3],
    "missing_public_id": _header_without("public_id"),
    "missing_ts": _header_without("ts"),
    "missing_sig_field": _header_without("sig_field"),
    "missing_sig": _header_without("sig"),
    "ts_not_digits": _header_with(ts="12a"),
    "ts_float": _header_with(ts=1.5),
    "ts_null": _header_with(ts=None),
    "ts_negative": _header_with(ts=-5),
    "ts_bool": _header_with(ts=True),
    "sig_not_base64": _header_with(sig="!!!not base64!!!"),
    "sig_empty": _header_with(sig=""),
    "sig_number": _header_with(sig=12345),
    "public_id_number": _header_with(public_id=7),
}


@pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_authorization_is_401(restock, snapshot, make):
    rejected(restock, snapshot,
             {"authorization": make(restock.a), "og-authorization": "True"})


def test_ts_max_age_is_configurable(restock, snapshot):
    restock.serve("--ts-max-age", "60")
    rejected(restock, snapshot, restock.a.user_headers(ts=int(time.time()) - 120))
    accepted(restock, restock.a.user_headers(ts=int(time.time()) - 30))


def test_ts_max_future_is_configurable(restock, snapshot):
    restock.serve("--ts-max-future", "10")
    rejected(restock, snapshot, restock.a.user_headers(ts=int(time.time()) + 60))
    accepted(restock, restock.a.user_headers(ts=int(time.time()) + 5))


# ------------------------------------------------------------------ customer scope

def test_valid_customer_signature_is_403(restock, snapshot):
    rejected(restock, snapshot, restock.a.customer_headers("customer-42"), status=403)


def test_invalid_customer_signature_is_401(restock, snapshot):
    a = restock.a
    rejected(restock, snapshot,
             {"authorization": authorization(a.public_id, "customer-42", "wrong-hash-key")})


def test_expired_customer_signature_is_401(restock, snapshot):
    rejected(restock, snapshot, restock.a.customer_headers(
        "customer-42", ts=int(time.time()) - TS_MAX_AGE_S - 1))


# ------------------------------------------------------------------ secrets in logs

def test_secrets_never_appear_in_server_logs(restock):
    a = restock.a
    restock.patch(BODY, auth=a.user_headers())
    restock.patch(BODY, auth=a.key_headers())
    restock.patch(BODY, auth={"x-api-key": "wrong-" + a.api_key})
    restock.patch(BODY, auth=a.customer_headers("customer-42"))
    restock.patch(BODY, auth={"authorization": authorization(a.public_id, a.username, "bad"),
                              "og-authorization": "True"})
    server = restock.server
    server.stop()
    log = server.stderr_path.read_text(errors="replace")
    for secret in (a.secret, a.hash_key, a.api_key):
        assert secret not in log, f"secret {secret!r} found in server log"
