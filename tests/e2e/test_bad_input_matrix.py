"""The bad-input matrix: malformed requests of every class a hostile or broken client sends,
each with its documented answer (SPEC §2 and §5, README "HTTP API" and "Bad input"), never a
5xx, and never a change to the database: after every case a full dump of the database (every
row of every table) must equal the dump taken before the first case.

One server serves the whole module (a server per case would cost minutes under the
sanitizers); a case that kills it fails, and the next case gets a fresh one.

Classes (README "Bad input"): HTTP framing (raw sockets: request line, version, header
syntax and injection, NUL bytes, lying or conflicting Content-Length, broken chunked
encoding, oversized headers), routing (absurd methods and paths, bad percent-encoding),
authentication (malformed, mistyped or oversized authorization headers, ts overflow,
signatures of the wrong length, API keys), content type, body (malformed JSON, invalid
UTF-8, NUL bytes, deep nesting, not an array, too many elements) and elements (wrong types
in every field, out-of-range numbers, megabyte product ids, duplicate keys, not objects).
"""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from typing import Any, Callable

import pytest

from conftest import Env
from harness import (BACKEND, ENDPOINT, HTTP_TIMEOUT_S, Merchant, RawResponse, authorization,
                     hold_db, query, release_db, sign)

# --------------------------------------------------------------------------- the cases


@dataclasses.dataclass
class Case:
    """One malformed request and its documented answer.

    HTTP cases go through `requests`: `auth(merchant)` gives the credential headers (fresh ts),
    `expect` the status, and for a 207 `elements` the per-element (status, error fields).
    Raw cases send `raw(merchant)` bytes on one socket, half-close it, and expect exactly the
    statuses in `expect_raw` (empty: the server closes without answering)."""
    id: str
    expect: int | None = None
    body: Any = None
    data: bytes | None = None
    auth: Callable[[Merchant], dict[str, str]] | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = "application/json"
    method: str = "PATCH"
    path: str = ENDPOINT
    elements: list[tuple[int, set[str]]] | None = None
    raw: Callable[[Merchant], bytes] | None = None
    expect_raw: list[int] | None = None


def user(m: Merchant) -> dict[str, str]:
    return m.user_headers()


def hmac_with(**claim: Any) -> Callable[[Merchant], dict[str, str]]:
    """API-user headers whose authorization JSON has `claim` overriding a valid claim's keys
    (a key set to the sentinel DROP is left out)."""
    def make(m: Merchant) -> dict[str, str]:
        ts = int(time.time())
        valid = {"public_id": m.public_id, "ts": ts, "sig_field": m.username,
                 "sig": sign(m.secret, m.username, ts)}
        valid.update(claim)
        return {"authorization": json.dumps({k: v for k, v in valid.items() if v is not DROP}),
                "og-authorization": "True"}
    return make


def valid_sig_then(change: Callable[[str], str]) -> Callable[[Merchant], dict[str, str]]:
    """API-user headers whose sig is `change(the valid sig)`."""
    def make(m: Merchant) -> dict[str, str]:
        ts = int(time.time())
        return {"authorization": authorization(m.public_id, m.username, m.secret, ts,
                                               sig=change(sign(m.secret, m.username, ts))),
                "og-authorization": "True"}
    return make


def header_text(text: str | bytes) -> Callable[[Merchant], dict[str, str]]:
    """An authorization header with exactly this value (og-authorization: True)."""
    value = text.decode("latin-1") if isinstance(text, bytes) else text
    return lambda m: {"authorization": value, "og-authorization": "True"}


DROP = object()
GOOD = b'[{"product_id": "P1", "live": false}]'


def valid_auth_lines(m: Merchant) -> str:
    return "".join(f"{k}: {v}\r\n" for k, v in m.user_headers().items())


def raw_request(head: str, body: bytes = b"", *, auth: bool = True,
                content_type: bool = True) -> Callable[[Merchant], bytes]:
    """Raw bytes: `head` (request line + extra header lines, CRLF-terminated, no blank line),
    then valid credentials and content type unless switched off, a blank line and `body`."""
    def make(m: Merchant) -> bytes:
        text = head
        if auth:
            text += valid_auth_lines(m)
        if content_type:
            text += "content-type: application/json\r\n"
        return text.encode("latin-1") + b"\r\n" + body
    return make


