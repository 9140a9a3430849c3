"""A merchant's e-commerce platform for the order hand-off tests (docs/handoff.md): a real
HTTP server in the test process that receives restock's hand-off requests the way a platform
would, independently of restock's code:

- verifies the Authorization header (Ordergroove's JSON {"public_id","sig","ts","sig_field"})
  with Python's hmac: sig = base64(HMAC-SHA256(hash key, sig_field + "|" + ts)), sig_field =
  the order's customer;
- parses the XML body with xml.etree (a real XML parser; CDATA included) or the JSON body;
- records each order once per Idempotency-Key (a repeated key after an accepted order is
  answered the same SUCCESS again, recorded as a duplicate, not as a second order);
- answers what the order's customer id scripts (the part before the first ':'):
    ok          SUCCESS, orderId "M-<key>"
    processing  PROCESSING
    err<NNN>    ERROR NNN (e.g. err160, err999, err140)
    oos<P>      the first order holding product P: ERROR 999 with
                <outOfStock><product_id>P</product_id>; every later one: SUCCESS
    garbage     200 with a body that is no answer
    fail500     500 with an empty body
    slow        sleeps `slow_s` seconds, then SUCCESS (after restock gave up)
    reset       records the order, then closes the connection without an answer
    huge        200 with a complete 2 MiB body (a SUCCESS padded with whitespace)
    hugecut     200 announcing a 2 MiB body, closing the connection after 1.5 MiB of it
    hang        never answers until the platform stops
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    key: str
    customer: str
    public_id: str
    sig_ok: bool
    content_type: str
    document: dict[str, Any]
    answered: str
    user_agent: str = ""
    arrived: float = field(default_factory=time.time)


def parse_xml(body: bytes) -> dict[str, Any]:
    root = ET.fromstring(body)
    assert root.tag == "order", root.tag
    head = {c.tag: c.text or "" for c in root.find("head")}
    customer = {c.tag: c.text or "" for c in root.find("customer")}
    items = []
    for item in root.find("items"):
        fields = {c.tag: c.text or "" for c in item if c.tag != "subscription"}
        sub = item.find("subscription")
        if sub is not None:
            fields["subscription"] = {c.tag: c.text or "" for c in sub}
        items.append(fields)
    return {"head": head, "customer": customer, "items": items}


class MerchantPlatform:
    def __init__(self, hash_keys: dict[str, str], slow_s: float = 3.0, delay_s: float = 0.0):
        self.hash_keys = hash_keys
        self.slow_s = slow_s
        self.delay_s = delay_s  # every "ok" answer waits this long after recording the order
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.orders: dict[str, Received] = {}  # accepted or recorded, by Idempotency-Key
        self.duplicates: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._open_keys: dict[str, int] = {}
        self._overlaps: set[str] = set()
        self._reported: set[str] = set()  # products answered out of stock once
        self.stopping = threading.Event()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                platform._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/og/orders"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # ---- one request

    def _verify(self, auth: str, customer: str) -> tuple[str, bool]:
        try:
            a = json.loads(auth)
        except ValueError:
            return "", False
        key = self.hash_keys.get(a.get("public_id", ""))
        if key is None or a.get("sig_field") != customer:
            return a.get("public_id", ""), False
        mac = hmac.new(key.encode(), f"{a['sig_field']}|{a['ts']}".encode(), hashlib.sha256)
        expected = base64.b64encode(mac.digest()).decode()
        return a["public_id"], hmac.compare_digest(expected, str(a.get("sig", "")))

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length", "0")))
        ctype = h.headers.get("Content-Type", "")
        doc = json.loads(body) if ctype.startswith("application/json") else parse_xml(body)
        customer = (doc["customer"].get("customerPartnerId")
                    or doc["customer"].get("customer_partner_id", ""))
        key = h.headers.get("Idempotency-Key", "")
        public_id, sig_ok = self._verify(h.headers.get("Authorization", ""), customer)
        script = customer.split(":", 1)[0]
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._open_keys[key] = self._open_keys.get(key, 0) + 1
            if self._open_keys[key] > 1:
                self._overlaps.add(key)
        try:
            self._answer(h, script, key, Received(key, customer, public_id, sig_ok, ctype, doc, "",
                                                  h.headers.get("User-Agent", "")))
        finally:
            with self.lock:
                self.in_flight -= 1
                self._open_keys[key] -= 1

    def _first_out_of_stock(self, product: str, r: Received) -> bool:
        """Whether `product` is in the order and was not reported out of stock before."""
        items = [i.get("product_id") for i in r.document["items"]]
        with self.lock:
            if product not in items or product in self._reported:
                return False
            self._reported.add(product)
            return True

    def _record(self, r: Received) -> bool:
        """Records the order under its key; False when the key was recorded before."""
        with self.lock:
            self.received.append(r)
            if r.key in self.orders:
                self.duplicates.append(r.key)
                return False
            self.orders[r.key] = r
            return True

    def _answer(self, h: BaseHTTPRequestHandler, script: str, key: str, r: Received) -> None:
        json_format = r.content_type.startswith("application/json")
        status, text = 200, ""
        oos = script.startswith("oos") and self._first_out_of_stock(script[3:], r)
        if script == "ok" or (script.startswith("oos") and not oos):
            self._record(r)
            if self.delay_s:
                self.stopping.wait(self.delay_s)
            text = (json.dumps({"code": "SUCCESS", "order_id": f"M-{key}"}) if json_format else
                    f"<order><code>SUCCESS</code><orderId>M-{key}</orderId></order>")
        elif script == "processing":
            self._record(r)
            text = "<order><code>PROCESSING</code></order>"
        elif script.startswith("err"):
            code = script[3:]
            text = (f"<order><code>ERROR</code><errorCode>{code}</errorCode>"
                    f"<errorMsg>declined {code}</errorMsg></order>")
        elif oos:
            text = ("<order><code>ERROR</code><errorCode>999</errorCode><errorMsg>stock</errorMsg>"
                    f"<outOfStock><product_id>{script[3:]}</product_id></outOfStock></order>")
        elif script == "garbage":
            text = "thanks!"
        elif script == "fail500":
            status = 500
        elif script == "slow":
            self._record(r)
            self.stopping.wait(self.slow_s)
            text = f"<order><code>SUCCESS</code><orderId>M-{key}</orderId></order>"
        elif script == "reset":
            self._record(r)
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
            h.connection.close()
            h.close_connection = True
            r.answered = "reset"
            return
        elif script in ("huge", "hugecut"):
            self._record(r)
            pad = b" " * (2 << 20)
            data = f"<order><code>SUCCESS</code><orderId>M-{key}</orderId></order>".encode()
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", str(len(pad) + len(data)))
            h.end_headers()
            if script == "huge":
                h.wfile.write(pad + data)
                r.answered = "200 huge"
            else:
                h.wfile.write(pad[: 3 << 19])
                h.wfile.flush()
                h.connection.shutdown(socket.SHUT_RDWR)
                h.close_connection = True
                r.answered = "cut"
            return
        elif script == "hang":
            self.stopping.wait(3600)
            return
        r.answered = f"{status} {text}"
        if not any(x is r for x in self.received):
            with self.lock:
                self.received.append(r)
        data = text.encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json" if json_format else "application/xml")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    # ---- for assertions

    def keys(self) -> list[str]:
        with self.lock:
            return [r.key for r in self.received]

    def overlapping(self) -> list[str]:
        """Keys that had two requests in flight at the same time."""
        with self.lock:
            return sorted(self._overlaps)
