"""Secrets never logged (SPEC §2, docs/security.md): a full scenario — merchants, API users,
API keys, signed PATCHes (compatible and strict), failures of every kind — against a server
with trace logging; every line of every log (server stdout and stderr, the stderr of every
CLI command) is searched for every secret. The stdout of `merchant add`, `api-user add`,
`api-key add` and `sign` is excluded: printing the new secret once is their job."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from harness import ENDPOINT, Cli, authorization, raw_exchange, raw_patch


def test_no_secret_appears_in_any_log_line(restock, tmp_path):
    db = tmp_path / "secrets.db"
    cli = Cli(db, tmp_path)
    logs: list[str] = []
    secrets: set[str] = set()

    def run(*args, prints_secret: bool = False, ok: bool = True, db: bool = True):
        r = cli.run(*args, db=db)
        if ok:
            assert r.rc == 0, r.describe()
        logs.append(r.stderr)
        if not prints_secret:
            logs.append(r.stdout)
        return r

    hash_key = "hk-SECRET-" + "q7Z" * 8
    secrets.add(hash_key)
    run("init")
    run("merchant", "add", "--public-id", "shop", "--hash-key", hash_key, prints_secret=True)
    generated = json.loads(run("merchant", "add", "--public-id", "strict-shop",
                               "--replay-protection", "strict", prints_secret=True).stdout)
    secrets.add(generated["hash_key"])
    user_secret = "us-SECRET-" + "x9W" * 8
    secrets.add(user_secret)
    run("api-user", "add", "--merchant", "shop", "--username", "ops", "--secret", user_secret,
        prints_secret=True)
    strict_secret = json.loads(run("api-user", "add", "--merchant", "strict-shop", "--username",
                                   "ops", prints_secret=True).stdout)["secret"]
    secrets.add(strict_secret)
    api_key = json.loads(run("api-key", "add", "--merchant", "shop", prints_secret=True).stdout)["key"]
    secrets.add(api_key)
    secrets.add(hashlib.sha256(api_key.encode()).hexdigest())  # the stored hash, too
    run("product", "add", "--merchant", "shop", "--product-id", "P1", "--live", "true")
    run("product", "add", "--merchant", "strict-shop", "--product-id", "P1", "--live", "true")
    signed = run("sign", "--public-id", "shop", "--sig-field", "ops", "--secret", user_secret,
                 prints_secret=True, db=False).stdout.strip()
    secrets.add(json.loads(signed)["sig"])
    # A CLI failure must not echo the secret it was given.
    run("api-user", "add", "--merchant", "nobody", "--username", "x", "--secret",
        "cli-SECRET-unknown-merchant", ok=False)
    secrets.add("cli-SECRET-unknown-merchant")

    server = restock.serve("--log-level", "trace", "--rate-limit-merchant", "4",
                           "--max-header-bytes", "4096", db=db)
    body = json.dumps([{"product_id": "P1", "live": False}]).encode()

    def send(headers, data=body):
        h = dict(headers, **{"content-type": "application/json"})
        r = server.request("PATCH", ENDPOINT, headers=h, data=data)
        logs.append(r.text)  # responses must not echo secrets either
        return r

    now = int(time.time())
    good = {"authorization": authorization("shop", "ops", user_secret, now),
            "og-authorization": "True"}
    secrets.add(good["authorization"])
    secrets.add(json.loads(good["authorization"])["sig"])
    assert send(good).status_code == 207
    assert send({"x-api-key": api_key}).status_code == 207
    # Failures: wrong secret, wrong key, malformed header, expired, customer scope, throttled.
    wrong = authorization("shop", "ops", "wrong-SECRET-guess", now)
    secrets.update({wrong, json.loads(wrong)["sig"]})
    assert send({"authorization": wrong, "og-authorization": "True"}).status_code == 401
    bad_key = "rk_wrong-SECRET-key-0123456789"
    secrets.add(bad_key)
    assert send({"x-api-key": bad_key}).status_code == 401
    malformed = '{"public_id":"shop","sig":"malformed-SECRET-sig'
    secrets.add(malformed)
    assert send({"authorization": malformed, "og-authorization": "True"}).status_code == 401
    expired = authorization("shop", "ops", user_secret, now - 100_000)
    secrets.update({expired, json.loads(expired)["sig"]})
    assert send({"authorization": expired, "og-authorization": "True"}).status_code == 401
    customer = authorization("shop", "cust-1", hash_key, now)
    secrets.update({customer, json.loads(customer)["sig"]})
    assert send({"authorization": customer}).status_code == 403
    for _ in range(4):
        send(good)
    assert send(good).status_code == 429
    # Strict merchant: accepted, replayed, wrong body signature.
    strict = {"authorization": authorization("strict-shop", "ops", strict_secret, now),
              "og-authorization": "True"}
    mac = hmac.new(strict_secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    strict["x-restock-signature"] = f"ts={now},sig={mac}"
    secrets.update({strict["authorization"], json.loads(strict["authorization"])["sig"], mac})
    assert send(strict).status_code == 207
    assert send(strict).status_code == 401
    assert send(strict, data=b"[]").status_code == 401
    # An oversized header carrying a credential (431) and a malformed request.
    huge = "huge-SECRET-" + "z" * 5000
    secrets.add(huge)
    (resp,) = raw_exchange(server, raw_patch({"x-api-key": huge}, body))
    assert resp.status == 431
    raw_exchange(server, b"PATCH / HTTP/1.1\r\nx-api-key: " + api_key.encode() + b"\r\nbad\r\n\r\n")

    server.stop()
    logs.append(server.stderr_path.read_text(errors="replace"))
    logs.append(server.stdout_path.read_text(errors="replace"))
    lines = [line for text in logs for line in text.splitlines()]
    assert any("listening" in line for line in lines), "the server log was captured"
    assert any("431" in line or "header" in line.lower() for line in lines), \
        "trace logging logged the request failures"
    leaks = [(s, line) for line in lines for s in secrets if s in line]
    assert not leaks, leaks[:5]
    # Each secret's distinctive part too (a log line might hold a substring, e.g. base64).
    for s in secrets:
        core = s[-16:]
        assert not any(core in line for line in lines), s

    # API keys are stored only as hashes.
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("secrets.db"))
    assert api_key.encode() not in stored
    assert base64.b64encode(api_key.encode()) not in stored