def raw_bytes(data: bytes) -> Callable[[Merchant], bytes]:
    return lambda m: data


def patch_head(extra: str = "", target: str = ENDPOINT, version: str = "HTTP/1.1") -> str:
    return f"PATCH {target} {version}\r\nhost: restock\r\n{extra}"


def cl(body: bytes) -> str:
    return f"content-length: {len(body)}\r\n"


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def el(status: int, *fields: str) -> tuple[int, set[str]]:
    return (status, set(fields))


def element_case(id: str, element: Any, *fields: str, raw_json: str | None = None) -> Case:
    """One element that must come back as a per-element 400 naming `fields`."""
    data = f"[{raw_json}]".encode() if raw_json is not None else json.dumps([element]).encode()
    return Case(id, 207, data=data, elements=[el(400, *fields)])


MEGABYTE = 1024 * 1024

CASES: list[Case] = [
    # ---------------------------------------------------------------- HTTP framing (raw)
    Case("raw_garbage_request_line", raw=raw_bytes(b"HELLO THERE\r\n\r\n"), expect_raw=[400]),
    Case("raw_binary_noise", raw=raw_bytes(bytes(range(256)) * 4), expect_raw=[400]),
    Case("raw_tls_client_hello", raw=raw_bytes(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
                                               + b"\x00" * 64), expect_raw=[400]),
    Case("raw_http_0_9_request", raw=raw_bytes(b"GET /healthz\r\n\r\n"), expect_raw=[400]),
    Case("raw_unknown_http_version", raw=raw_request(patch_head(cl(GOOD), version="HTTP/9.9"),
                                                     GOOD), expect_raw=[400]),
    Case("raw_version_garbage", raw=raw_request(patch_head(cl(GOOD), version="HTTQ/1.1"), GOOD),
         expect_raw=[400]),
    Case("raw_missing_target", raw=raw_bytes(b"PATCH HTTP/1.1\r\nhost: x\r\n\r\n"),
         expect_raw=[400]),
    Case("raw_bare_lf_line_endings", raw=raw_bytes(
        b"PATCH /products-batch/update/ HTTP/1.1\nhost: x\ncontent-length: 2\n\n[]"),
        expect_raw=[400]),
    Case("raw_header_without_colon", raw=raw_request(patch_head(cl(GOOD) + "no-colon-here\r\n"),
                                                     GOOD), expect_raw=[400]),
    Case("raw_space_in_header_name", raw=raw_request(patch_head(cl(GOOD) + "bad name: x\r\n"),
                                                     GOOD), expect_raw=[400]),
    Case("raw_space_before_colon", raw=raw_request(patch_head(cl(GOOD) + "x-test : x\r\n"), GOOD),
         expect_raw=[400]),
    Case("raw_header_injection_bare_cr", raw=raw_request(
        patch_head(cl(GOOD) + "x-test: a\rinjected: b\r\n"), GOOD), expect_raw=[400]),
    Case("raw_header_injection_bare_lf", raw=raw_request(
        patch_head(cl(GOOD) + "x-test: a\ninjected: b\r\n"), GOOD), expect_raw=[400]),
    Case("raw_nul_in_header_value", raw=raw_request(patch_head(cl(GOOD) + "x-test: a\x00b\r\n"),
                                                    GOOD), expect_raw=[400]),
    Case("raw_nul_in_target", raw=raw_request(patch_head(cl(GOOD), target=ENDPOINT + "\x00"),
                                              GOOD), expect_raw=[400]),
    Case("raw_nul_in_method", raw=raw_bytes(b"PAT\x00CH / HTTP/1.1\r\nhost: x\r\n\r\n"),
         expect_raw=[400]),
    Case("raw_control_char_in_header_name", raw=raw_request(
        patch_head(cl(GOOD) + "x-te\x01st: a\r\n"), GOOD), expect_raw=[400]),
    Case("raw_content_length_not_a_number", raw=raw_request(
        patch_head("content-length: abc\r\n"), GOOD), expect_raw=[400]),
    Case("raw_content_length_negative", raw=raw_request(patch_head("content-length: -5\r\n"),
                                                        GOOD), expect_raw=[400]),
    Case("raw_content_length_overflow", raw=raw_request(
        patch_head("content-length: 99999999999999999999999\r\n"), GOOD), expect_raw=[400]),
    Case("raw_content_length_two_different", raw=raw_request(
        patch_head(cl(GOOD) + "content-length: 3\r\n"), GOOD), expect_raw=[400]),
    Case("raw_content_length_list", raw=raw_request(
        patch_head(f"content-length: {len(GOOD)}, 3\r\n"), GOOD), expect_raw=[400]),
    # A Content-Length shorter than the body: the declared prefix is not valid JSON (400)
    # and the rest is read as the next request, which is not HTTP (400).
    Case("raw_content_length_shorter_than_body", raw=raw_request(
        patch_head(f"content-length: {len(GOOD) - 5}\r\n"), GOOD), expect_raw=[400, 400]),
    # Longer than the body: the server waits for the rest; the client gives up (half-close)
    # and the server closes without applying anything.
    Case("raw_content_length_longer_than_body", raw=raw_request(
        patch_head(f"content-length: {len(GOOD) + 100}\r\n"), GOOD), expect_raw=[]),
    Case("raw_content_length_over_body_limit", raw=raw_request(
        patch_head("content-length: 99999999999\r\n"), GOOD), expect_raw=[413]),
    Case("raw_content_length_and_chunked", raw=raw_request(
        patch_head(cl(GOOD) + "transfer-encoding: chunked\r\n"), chunked(GOOD)),
        expect_raw=[400]),
    Case("raw_transfer_encoding_unknown", raw=raw_request(
        patch_head("transfer-encoding: gzip\r\n"), GOOD), expect_raw=[400]),
    Case("raw_transfer_encoding_chunked_not_last", raw=raw_request(
        patch_head("transfer-encoding: chunked, gzip\r\n"), chunked(GOOD)), expect_raw=[400]),
    Case("raw_chunk_size_not_hex", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"), b"zz\r\n" + GOOD + b"\r\n0\r\n\r\n"),
        expect_raw=[400]),
    Case("raw_chunk_size_overflow", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"),
        b"ffffffffffffffffffff\r\n" + GOOD + b"\r\n0\r\n\r\n"), expect_raw=[400]),
    Case("raw_chunk_longer_than_declared", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"), b"5\r\n" + GOOD + b"\r\n0\r\n\r\n"),
        expect_raw=[400]),
    Case("raw_chunk_missing_crlf", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"),
        b"%x\r\n%s0\r\n\r\n" % (len(GOOD), GOOD)), expect_raw=[400]),
    Case("raw_chunk_negative_size", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"), b"-1\r\n" + GOOD + b"\r\n0\r\n\r\n"),
        expect_raw=[400]),
    # Chunks that stop before the last-chunk: the client gives up, nothing is applied.
    Case("raw_chunked_without_last_chunk", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"), b"%x\r\n%s\r\n" % (len(GOOD), GOOD)),
        expect_raw=[]),
    Case("raw_chunked_body_over_limit", raw=raw_request(
        patch_head("transfer-encoding: chunked\r\n"),
        b"%x\r\n" % (17 * MEGABYTE) + b"[" * 4096), expect_raw=[413]),
    Case("raw_header_over_limit", raw=raw_request(
        patch_head(cl(GOOD) + "x-big: " + "a" * 70_000 + "\r\n"), GOOD), expect_raw=[431]),
    Case("raw_many_headers_over_limit", raw=raw_request(
        patch_head(cl(GOOD) + "".join(f"x-h{i}: {'v' * 60}\r\n" for i in range(2000))), GOOD),
        expect_raw=[431]),
    # Obsolete line folding is unfolded to one space (RFC 9112 §5.2 allows that), so the
    # folded content type reads "application/ json": not JSON.
    Case("raw_obsolete_line_folding", raw=raw_request(
        patch_head(cl(GOOD) + "content-type: application/\r\n json\r\n"), GOOD,
        content_type=False), expect_raw=[415]),
    Case("raw_request_line_over_limit", raw=raw_request(
        patch_head(cl(GOOD), target=ENDPOINT + "?" + "q" * 70_000), GOOD), expect_raw=[431]),

    # ---------------------------------------------------------------- routing
    # Methods are case-sensitive (RFC 9110 §9.1): "patch" is not PATCH.
    Case("method_lowercase", raw=raw_request(
        f"patch {ENDPOINT} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n" + cl(GOOD), GOOD),
        expect_raw=[405]),
    Case("method_absurd", 405, body=[{"product_id": "P1", "live": False}], method="FROBNICATE"),
    Case("method_absurd_long", 405, body=[], method="X" * 1000),
    Case("method_delete", 405, body=[], method="DELETE"),
    Case("path_traversal", 404, body=[], path="/../../etc/passwd"),
    Case("path_double_slash", 404, body=[], path="//products-batch/update/"),
    Case("path_encoded_slash", 404, body=[], path="/products-batch%2Fupdate/"),
    # An escaped unreserved character is the character (RFC 3986 §6.2.2.2): the endpoint.
    Case("path_encoded_letters", 207, data=b"[]", path="/products-batch/%75pdate/"),
    Case("path_bad_percent_encoding", 404, body=[], path="/products-batch/update%zz/"),
    Case("path_truncated_percent", 404, body=[], path="/products-batch/update/%"),
    Case("path_encoded_nul", 404, body=[], path="/products-batch/update%00/"),
    Case("path_very_long", 404, body=[], path="/" + "a/" * 4000),
    Case("path_invalid_utf8_escaped", 404, body=[], path="/products-batch/%ff%fe/"),
    Case("query_bad_percent_encoding_ignored", 207, data=b"[]",
         path=ENDPOINT + "?force_all_fields=%zz%"),
    Case("order_id_bad_percent_encoding", 404, method="GET", path="/orders/%zz/", data=b""),
    Case("order_id_overflow", 404, method="GET", path="/orders/99999999999999999999999/",
         data=b""),
    Case("order_id_negative", 404, method="GET", path="/orders/-1/", data=b""),
    Case("order_id_encoded_nul", 404, method="GET", path="/orders/%00/", data=b""),
    Case("subscription_id_not_a_number", 404, method="GET", path="/subscriptions/abc/",
         data=b""),
    Case("orders_page_size_bad_percent", 400, method="GET",
         path="/orders/?page_size=%zz", data=b""),

    # ---------------------------------------------------------------- authentication (401)
    Case("auth_missing", 401, data=GOOD, auth=lambda m: {}),
    Case("auth_not_json", 401, data=GOOD, auth=header_text("Bearer abc")),
    Case("auth_empty", 401, data=GOOD, auth=header_text("")),
    Case("auth_json_array", 401, data=GOOD, auth=header_text('["merchant-a", 1, "api-a", "x"]')),
    Case("auth_json_null", 401, data=GOOD, auth=header_text("null")),
    Case("auth_truncated_json", 401, data=GOOD, auth=header_text('{"public_id": "merchant-a"')),
    Case("auth_trailing_garbage", 401, data=GOOD,
         auth=lambda m: {"authorization": m.user_headers()["authorization"] + "x",
                         "og-authorization": "True"}),
    Case("auth_invalid_utf8", 401, data=GOOD,
         auth=header_text(b'{"public_id":"merchant-\xff","ts":1,"sig_field":"api-a","sig":"x"}')),
    Case("auth_duplicate_key", 401, data=GOOD, auth=lambda m: {
        "authorization": m.user_headers()["authorization"][:-1] + ', "public_id": "merchant-b"}',
        "og-authorization": "True"}),
    Case("auth_missing_sig", 401, data=GOOD, auth=hmac_with(sig=DROP)),
    Case("auth_missing_ts", 401, data=GOOD, auth=hmac_with(ts=DROP)),
    Case("auth_missing_public_id", 401, data=GOOD, auth=hmac_with(public_id=DROP)),
    Case("auth_missing_sig_field", 401, data=GOOD, auth=hmac_with(sig_field=DROP)),
    Case("auth_public_id_number", 401, data=GOOD, auth=hmac_with(public_id=42)),
    Case("auth_public_id_unknown", 401, data=GOOD, auth=hmac_with(public_id="no-such-merchant")),
    Case("auth_public_id_10k", 401, data=GOOD, auth=hmac_with(public_id="m" * 10_000)),
    Case("auth_public_id_nul", 401, data=GOOD, auth=hmac_with(public_id="merchant-a\u0000")),
    Case("auth_sig_field_array", 401, data=GOOD, auth=hmac_with(sig_field=["api-a"])),
    Case("auth_sig_number", 401, data=GOOD, auth=hmac_with(sig=12345)),
    Case("auth_sig_empty", 401, data=GOOD, auth=hmac_with(sig="")),
    Case("auth_sig_too_short", 401, data=GOOD, auth=hmac_with(sig="AAAA")),
    Case("auth_sig_43_chars", 401, data=GOOD, auth=valid_sig_then(lambda s: s[:43])),
    Case("auth_sig_45_chars", 401, data=GOOD, auth=valid_sig_then(lambda s: s + "A")),
    Case("auth_sig_unpadded", 401, data=GOOD, auth=valid_sig_then(lambda s: s.rstrip("="))),
    Case("auth_sig_urlsafe_alphabet", 401, data=GOOD,
         auth=valid_sig_then(lambda s: s.replace("+", "-").replace("/", "_") + "-_")),
    Case("auth_sig_too_long", 401, data=GOOD, auth=hmac_with(sig="A" * 1000)),
    Case("auth_sig_not_base64", 401, data=GOOD, auth=hmac_with(sig="!!!!" * 11)),
    Case("auth_sig_bad_percent", 401, data=GOOD, auth=hmac_with(sig="%zz" * 10)),
    Case("auth_sig_of_other_secret", 401, data=GOOD, auth=lambda m: hmac_with(
        sig=sign("not-the-secret", m.username, int(time.time())))(m)),
    Case("auth_ts_overflow_int", 401, data=GOOD, auth=hmac_with(ts=99999999999999999999999)),
    Case("auth_ts_overflow_string", 401, data=GOOD, auth=hmac_with(ts="9" * 40)),
    Case("auth_ts_int64_max", 401, data=GOOD, auth=hmac_with(ts=9223372036854775807)),
    Case("auth_ts_negative", 401, data=GOOD, auth=hmac_with(ts=-1)),
    Case("auth_ts_float", 401, data=GOOD, auth=hmac_with(ts=1.5)),
    Case("auth_ts_exponent", 401, data=GOOD, auth=header_text(
        '{"public_id":"merchant-a","ts":1e9,"sig_field":"api-a","sig":"x"}')),
    Case("auth_ts_bool", 401, data=GOOD, auth=hmac_with(ts=True)),
    Case("auth_ts_null", 401, data=GOOD, auth=hmac_with(ts=None)),
    Case("auth_ts_letters", 401, data=GOOD, auth=hmac_with(ts="12ab")),
    Case("auth_ts_empty_string", 401, data=GOOD, auth=hmac_with(ts="")),
    Case("auth_ts_zero", 401, data=GOOD, auth=lambda m: {
        "authorization": authorization(m.public_id, m.username, m.secret, 0),
        "og-authorization": "True"}),
    Case("auth_ts_far_future", 401, data=GOOD, auth=lambda m: {
        "authorization": authorization(m.public_id, m.username, m.secret,
                                       int(time.time()) + 86400 * 365),
        "og-authorization": "True"}),
    Case("auth_api_key_empty", 401, data=GOOD, auth=lambda m: {"x-api-key": ""}),
    Case("auth_api_key_wrong", 401, data=GOOD, auth=lambda m: {"x-api-key": "not-a-key"}),
    Case("auth_api_key_10k", 401, data=GOOD, auth=lambda m: {"x-api-key": "k" * 10_000}),
    Case("auth_customer_scope_bad_signature", 401, data=GOOD,
         auth=lambda m: {"authorization": authorization(m.public_id, "cust-1", "wrong-key")}),
    # A valid customer-scope signature may not change products (SPEC §2).
    Case("auth_customer_scope_valid_is_403", 403, data=GOOD,
         auth=lambda m: m.customer_headers("cust-1")),

    # ---------------------------------------------------------------- content type (415)
    Case("content_type_missing", 415, data=GOOD, content_type=None),
    Case("content_type_text_plain", 415, data=GOOD, content_type="text/plain"),
    Case("content_type_form", 415, data=GOOD, content_type="application/x-www-form-urlencoded"),
    Case("content_type_json_prefix", 415, data=GOOD, content_type="application/jsonx"),
    Case("content_type_json_patch", 415, data=GOOD, content_type="application/json-patch+json"),
    Case("content_type_list", 415, data=GOOD, content_type="application/json, text/plain"),
    Case("content_type_empty", 415, data=GOOD, content_type=""),

    # ---------------------------------------------------------------- body (400, 413)
    Case("body_empty", 400, data=b""),
    Case("body_whitespace", 400, data=b" \r\n\t "),
    Case("body_invalid_utf8", 400, data=b'[{"product_id": "P\xc3\x281", "live": false}]'),
    Case("body_overlong_utf8", 400, data=b'[{"product_id": "P\xc0\xaf", "live": false}]'),
    Case("body_utf8_surrogate_bytes", 400, data=b'[{"product_id": "P\xed\xa0\x80"}]'),
    Case("body_lone_surrogate_escape", 400, data=b'[{"product_id": "P\\ud800", "live": false}]'),
    Case("body_raw_nul_in_string", 400, data=b'[{"product_id": "P\x001", "live": false}]'),
    Case("body_raw_nul_outside_string", 400, data=b'[{"product_id": "P1", "live": false}\x00]'),
    Case("body_raw_newline_in_string", 400, data=b'[{"product_id": "P\n1", "live": false}]'),
    Case("body_utf8_bom", 400, data=b"\xef\xbb\xbf" + GOOD),
    Case("body_utf16", 400, data=GOOD.decode().encode("utf-16")),
    Case("body_truncated", 400, data=GOOD[:-2]),
    Case("body_trailing_garbage", 400, data=GOOD + b" x"),
    Case("body_two_documents", 400, data=GOOD + GOOD),
    Case("body_comment", 400, data=b"/* c */" + GOOD),
    Case("body_single_quotes", 400, data=b"[{'product_id': 'P1', 'live': false}]"),
    Case("body_nan", 400, data=b'[{"product_id": "P1", "inventory": NaN}]'),
    Case("body_infinity", 400, data=b'[{"product_id": "P1", "inventory": Infinity}]'),
    Case("body_leading_zero", 400, data=b'[{"product_id": "P1", "inventory": 007}]'),
    Case("body_hex_number", 400, data=b'[{"product_id": "P1", "inventory": 0x10}]'),
    Case("body_plus_number", 400, data=b'[{"product_id": "P1", "inventory": +1}]'),
    Case("body_bad_escape", 400, data=b'[{"product_id": "P\\x41", "live": false}]'),
    Case("body_unquoted_key", 400, data=b'[{product_id: "P1", "live": false}]'),
    Case("body_trailing_comma", 400, data=b'[{"product_id": "P1", "live": false},]'),
    Case("body_deep_nesting_arrays", 400, data=b"[" * 100_000 + b"]" * 100_000),
    Case("body_nesting_just_over_limit", 400, data=b"[" * 33 + b"]" * 33),
    Case("body_deep_nesting_in_field", 400,
         data=b'[{"product_id": "P1", "x": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}]"),
    Case("body_object_not_array", 400, body={"product_id": "P1", "live": False}),
    Case("body_null", 400, body=None),
    Case("body_string", 400, body="P1"),
    Case("body_number", 400, data=b"1e999999"),
    Case("body_form_encoded", 400, data=b"product_id=P1&live=false"),
    Case("body_too_many_elements", 413, data=b"[" + b",".join([b"{}"] * 10_001) + b"]"),

    # ---------------------------------------------------------------- elements (207 + 400)
    element_case("element_null", None, "non_field_errors"),
    element_case("element_number", 7, "non_field_errors"),
    element_case("element_string", "P1", "non_field_errors"),
    element_case("element_bool", True, "non_field_errors"),
    element_case("element_array_instead_of_object", ["P1", False], "non_field_errors"),
    element_case("element_empty_object", {}, "product_id"),
    element_case("product_id_null", {"product_id": None, "live": False}, "product_id"),
    element_case("product_id_number", {"product_id": 1, "live": False}, "product_id"),
    element_case("product_id_bool", {"product_id": True, "live": False}, "product_id"),
    element_case("product_id_array", {"product_id": ["P1"], "live": False}, "product_id"),
    element_case("product_id_object", {"product_id": {"id": "P1"}, "live": False}, "product_id"),
    element_case("product_id_empty", {"product_id": "", "live": False}, "product_id"),
    element_case("product_id_65_bytes", {"product_id": "P" * 65, "live": False}, "product_id"),
    element_case("product_id_megabyte", {"product_id": "P" * MEGABYTE, "live": False},
                 "product_id"),
    element_case("product_id_nul", {"product_id": "P1\u0000", "live": False}, "product_id"),
    element_case("product_id_newline", {"product_id": "P1\n", "live": False}, "product_id"),
    element_case("product_id_del", {"product_id": "P1\u007f", "live": False}, "product_id"),
    element_case("live_string", {"product_id": "P1", "live": "false"}, "live"),
    element_case("live_number", {"product_id": "P1", "live": 0}, "live"),
    element_case("live_null", {"product_id": "P1", "live": None}, "live"),
    element_case("discontinued_string", {"product_id": "P1", "discontinued": "yes"},
                 "discontinued"),
    element_case("autoship_enabled_array", {"product_id": "P1", "autoship_enabled": [True]},
                 "autoship_enabled"),
    element_case("name_number", {"product_id": "P1", "name": 5}, "name"),
    element_case("name_too_long", {"product_id": "P1", "name": "n" * 1025}, "name"),
    element_case("sku_array", {"product_id": "P1", "sku": ["a"]}, "sku"),
    element_case("sku_too_long", {"product_id": "P1", "sku": "s" * 65}, "sku"),
    element_case("image_url_object", {"product_id": "P1", "image_url": {}}, "image_url"),
    element_case("detail_url_too_long", {"product_id": "P1", "detail_url": "u" * 401},
                 "detail_url"),
    element_case("price_word", {"product_id": "P1", "price": "abc"}, "price"),
    element_case("price_bool", {"product_id": "P1", "price": True}, "price"),
    element_case("price_negative", {"product_id": "P1", "price": -1}, "price"),
    element_case("price_three_places", {"product_id": "P1", "price": "1.005"}, "price"),
    element_case("price_two_dots", {"product_id": "P1", "price": "1.2.3"}, "price"),
    element_case("price_over_max", {"product_id": "P1", "price": "100000000.00"}, "price"),
    element_case("price_huge_literal", None, "price",
                 raw_json='{"product_id": "P1", "price": 1e400}'),
    element_case("inventory_negative", {"product_id": "P1", "inventory": -1}, "inventory"),
    element_case("inventory_fraction", {"product_id": "P1", "inventory": 1.5}, "inventory"),
    element_case("inventory_string", {"product_id": "P1", "inventory": "5"}, "inventory"),
    element_case("inventory_bool", {"product_id": "P1", "inventory": True}, "inventory"),
    element_case("inventory_2_pow_63", None, "inventory",
                 raw_json='{"product_id": "P1", "inventory": 9223372036854775808}'),
    element_case("inventory_2_pow_64", None, "inventory",
                 raw_json='{"product_id": "P1", "inventory": 18446744073709551616}'),
    element_case("inventory_300_digits", None, "inventory",
                 raw_json='{"product_id": "P1", "inventory": ' + "9" * 300 + "}"),
    element_case("low_stock_threshold_negative", {"product_id": "P1", "low_stock_threshold": -3},
                 "low_stock_threshold"),
    element_case("low_stock_threshold_below_int64", None, "low_stock_threshold",
                 raw_json='{"product_id": "P1", "low_stock_threshold": -9223372036854775809}'),
    element_case("every_field_wrong_type", {
        "product_id": "P1", "live": "x", "discontinued": 1, "autoship_enabled": None,
        "name": [], "sku": {}, "image_url": 1, "detail_url": True, "price": [],
        "inventory": "x", "low_stock_threshold": 1.5},
        "live", "discontinued", "autoship_enabled", "name", "sku", "image_url", "detail_url",
        "price", "inventory", "low_stock_threshold"),
    # Duplicate keys: the last occurrence wins (docs/decisions.md), so a valid first value
    # does not rescue an invalid last one, and a repeated product_id names the last product.
    element_case("duplicate_key_last_invalid", None, "live",
                 raw_json='{"product_id": "P1", "live": false, "live": "no"}'),
    Case("duplicate_product_id_last_unknown", 207,
         data=b'[{"product_id": "P1", "product_id": "NOPE", "live": false}]',
         elements=[el(404)]),
    # Well-formed but not the merchant's: 404 per element, nothing changes.
    Case("unknown_product", 207, body=[{"product_id": "NOPE", "live": False}],
         elements=[el(404)]),
    Case("other_merchants_product", 207, body=[{"product_id": "B1", "live": False}],
         elements=[el(404)]),
    Case("mixed_invalid_elements", 207, body=[None, {"product_id": 5}, {"product_id": "NOPE"},
                                             {"product_id": "P2", "inventory": -1}],
         elements=[el(400, "non_field_errors"), el(400, "product_id"), el(404),
                   el(400, "inventory")]),
]


