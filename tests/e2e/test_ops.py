"""Running the server (SPEC §1, §5): the listen line, health, metrics, database selection,
graceful shutdown."""

from __future__ import annotations

import json
import re

import pytest

from harness import Cli, Server, new_db, results

GOOD = [{"product_id": "P1", "live": False}]


def test_listen_line_is_one_json_object(restock):
    server = restock.server
    assert json.loads(server.listen_line) == {"listen": server.address}


def test_healthz_is_200(restock):
    assert restock.request("GET", "/healthz").status_code == 200


def test_metrics_count_requests(restock):
    for _ in range(3):
        assert restock.patch(GOOD).status_code == 207
    assert restock.patch(GOOD, auth={}).status_code == 401

    resp = restock.request("GET", "/metrics")

    assert resp.status_code == 200
    assert resp.headers.get("content-type", "").startswith("text/plain"), resp.headers
    samples = re.findall(r"^restock_http_requests_total(?:\{[^}]*\})?\s+([0-9.eE+]+)\s*$",
                         resp.text, re.MULTILINE)
    assert samples, resp.text
    assert sum(float(v) for v in samples) >= 4, resp.text


def test_metrics_have_type_lines(restock):
    # Series appear with their first request.
    assert restock.request("GET", "/healthz").status_code == 200
    text = restock.request("GET", "/metrics").text
    assert re.search(r"^# TYPE restock_http_requests_total counter$", text, re.MULTILINE), text


def test_sigterm_exits_0(restock):
    server = restock.server
    assert restock.request("GET", "/healthz").status_code == 200
    assert server.stop() == 0, server.stderr_tail()


def test_sigterm_after_updates_keeps_them(restock):
    assert results(restock.patch(GOOD)) == [{"product_id": "P1", "status": 200}]
    assert restock.server.stop() == 0
    assert restock.product("P1")["live"] is False


@pytest.mark.sqlite_only
def test_serve_accepts_sqlite_url(restock):
    restock.serve(db=f"sqlite:{restock.db}")
    assert results(restock.patch(GOOD)) == [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_serve_reads_db_from_environment(restock):
    restock.serve(db=None, env={"RESTOCK_DB": str(restock.db)})
    assert results(restock.patch(GOOD)) == [{"product_id": "P1", "status": 200}]
    assert restock.product("P1")["live"] is False


def test_serve_migrates_a_fresh_database(tmp_path):
    db = new_db(tmp_path, "fresh")
    server = Server(db, tmp_path)
    try:
        assert server.request("GET", "/healthz").status_code == 200
        cli = Cli(db, tmp_path)
        cli.ok("merchant", "add", "--public-id", "m1")
        cli.ok("product", "add", "--merchant", "m1", "--product-id", "X")
    finally:
        assert server.stop() == 0


def test_two_servers_each_get_their_own_port(restock, tmp_path):
    other = Server(restock.db, tmp_path, name="other")
    try:
        assert other.address != restock.server.address
        assert other.request("GET", "/healthz").status_code == 200
    finally:
        other.stop()
