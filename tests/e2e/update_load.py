"""Update load for the PostgreSQL fault tests (a restart, a failover): one thread per product
sets its inventory to 1, 2, 3, ... one PATCH at a time and remembers the last value the
server acknowledged (207 with the element's 200) and the last it sent. Afterwards every
product's stored inventory must lie between the two: an acknowledged update is never lost,
and nothing the client never sent appears."""

from __future__ import annotations

import threading
from typing import Callable

import requests

# send(product_id, value, session) -> the response of one single-element PATCH
Send = Callable[[str, int, requests.Session], requests.Response]


class UpdateLoad:
    def __init__(self, product_ids: list[str], send: Send):
        self.product_ids = product_ids
        self._send = send
        self.acked = [0] * len(product_ids)
        self.sent = [0] * len(product_ids)
        self.codes: dict[int, int] = {}  # HTTP status -> count; -1 for no answer
        self.bad: list[str] = []  # answers a client must never get
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(t,), daemon=True)
                         for t in range(len(product_ids))]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def total_acked(self) -> int:
        return sum(self.acked)

    def check_stored(self, inventory_of: Callable[[str], int]) -> None:
        for t, pid in enumerate(self.product_ids):
            inventory = inventory_of(pid)
            assert self.acked[t] <= inventory <= self.sent[t], \
                (pid, inventory, self.acked[t], self.sent[t], self.codes)

    def _count(self, code: int) -> None:
        self.codes[code] = self.codes.get(code, 0) + 1

    def _client(self, t: int) -> None:
        session = requests.Session()
        n = 0
        while not self._stop.is_set():
            n += 1
            self.sent[t] = n
            try:
                resp = self._send(self.product_ids[t], n, session)
            except requests.RequestException:
                session = requests.Session()
                self._count(-1)
                continue
            self._count(resp.status_code)
            if resp.status_code == 207 and resp.json()["results"][0]["status"] == 200:
                self.acked[t] = n
            elif resp.status_code == 503:
                if not resp.headers.get("retry-after"):
                    self.bad.append(f"503 without Retry-After: {resp.headers}")
            else:
                self.bad.append(f"{resp.status_code} {resp.text}")
                return
