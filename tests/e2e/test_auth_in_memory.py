"""Small batch PATCHes whose credentials are cached are served on the I/O thread
(docs/architecture.md, "One request, end to end"); the first request of a credential, large
bodies and strict merchants go to a worker. Whichever thread serves it, every request must
get the same answer and change the same things."""

from __future__ import annotations

import time

import pytest

from harness import TS_MAX_AGE_S, assert_detail, authorization, results


def answers(restock) -> list[tuple[int, object]]:
    """One round of requests covering each way authentication decides, as (status, body)."""
    a = restock.a
    body = [{"product_id": "P1", "live": False}, {"product_id": "nope", "live": True},
            {"product_id": "P2", "inventory": -1}]
    cases = [
        a.user_headers(),                                             # API user: 207
        a.key_headers(),                                              # x-api-key: 207
        a.user_headers(sig="d3Jvbmc="),                               # wrong signature: 401
        {"authorization": authorization(a.public_id, a.username, "wrong-secret"),
         "og-authorization": "True"},                                 # wrong secret: 401
        a.user_headers(ts=int(time.time()) - TS_MAX_AGE_S - 10),      # expired: 401
        a.customer_headers("customer-42"),                            # customer scope: 403
        {"x-api-key": a.api_key + "x"},                               # unknown key: 401
        {"authorization": authorization(a.public_id, "ghost", a.secret),
         "og-authorization": "True"},                                 # unknown user: 401
    ]
    out = []
    for auth in cases:
        resp = restock.patch(body, auth=auth)
        if resp.status_code == 207:
            out.append((207, results(resp)))
        else:
            assert_detail(resp, resp.status_code)
            out.append((resp.status_code, resp.json()))
    return out


def test_answers_do_not_depend_on_the_credential_cache(restock):
    # Round 1 finds nothing cached (workers read the database); round 2 is served from the
    # cache on the I/O thread; with --credential-cache 0 nothing is ever in memory.
    p2 = restock.product("P2")
    first = answers(restock)
    second = answers(restock)
    assert [status for status, _ in first] == [207, 207, 401, 401, 401, 403, 401, 401]
    assert second == first
    restock.serve("--credential-cache", "0")
    assert answers(restock) == first
    assert restock.product("P1")["live"] is False
    assert restock.product("P2") == p2  # its element was invalid every time


@pytest.mark.parametrize("elements", [1, 150, 400])
def test_small_and_large_bodies_after_caching(restock, elements):
    # Up to 8 KiB (about 200 elements) the I/O thread parses; larger bodies go to a worker.
    assert results(restock.patch([{"product_id": "P1", "live": True}])) == [
        {"product_id": "P1", "status": 200}]
    body = [{"product_id": "P1", "live": i % 2 == 0} for i in range(elements)]
    got = results(restock.patch(body))
    assert got == [{"product_id": "P1", "status": 200}] * elements
    assert restock.product("P1")["live"] is ((elements - 1) % 2 == 0)


def test_cached_request_over_the_element_limit_is_413(restock):
    restock.serve("--max-elements", "3")
    assert results(restock.patch([{"product_id": "P1", "live": True}]))  # caches
    assert_detail(restock.patch([{"product_id": "P1", "live": True}] * 4), 413)
    assert_detail(restock.patch(data=b"[{", content_type="application/json"), 400)
    assert_detail(restock.patch([{"product_id": "P1"}], content_type="text/plain"), 415)
