"""Runs the receiver examples of docs/webhooks.md (extracted from the page itself) against
real deliveries: the Python one always, the Node one when `node` is installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
import requests

from harness import REPO_ROOT, results
from webhook_support import FAST, free_port, outbox, wait_for

SECRET = "whsec_docs_example_0123456789"
OLD_SECRET = "whsec_docs_example_old_012345"


def example(kind: str) -> str:
    text = (REPO_ROOT / "docs" / "webhooks.md").read_text()
    m = re.search(r"<!-- receiver: " + kind + r" -->\n```\w+\n(.*?)```", text, re.S)
    assert m, f"no {kind} receiver example in docs/webhooks.md"
    return m.group(1)


def run_example(restock, tmp_path, kind: str, command: list[str]) -> None:
    suffix = ".py" if kind == "python" else ".js"
    path = tmp_path / f"receiver{suffix}"
    path.write_text(example(kind))
    port = free_port()
    env = dict(os.environ, PORT=str(port), WEBHOOK_SECRETS=f"{SECRET},{OLD_SECRET}")
    out_path = tmp_path / f"{kind}.out"
    with open(out_path, "w") as out:
        proc = subprocess.Popen([*command, str(path)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/hook"

        def up():
            try:
                return requests.post(url, data=b"{}", timeout=2).status_code == 400
            except requests.ConnectionError:
                return False
        wait_for(up, 20, f"the {kind} example to listen")
        # It really checks: a wrong signature and a stale one are refused.
        ts = int(time.time())
        assert requests.post(url, data=b'{"id":"x","type":"t"}',
                             headers={"OrderGroove-Signature": f"ts={ts},sig={'0' * 64}"},
                             timeout=5).status_code == 400

        restock.cli.ok("webhook", "add", "--merchant", restock.a.public_id, "--url", url,
                       "--events", "product.stock_changed", "--secret", OLD_SECRET)
        hook = restock.cli.ok("webhook", "list", "--merchant", restock.a.public_id)[0]
        restock.cli.ok("webhook", "rotate", "--merchant", restock.a.public_id, "--id",
                       str(hook["id"]), "--secret", SECRET)
        restock.serve(*FAST)
        assert [r["status"] for r in results(restock.patch([{"product_id": "P2", "live": False}]))] == [200]
        wait_for(lambda: out_path.read_text().strip(), 30, f"the {kind} example's output")
        wait_for(lambda: outbox(restock.db)[0]["status"] == "delivered", 10, "delivered")
        printed = [json.loads(l) for l in out_path.read_text().splitlines() if l.startswith("{")]
        event = json.loads(outbox(restock.db)[0]["body"])
        assert printed == [{"id": event["id"], "type": "product.stock_changed"}]
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_python_receiver_example_verifies_a_real_delivery(restock, tmp_path):
    run_example(restock, tmp_path, "python", [sys.executable])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_receiver_example_verifies_a_real_delivery(restock, tmp_path):
    run_example(restock, tmp_path, "node", [shutil.which("node")])
