"""Credentials over their lifetime (docs/security.md, "Rotating credentials"): listing and
revoking API keys, listing, removing and rotating API users, rotating a merchant's hash key.
Signatures are made here with Python's hmac (harness.sign), independently of the server.
A running server sees a change once its credential cache (--credential-cache) expires."""

from __future__ import annotations

import time
from typing import Any, Callable

from harness import authorization

BODY = [{"product_id": "A1", "live": True}]
CACHE_S = 1
# A change must be seen within the cache time; the slack covers a loaded machine.
SEEN_WITHIN_S = CACHE_S + 4


def serve(restock):
    return restock.serve("--credential-cache", str(CACHE_S))


def status(restock, auth: dict[str, str]) -> int:
    return restock.patch(BODY, auth=auth).status_code


def user_auth(merchant, username: str, secret: str) -> dict[str, str]:
    return {"authorization": authorization(merchant.public_id, username, secret),
            "og-authorization": "True"}


def customer_auth(merchant, hash_key: str) -> dict[str, str]:
    return {"authorization": authorization(merchant.public_id, "customer-1", hash_key)}


def wait_for(check: Callable[[], Any], within: float = SEEN_WITHIN_S) -> float:
    """Polls `check` until it is truthy; returns the seconds it took (fails after `within`)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < within, f"not within {within} s"
        time.sleep(0.1)
    return time.monotonic() - start


# ------------------------------------------------------------------ API keys

def test_api_key_list_shows_ids_names_and_times_never_keys(restock):
    second = restock.cli.ok("api-key", "add", "--merchant", restock.a.public_id,
                            "--name", "erp")["key"]
    listed = restock.cli.ok("api-key", "list", "--merchant", restock.a.public_id)
    assert [k["name"] for k in listed] == ["e2e", "erp"]
    for k in listed:
        assert sorted(k) == ["created", "id", "last_used", "name"]
        assert isinstance(k["id"], int)
        assert k["created"].endswith("Z")
    assert listed[0]["id"] < listed[1]["id"]
    text = restock.cli.run("api-key", "list", "--merchant", restock.a.public_id).stdout
    assert restock.a.api_key not in text and second not in text
    # Merchant isolation: B lists only its own key.
    assert [k["name"] for k in restock.cli.ok("api-key", "list", "--merchant",
                                              restock.b.public_id)] == ["e2e"]


def test_api_key_use_is_recorded_as_last_used(restock):
    serve(restock)
    assert restock.cli.ok("api-key", "list", "--merchant", restock.a.public_id)[0]["last_used"] \
        is None
    assert status(restock, restock.a.key_headers()) == 207
    wait_for(lambda: restock.cli.ok("api-key", "list", "--merchant",
                                    restock.a.public_id)[0]["last_used"] is not None)


def test_revoked_api_key_is_refused_once_the_cache_expires(restock):
    serve(restock)
    assert status(restock, restock.a.key_headers()) == 207  # cached now
    key_id = restock.cli.ok("api-key", "list", "--merchant", restock.a.public_id)[0]["id"]
    out = restock.cli.ok("api-key", "revoke", "--merchant", restock.a.public_id,
                         "--id", str(key_id))
    assert out == {"id": key_id, "revoked": True}
    wait_for(lambda: status(restock, restock.a.key_headers()) == 401)
    assert restock.cli.ok("api-key", "list", "--merchant", restock.a.public_id) == []
    # Other credentials of the merchant, and merchant B's key, still work.
    assert status(restock, restock.a.user_headers()) == 207
    assert status(restock, restock.b.key_headers()) == 207
    restock.cli.fails(3, "api-key", "revoke", "--merchant", restock.a.public_id,
                      "--id", str(key_id))


def test_api_key_of_another_merchant_cannot_be_revoked(restock):
    b_id = restock.cli.ok("api-key", "list", "--merchant", restock.b.public_id)[0]["id"]
    restock.cli.fails(3, "api-key", "revoke", "--merchant", restock.a.public_id,
                      "--id", str(b_id))
    assert len(restock.cli.ok("api-key", "list", "--merchant", restock.b.public_id)) == 1
    assert status(restock, restock.b.key_headers()) == 207


def test_api_key_revoke_refuses_bad_input(restock):
    restock.cli.fails(2, "api-key", "revoke", "--merchant", restock.a.public_id, "--id", "x")
    restock.cli.fails(2, "api-key", "revoke", "--merchant", restock.a.public_id)
    restock.cli.fails(3, "api-key", "revoke", "--merchant", "nobody", "--id", "1")
    assert len(restock.cli.ok("api-key", "list", "--merchant", restock.a.public_id)) == 1


# ------------------------------------------------------------------ API users

def test_api_user_list_shows_usernames_never_secrets(restock):
    restock.cli.ok("api-user", "add", "--merchant", restock.a.public_id, "--username", "aaa",
                   "--secret", "aaa-secret-value")
    r = restock.cli.run("api-user", "list", "--merchant", restock.a.public_id)
    assert r.rc == 0, r.describe()
    listed = r.json
    assert [u["username"] for u in listed] == ["aaa", restock.a.username]
    for u in listed:
        assert sorted(u) == ["created", "username"]
    assert "aaa-secret-value" not in r.stdout and restock.a.secret not in r.stdout
    assert [u["username"] for u in restock.cli.ok("api-user", "list", "--merchant",
                                                  restock.b.public_id)] == [restock.b.username]


def test_removed_api_user_is_refused_once_the_cache_expires(restock):
    serve(restock)
    a = restock.a
    assert status(restock, user_auth(a, a.username, a.secret)) == 207
    out = restock.cli.ok("api-user", "remove", "--merchant", a.public_id, "--username", a.username)
    assert out == {"username": a.username, "removed": True}
    wait_for(lambda: status(restock, user_auth(a, a.username, a.secret)) == 401)
    assert restock.cli.ok("api-user", "list", "--merchant", a.public_id) == []
    restock.cli.fails(3, "api-user", "remove", "--merchant", a.public_id, "--username", a.username)
    # B's user of the same merchant-independent name space is untouched.
    assert status(restock, user_auth(restock.b, restock.b.username, restock.b.secret)) == 207


def test_api_user_rotate_keeps_the_old_secret_for_the_overlap(restock):
    serve(restock)
    a = restock.a
    out = restock.cli.ok("api-user", "rotate", "--merchant", a.public_id, "--username", a.username)
    assert sorted(out) == ["secret", "username"] and out["username"] == a.username
    new = out["secret"]
    assert new and new != a.secret
    # Default overlap (24 h): both secrets work, now and after the cache expired.
    assert status(restock, user_auth(a, a.username, new)) == 207
    time.sleep(CACHE_S + 0.2)
    assert status(restock, user_auth(a, a.username, a.secret)) == 207
    assert status(restock, user_auth(a, a.username, new)) == 207
    assert status(restock, user_auth(a, a.username, "not-the-secret")) == 401


def test_api_user_rotate_with_a_short_overlap_refuses_the_old_secret_after_it(restock):
    serve(restock)
    a = restock.a
    # 0.001 h = 3.6 s, from a moment after `before`.
    before = time.monotonic()
    new = restock.cli.ok("api-user", "rotate", "--merchant", a.public_id, "--username",
                         a.username, "--secret", "chosen-new-secret",
                         "--overlap-hours", "0.001")["secret"]
    assert new == "chosen-new-secret"
    assert status(restock, user_auth(a, a.username, a.secret)) == 207
    wait_for(lambda: status(restock, user_auth(a, a.username, a.secret)) == 401,
             within=3.6 + SEEN_WITHIN_S)
    assert time.monotonic() - before >= 3.5, "refused before the overlap ended"
    assert status(restock, user_auth(a, a.username, new)) == 207


def test_api_user_rotate_without_overlap_refuses_the_old_secret(restock):
    serve(restock)
    a = restock.a
    new = restock.cli.ok("api-user", "rotate", "--merchant", a.public_id, "--username",
                         a.username, "--overlap-hours", "0")["secret"]
    wait_for(lambda: status(restock, user_auth(a, a.username, a.secret)) == 401)
    assert status(restock, user_auth(a, a.username, new)) == 207


def test_api_user_rotate_refuses_bad_input_and_changes_nothing(restock):
    serve(restock)
    a = restock.a
    for bad in (["--overlap-hours", "-1"], ["--overlap-hours", "721"],
                ["--overlap-hours", "nan"], ["--secret", ""]):
        restock.cli.fails(2, "api-user", "rotate", "--merchant", a.public_id,
                          "--username", a.username, *bad)
    restock.cli.fails(3, "api-user", "rotate", "--merchant", a.public_id, "--username", "ghost")
    restock.cli.fails(3, "api-user", "rotate", "--merchant", "nobody", "--username", a.username)
    # B's user cannot be rotated through merchant A.
    restock.cli.fails(3, "api-user", "rotate", "--merchant", a.public_id,
                      "--username", restock.b.username)
    time.sleep(CACHE_S + 0.2)
    assert status(restock, user_auth(a, a.username, a.secret)) == 207
    assert status(restock, user_auth(restock.b, restock.b.username, restock.b.secret)) == 207


# ------------------------------------------------------------------ hash key

def test_merchant_rotate_hash_key_keeps_the_old_key_for_the_overlap(restock):
    serve(restock)
    a = restock.a
    # A valid customer signature is refused on this endpoint with 403, an invalid one 401.
    assert status(restock, customer_auth(a, a.hash_key)) == 403
    out = restock.cli.ok("merchant", "rotate-hash-key", "--public-id", a.public_id)
    assert sorted(out) == ["hash_key", "public_id"] and out["public_id"] == a.public_id
    new = out["hash_key"]
    assert new and new != a.hash_key
    wait_for(lambda: status(restock, customer_auth(a, new)) == 403)
    assert status(restock, customer_auth(a, a.hash_key)) == 403
    assert status(restock, customer_auth(a, "wrong-key")) == 401
    # B is untouched.
    assert status(restock, customer_auth(restock.b, restock.b.hash_key)) == 403


def test_merchant_rotate_hash_key_without_overlap_refuses_the_old_key(restock):
    serve(restock)
    a = restock.a
    new = restock.cli.ok("merchant", "rotate-hash-key", "--public-id", a.public_id,
                         "--overlap-hours", "0")["hash_key"]
    wait_for(lambda: status(restock, customer_auth(a, a.hash_key)) == 401)
    assert status(restock, customer_auth(a, new)) == 403


def test_merchant_rotate_hash_key_refuses_bad_input(restock):
    restock.cli.fails(2, "merchant", "rotate-hash-key", "--public-id", restock.a.public_id,
                      "--overlap-hours", "-0.5")
    restock.cli.fails(3, "merchant", "rotate-hash-key", "--public-id", "nobody")
    assert status(restock, customer_auth(restock.a, restock.a.hash_key)) == 403
