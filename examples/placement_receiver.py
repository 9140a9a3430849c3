#!/usr/bin/env python3
"""A minimal order placement endpoint for restock's hand-off (docs/handoff.md), to start
from: it checks the Authorization signature with the merchant's hash key, parses the XML order
document, records each order once per Idempotency-Key, and answers SUCCESS with its own order
id. Replace `create_order` with your platform's order creation.

Usage: placement_receiver.py --hash-key KEY [--public-id PID] [--port 8090] [--orders FILE]
Prints {"port": P} once listening; with --orders, appends each new order as one JSON line.
Standard library only (Python 3.9+).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_SKEW_S = 2 * 3600  # Ordergroove's signatures are valid for two hours


def signature_ok(header: str, hash_key: str, public_id: str | None, customer: str) -> bool:
    try:
        auth = json.loads(header)
        ts = int(auth["ts"])
    except (ValueError, KeyError, TypeError):
        return False
    if public_id is not None and auth.get("public_id") != public_id:
        return False
    if auth.get("sig_field") != customer or abs(time.time() - ts) > MAX_SKEW_S:
        return False
    mac = hmac.new(hash_key.encode(), f"{customer}|{ts}".encode(), hashlib.sha256)
    return hmac.compare_digest(base64.b64encode(mac.digest()).decode(), str(auth.get("sig")))


def reply(code: str, **fields: str) -> bytes:
    parts = [f"<code>{code}</code>"]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    return ("<order>" + "".join(parts) + "</order>").encode()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hash-key", required=True)
    ap.add_argument("--public-id")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--orders")
    args = ap.parse_args()
    lock = threading.Lock()
    created: dict[str, str] = {}  # Idempotency-Key -> our order id

    def create_order(order: ET.Element) -> str:
        """Your platform's order creation; returns your order id."""
        our_id = f"SO-{len(created) + 1:06d}"
        if args.orders:
            with open(args.orders, "a", encoding="utf-8") as out:
                out.write(json.dumps({
                    "order_id": our_id,
                    "public_id": order.findtext("head/orderPublicId"),
                    "customer": order.findtext("customer/customerPartnerId"),
                    "items": [{"product_id": i.findtext("product_id"), "qty": i.findtext("qty")}
                              for i in order.iter("item")],
                }) + "\n")
        return our_id

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                order = ET.fromstring(raw)
                customer = order.findtext("customer/customerPartnerId") or ""
            except ET.ParseError:
                return self.answer(400, reply("ERROR", errorCode="020", errorMsg="bad XML"))
            if not signature_ok(self.headers.get("Authorization", ""), args.hash_key,
                                args.public_id, customer):
                return self.answer(401, reply("ERROR", errorCode="020",
                                              errorMsg="bad signature"))
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                if key not in created:  # a retry of a recorded order is answered again
                    created[key] = create_order(order)
                our_id = created[key]
            self.answer(200, reply("SUCCESS", orderId=our_id))

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