# --------------------------------------------------------------------------- fixtures


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, on either backend (read-only; beside the running server)."""
    if BACKEND == "sqlite":
        tables_sql = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
    else:
        tables_sql = ("SELECT table_name FROM information_schema.tables WHERE "
                      "table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")
    tables = [r[0] for r in query(db, tables_sql)]
    return {t: sorted(query(db, f'SELECT * FROM "{t}"'), key=repr) for t in tables}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, seeded):
    env = Env(tmp_path_factory.mktemp("matrix"), template=seeded.db)
    hold_db(env.db)  # one database for the module, not dropped after the first case
    env.copy_seed(seeded)
    env.serve()
    tables = dump(env.db)
    assert tables["products"] and "stock_events" in tables, sorted(tables)
    yield env
    env.close()
    release_db(env.db)
    reports = [(s.stderr_path.name, s.sanitizer_report()) for s in env._servers]
    assert not [r for r in reports if r[1]], reports


def raw_send(address: str, data: bytes) -> list[RawResponse]:
    """Sends `data`, half-closes (the client has nothing more to say), reads until the server
    closes. Returns the complete responses read."""
    host, _, port = address.rpartition(":")
    received = b""
    with socket.create_connection((host, int(port)), timeout=HTTP_TIMEOUT_S) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything
        deadline = time.monotonic() + HTTP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        else:
            raise AssertionError(f"server kept the connection open; got {received[:300]!r}")
    responses = []
    while received:
        head, sep, rest = received.partition(b"\r\n\r\n")
        assert sep, f"incomplete response head: {received[:300]!r}"
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines)}
        length = int(headers.get("content-length", "0"))
        assert len(rest) >= length, f"truncated response body: {received[:300]!r}"
        responses.append(RawResponse(int(status_line.split()[1]), headers, rest[:length]))
        received = rest[length:]
    return responses


def check_error_body(status: int, body: bytes | str, content_type: str) -> None:
    assert content_type.startswith("application/json"), content_type
    detail = json.loads(body)
    assert isinstance(detail, dict) and isinstance(detail.get("detail"), str) \
        and detail["detail"], detail


# --------------------------------------------------------------------------- the test


def test_matrix_is_large_and_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert len(CASES) >= 100, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(matrix, case: Case):
    env = matrix
    server = env.server  # restarted should a previous case have killed it
    before = dump(env.db)
    if case.raw is not None:
        responses = raw_send(server.address, case.raw(env.a))
        for r in responses:
            assert r.status < 500, (case.id, r)
            check_error_body(r.status, r.body, r.headers.get("content-type", ""))
        assert [r.status for r in responses] == case.expect_raw, responses
    else:
        data = case.data if case.data is not None else json.dumps(case.body).encode()
        headers = dict((case.auth or user)(env.a))
        if case.content_type is not None:
            headers["content-type"] = case.content_type
        headers.update(case.headers or {})
        resp = server.request(case.method, case.path, headers=headers, data=data)
        assert resp.status_code < 500, (resp.status_code, resp.text[:500])
        assert resp.status_code == case.expect, (resp.status_code, resp.text[:500])
        if case.expect >= 400:
            check_error_body(resp.status_code, resp.content, resp.headers.get("content-type", ""))
        if case.elements is not None:
            got = resp.json()["results"]
            assert [(r["status"], set(r.get("errors", {}))) for r in got] == case.elements, got
    assert server.running, server.stderr_tail()
    assert server.sanitizer_report() is None, server.stderr_tail(60)
    assert server.request("GET", "/healthz").status_code == 200
    assert dump(env.db) == before, f"{case.id} changed the database"
