"""`serve --tls-cert/--tls-key`: HTTPS with a self-signed certificate generated here with the
openssl command, checked with real clients (curl --cacert, Python ssl and requests)."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import time

import pytest
import requests

from harness import ENDPOINT, restock_bin, results


@pytest.fixture
def cert(tmp_path):
    crt, key = tmp_path / "server.crt", tmp_path / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)
    return crt, key


@pytest.fixture
def tls_server(restock, cert):
    crt, key = cert
    server = restock.serve("--tls-cert", str(crt), "--tls-key", str(key))
    server.base_url = f"https://{server.address}"
    return server


def test_requests_with_cacert_updates_stock(restock, tls_server, cert):
    body = json.dumps([{"product_id": "P1", "live": False}])
    headers = dict(restock.a.user_headers(), **{"content-type": "application/json"})
    r = requests.patch(tls_server.base_url + ENDPOINT, data=body, headers=headers,
                       verify=str(cert[0]), timeout=15)
    assert [x["status"] for x in results(r)] == [200]
    assert restock.product("P1")["live"] is False


def test_curl_with_cacert(restock, tls_server, cert):
    headers = restock.a.user_headers()
    out = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "--cacert", str(cert[0]), "-X", "PATCH",
         "-H", "content-type: application/json",
         "-H", f"authorization: {headers['authorization']}",
         "-H", "og-authorization: True",
         "--data", json.dumps([{"product_id": "P2", "live": False}]),
         "-w", "\n%{http_code} %{ssl_verify_result}",
         tls_server.base_url + ENDPOINT],
        capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.rpartition("\n")
    assert status == "207 0", out.stdout
    assert json.loads(body) == {"results": [{"product_id": "P2", "status": 200}]}
    # Without the CA the certificate is refused by curl.
    bad = subprocess.run(["curl", "-sS", tls_server.base_url + "/healthz"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0


def test_python_ssl_negotiates_tls12_or_newer_and_keep_alive_works(restock, tls_server, cert):
    host, _, port = tls_server.address.rpartition(":")
    ctx = ssl.create_default_context(cafile=str(cert[0]))
    with socket.create_connection((host, int(port)), timeout=15) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3"), tls.version()
            for _ in range(2):  # two requests on one connection
                tls.sendall(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    data += tls.recv(4096)
                assert data.startswith(b"HTTP/1.1 200"), data


def test_old_protocols_are_refused_by_the_server(tls_server):
    # s_client offers TLS 1.1 (security level 0 so the client itself allows it); the server
    # must answer with a protocol_version alert. TLS 1.2 is accepted.
    host, _, port = tls_server.address.rpartition(":")

    def s_client(*args: str) -> str:
        out = subprocess.run(["openssl", "s_client", "-connect", f"{host}:{port}", *args],
                             input="", capture_output=True, text=True, timeout=30)
        return out.stdout + out.stderr

    assert "alert protocol version" in s_client("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
    assert "Protocol  : TLSv1.2" in s_client("-tls1_2")


def test_plain_http_to_the_tls_port_does_not_disturb_the_server(restock, tls_server, cert):
    plain = "http://" + tls_server.address
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(plain + "/healthz", timeout=10)
    r = requests.get(tls_server.base_url + "/healthz", verify=str(cert[0]), timeout=15)
    assert r.status_code == 200


def test_plain_http_stays_the_default(restock):
    assert restock.request("GET", "/healthz").status_code == 200


@pytest.mark.parametrize("which", ["cert", "key", "mismatch", "only-one"])
def test_bad_tls_files_fail_at_startup_with_a_clear_message(restock, cert, tmp_path, which):
    crt, key = cert
    other_key = tmp_path / "other.key"
    subprocess.run(["openssl", "genrsa", "-out", str(other_key), "2048"], check=True,
                   capture_output=True, timeout=60)
    args = {"cert": ["--tls-cert", str(tmp_path / "missing.crt"), "--tls-key", str(key)],
            "key": ["--tls-cert", str(crt), "--tls-key", str(tmp_path / "missing.key")],
            "mismatch": ["--tls-cert", str(crt), "--tls-key", str(other_key)],
            "only-one": ["--tls-cert", str(crt)]}[which]
    r = restock.cli.run("serve", "--listen", "127.0.0.1:0", "--scheduler", "false", *args)
    assert r.rc == 2, r.describe()
    assert "tls" in r.stderr.lower(), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_an_encrypted_key_fails_at_once_without_prompting(restock, cert, tmp_path):
    """OpenSSL would ask for the pass phrase on the terminal; restock refuses to and says
    why. Run in a new session (no controlling terminal to prompt on), with a timeout."""
    crt, key = cert
    encrypted = tmp_path / "encrypted.key"
    subprocess.run(["openssl", "pkey", "-in", str(key), "-out", str(encrypted), "-aes256",
                    "-passout", "pass:a-pass-phrase"], check=True, capture_output=True,
                   timeout=60)
    proc = subprocess.run([str(restock_bin()), "serve", "--db", str(restock.db), "--listen",
                           "127.0.0.1:0", "--scheduler", "false", "--tls-cert", str(crt),
                           "--tls-key", str(encrypted)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          start_new_session=True)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "encrypted with a pass phrase" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_stalled_handshake_is_closed_after_the_header_timeout(restock, cert):
    crt, key = cert
    server = restock.serve("--tls-cert", str(crt), "--tls-key", str(key), "--header-timeout", "1")
    host, _, port = server.address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(b"\x16\x03\x01")  # the start of a ClientHello, then nothing
        sock.settimeout(6)
        start = time.monotonic()
        try:
            data = sock.recv(1024)
        except ConnectionResetError:
            data = b""
        assert data == b"" and time.monotonic() - start < 4
