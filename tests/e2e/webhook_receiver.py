"""A webhook receiver for restock's end-to-end tests, run as its own process.

Usage: webhook_receiver.py --out FILE [--port P] [--secret S ...] [--fail-first N]
                           [--fail-mode 500|timeout|mixed|301|302|303|307|308]
                           [--sleep SECONDS]

Prints {"port": P} on stdout once listening. Every request is appended to FILE as one JSON
line: {"attempt" (per event id), "status" (what it answered), "body" (raw, as text),
"signature" (the header), "sigs_valid": [whether each sig= verifies with each --secret, in
header order], "event_id", "type", "method", "path", "headers" (as received), "arrived"
(Unix time)}; requests of other methods (a followed redirect) are recorded too. Signatures
are checked here with Python's hmac, not restock's code. The first N attempts of each event
fail: "500" answers 500, "timeout" sleeps --sleep seconds before answering 200 (after the
sender gave up), "mixed" alternates, a 3xx status answers that redirect with
`Location: /redirected` on this receiver.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_signature(header: str) -> tuple[str, list[str]]:
    ts, sigs = "", []
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key == "ts":
            ts = value
        elif key == "sig":
            sigs.append(value)
    return ts, sigs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--secret", action="append", default=[])
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--fail-mode", default="500",
                    choices=["500", "timeout", "mixed", "301", "302", "303", "307", "308"])
    ap.add_argument("--sleep", type=float, default=1.0)
    args = ap.parse_args()

    lock = threading.Lock()
    attempts: dict[str, int] = {}
    out = open(args.out, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):  # quiet
            pass

        def do_POST(self):
            arrived = time.time()
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            header = self.headers.get("OrderGroove-Signature", "")
            ts, sigs = parse_signature(header)
            valid = [[hmac.compare_digest(
                hmac.new(s.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest(), sig)
                for s in args.secret] for sig in sigs]
            try:
                event = json.loads(raw)
                event_id, etype = event.get("id"), event.get("type")
            except ValueError:
                event_id, etype = None, None
            with lock:
                n = attempts.get(event_id, 0) + 1
                attempts[event_id] = n
            status = 200
            mode = None
            if n <= args.fail_first:
                mode = args.fail_mode
                if mode == "mixed":
                    mode = "500" if n % 2 == 1 else "timeout"
            if mode == "500":
                status = 500
            elif mode is not None and mode.startswith("3"):
                status = int(mode)
            elif mode == "timeout":
                time.sleep(args.sleep)
            record = {"attempt": n, "status": status, "late": mode == "timeout",
                      "body": raw.decode("utf-8"), "signature": header, "sigs_valid": valid,
                      "event_id": event_id, "type": etype,
                      "content_type": self.headers.get("content-type"),
                      "method": self.command, "path": self.path, "arrived": arrived,
                      "headers": [[k, v] for k, v in self.headers.items()]}
            with lock:
                out.write(json.dumps(record) + "\n")
                out.flush()
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("location", "/redirected")
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender timed out and closed the connection

        do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_POST  # a followed redirect

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
