"""Signatures (SPEC §2): `restock sign` checked against Python's hmac and against openssl,
and the Python signer the other tests use checked against openssl too."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from harness import results, sign

# From Ordergroove's docs; the value is what openssl computes (the docs' own claim is wrong).
DOCS_KEY = "NT2kBcFx%!7dnAOVv9}i3CR*<L66w5"
DOCS_FIELD, DOCS_TS = "test_user", 1488466536
DOCS_SIG = "IYLYdrP/HAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o="


def openssl_sign(secret: str, sig_field: str, ts: int | str) -> str:
    """`printf MSG | openssl dgst -sha256 -hmac KEY -binary | base64`, via a shell."""
    out = subprocess.run(
        ["bash", "-c",
         'printf "%s" "$MSG" | openssl dgst -sha256 -hmac "$KEY" -binary | base64 -w0'],
        env={"MSG": f"{sig_field}|{ts}", "KEY": secret, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip()


def parse_sign_output(stdout: str) -> dict:
    """`restock sign` prints the header value as JSON; accept it also as a JSON string."""
    value = json.loads(stdout)
    if isinstance(value, str):
        value = json.loads(value)
    assert isinstance(value, dict), stdout
    return value


def test_python_signer_matches_openssl_on_docs_vector():
    assert sign(DOCS_KEY, DOCS_FIELD, DOCS_TS) == DOCS_SIG
    assert openssl_sign(DOCS_KEY, DOCS_FIELD, DOCS_TS) == DOCS_SIG


CASES = [
    ("docs_vector", "merchant-x", DOCS_FIELD, DOCS_KEY, DOCS_TS),
    ("plain", "merchant-a", "api-a", "secret-a-xyz", 1700000000),
    ("unicode_and_spaces", "m", "user name é", "s p a c e ✓", 1),
    ("long_secret", "m", "u", "k" * 200, 4102444800),
]


@pytest.mark.parametrize("public_id,sig_field,secret,ts",
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_sign_command_matches_python_and_openssl(cli, public_id, sig_field, secret, ts):
    out = parse_sign_output(cli.run("sign", "--public-id", public_id, "--sig-field", sig_field,
                                    "--secret", secret, "--ts", str(ts), db=False).stdout)
    assert out["public_id"] == public_id
    assert out["sig_field"] == sig_field
    assert str(out["ts"]) == str(ts)
    assert out["sig"] == sign(secret, sig_field, ts) == openssl_sign(secret, sig_field, ts)


def test_sign_without_ts_uses_now(cli):
    before = int(time.time())
    r = cli.run("sign", "--public-id", "m", "--sig-field", "u", "--secret", "s", db=False)
    after = int(time.time())
    assert r.rc == 0, r.describe()
    out = parse_sign_output(r.stdout)
    assert before <= int(out["ts"]) <= after
    assert out["sig"] == sign("s", "u", out["ts"])


def test_sign_output_is_accepted_by_server(restock):
    a = restock.a
    r = restock.cli.run("sign", "--public-id", a.public_id, "--sig-field", a.username,
                        "--secret", a.secret, db=False)
    assert r.rc == 0, r.describe()
    value = json.loads(r.stdout)
    header = value if isinstance(value, str) else r.stdout.strip()
    resp = restock.patch([{"product_id": "P1", "live": False}],
                         auth={"authorization": header, "og-authorization": "True"})
    assert results(resp) == [{"product_id": "P1", "status": 200}]


@pytest.mark.parametrize("missing", ["--public-id", "--sig-field", "--secret"])
def test_sign_without_required_option_is_usage_error(cli, missing):
    args = {"--public-id": "m", "--sig-field": "u", "--secret": "s"}
    del args[missing]
    cli.fails(2, "sign", *[x for kv in args.items() for x in kv], db=False)


def test_sign_with_bad_ts_is_usage_error(cli):
    cli.fails(2, "sign", "--public-id", "m", "--sig-field", "u", "--secret", "s", "--ts", "soon",
              db=False)
