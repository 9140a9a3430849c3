"""Strict replay protection (docs/security.md): a merchant in strict mode requires
X-Restock-Signature: ts=T,sig=HEX with HEX = hex HMAC-SHA256(secret, T + "." + raw body),
computed here with Python's hmac, and accepts each (ts, signature) once."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import time

import pytest

from harness import ENDPOINT, assert_detail, restock_bin, results


def body_signature(secret: str, ts: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(ts).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"ts={ts},sig={mac}"


def strict_headers(merchant, body: bytes, ts: int | None = None, **kw) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    h = merchant.user_headers(ts)
    h["x-restock-signature"] = body_signature(merchant.secret, ts, body, **kw)
    return h


@pytest.fixture
def strict(restock):
    out = restock.cli.ok("merchant", "update", "--public-id", restock.a.public_id,
                         "--replay-protection", "strict")
    assert out == {"public_id": restock.a.public_id, "replay_protection": "strict",
                   "placement_target": None, "reservation_days": 0, "oos_warn_days": 3}, out
    return restock


def send(env, body: bytes, headers: dict[str, str]):
    return env.patch(data=body, auth=headers)


def test_strict_accepts_a_correctly_signed_request(strict):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    r = send(strict, body, strict_headers(strict.a, body))
    assert [x["status"] for x in results(r)] == [200]
    assert strict.product("P1")["live"] is False


def test_strict_refuses_a_replay_even_after_restart(strict):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    headers = strict_headers(strict.a, body)
    assert results(send(strict, body, headers))[0]["status"] == 200
    strict.cli.ok("product", "add", "--merchant", strict.a.public_id, "--product-id", "P1",
                  "--live", "true")
    replay = send(strict, body, headers)
    assert_detail(replay, 401)
    assert replay.json()["detail"] == "Signature already used."
    assert strict.product("P1")["live"] is True, "a replay must change nothing"
    strict.serve()  # a new process on the same database still remembers it
    assert_detail(send(strict, body, headers), 401)
    assert strict.product("P1")["live"] is True


def test_strict_refuses_a_changed_body(strict):
    signed = json.dumps([{"product_id": "P1", "live": True}]).encode()
    headers = strict_headers(strict.a, signed)
    other = json.dumps([{"product_id": "P1", "live": False}]).encode()
    r = send(strict, other, headers)
    assert_detail(r, 401)
    assert r.json()["detail"] == "Invalid body signature."
    assert strict.product("P1")["live"] is True


def test_strict_refuses_a_missing_or_malformed_body_signature(strict):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    r = send(strict, body, strict.a.user_headers())
    assert_detail(r, 401)
    assert r.json()["detail"] == "Body signature required."
    for bad in ["", "ts=1", "sig=" + "0" * 64, "ts=x,sig=" + "0" * 64, "ts=1,sig=abc",
                "ts=1,sig=" + "g" * 64, "ts=1,ts=1,sig=" + "0" * 64]:
        h = strict.a.user_headers()
        h["x-restock-signature"] = bad
        r = send(strict, body, h)
        assert_detail(r, 401)
    assert strict.product("P1")["live"] is True


def test_strict_refuses_a_body_signature_for_another_ts(strict):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    now = int(time.time())
    h = strict.a.user_headers(now)
    h["x-restock-signature"] = body_signature(strict.a.secret, now - 1, body)
    r = send(strict, body, h)
    assert_detail(r, 401)
    assert r.json()["detail"] == "Body signature ts does not match."


def test_strict_accepts_uppercase_hex_and_a_new_ts_for_the_same_body(strict):
    body = json.dumps([{"product_id": "P2", "live": False}]).encode()
    now = int(time.time())
    h = strict.a.user_headers(now - 5)
    h["x-restock-signature"] = body_signature(strict.a.secret, now - 5, body).upper().replace(
        "TS=", "ts=").replace("SIG=", "sig=")
    assert results(send(strict, body, h))[0]["status"] == 200
    # The same body re-signed with another ts is a new request.
    assert results(send(strict, body, strict_headers(strict.a, body, now - 4)))[0]["status"] == 200


def test_strict_does_not_touch_the_other_merchant_or_api_keys(strict):
    body = json.dumps([{"product_id": "B1", "live": False}]).encode()
    headers = strict.b.user_headers()
    # Merchant B is compatible: no body signature needed, and a repeat is accepted.
    assert results(send(strict, body, headers))[0]["status"] == 200
    assert results(send(strict, body, headers))[0]["status"] == 200
    # x-api-key requests of the strict merchant are not signed, hence not affected.
    body_a = json.dumps([{"product_id": "P2", "live": False}]).encode()
    assert results(send(strict, body_a, strict.a.key_headers()))[0]["status"] == 200


def test_compatible_mode_is_the_default_and_unaffected(restock):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    headers = restock.a.user_headers()
    assert results(send(restock, body, headers))[0]["status"] == 200
    assert results(send(restock, body, headers))[0]["status"] == 200  # Ordergroove behaviour
    # A body signature sent to a compatible merchant is ignored, even a wrong one.
    headers["x-restock-signature"] = "ts=1,sig=" + "0" * 64
    assert results(send(restock, body, headers))[0]["status"] == 200


def test_strict_can_be_turned_off_again(strict):
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()
    assert_detail(send(strict, body, strict.a.user_headers()), 401)
    strict.cli.ok("merchant", "update", "--public-id", strict.a.public_id,
                  "--replay-protection", "off")
    strict.serve()  # credentials are cached for a few seconds in a running server
    assert results(send(strict, body, strict.a.user_headers()))[0]["status"] == 200


def test_merchant_add_strict_and_bad_modes(restock):
    out = restock.cli.ok("merchant", "add", "--public-id", "m-strict", "--hash-key", "hk",
                         "--replay-protection", "strict")
    assert out == {"public_id": "m-strict", "hash_key": "hk"}
    restock.cli.fails(2, "merchant", "add", "--public-id", "m-bad", "--replay-protection", "maybe")
    restock.cli.fails(2, "merchant", "update", "--public-id", "m-strict",
                      "--replay-protection", "maybe")
    restock.cli.fails(3, "merchant", "update", "--public-id", "nobody",
                      "--replay-protection", "strict")


# ------------------------------------------------------------------ restock sign --body

def sign_with_body(env, body_file, secret: str, ts: int) -> dict[str, str]:
    """`restock sign … --body FILE` as headers: {name: value} from its two lines."""
    r = env.cli.run("sign", "--public-id", env.a.public_id, "--sig-field", env.a.username,
                    "--secret", secret, "--ts", str(ts), "--body", str(body_file), db=False)
    assert r.rc == 0, r.describe()
    lines = r.stdout.splitlines()
    assert [ln.split(":", 1)[0] for ln in lines] == ["authorization", "X-Restock-Signature"]
    return {name: value.strip() for name, value in (ln.split(":", 1) for ln in lines)}


def test_sign_with_body_prints_both_headers_a_strict_merchant_accepts(strict, tmp_path):
    # Bytes as sent, with a trailing newline and non-ASCII text: the signature covers them all.
    body = json.dumps([{"product_id": "P1", "live": False, "name": "Café"}],
                      ensure_ascii=False).encode() + b"\n"
    body_file = tmp_path / "body.json"
    body_file.write_bytes(body)
    ts = int(time.time())
    headers = sign_with_body(strict, body_file, strict.a.secret, ts)
    # Checked against an independent implementation (Python's hmac).
    assert headers["X-Restock-Signature"] == body_signature(strict.a.secret, ts, body)
    assert json.loads(headers["authorization"])["ts"] == ts
    headers["og-authorization"] = "True"
    assert [x["status"] for x in results(send(strict, body, headers))] == [200]
    assert strict.product("P1")["live"] is False
    replay = send(strict, body, headers)
    assert_detail(replay, 401)
    assert replay.json()["detail"] == "Signature already used."


def test_sign_with_body_reads_stdin_and_refuses_a_missing_file(restock, tmp_path):
    ts = 1_800_000_000
    body = b'[{"product_id": "P1", "live": true}]'
    out = subprocess.run([str(restock_bin()), "sign", "--public-id", "m", "--sig-field", "u",
                          "--secret", "s3", "--ts", str(ts), "--body", "-"],
                         input=body, capture_output=True, timeout=60, check=True).stdout.decode()
    assert out.splitlines()[1] == "X-Restock-Signature: " + body_signature("s3", ts, body)
    r = restock.cli.fails(3, "sign", "--public-id", "m", "--sig-field", "u", "--secret", "s3",
                          "--body", str(tmp_path / "missing.json"), db=False)
    assert "missing.json" in r.stderr
