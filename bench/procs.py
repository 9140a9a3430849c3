"""Processes bench/run drives: the restock CLI and server, nginx, wrk, the bench programs.

Every helper raises BenchError with a one-line reason when a step fails, so bench/run stops
with a clear message instead of reporting figures of a broken run.
"""
from __future__ import annotations

import json
import os
import pathlib
import platform
import re
import shutil
import signal
import subprocess
import time
from typing import Any

BENCH_DIR = pathlib.Path(__file__).resolve().parent
RESULT_PREFIX = "BENCH_RESULT "


class BenchError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600,
        capture: bool = True) -> str:
    """Runs `cmd` and returns its stdout; BenchError with stderr's tail when it fails."""
    proc = subprocess.run(cmd, env=env, timeout=timeout, text=True,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None)
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(cmd[:3])} … exited {proc.returncode}: {' | '.join(tail)}")
    return proc.stdout or ""


def bench_result(output: str) -> dict[str, Any]:
    """The JSON of the last 'BENCH_RESULT {…}' line of a program's output."""
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    raise BenchError("no BENCH_RESULT line in output: " + output.strip()[-300:])


# ---------------------------------------------------------------------------------------------
# The machine


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_mib = 0
    try:
        for line in pathlib.Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_mib = int(line.split()[1]) // 1024
    except OSError:
        pass
    disk = "unknown"
    try:
        disk = subprocess.run(["findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "-T", os.getcwd()],
                              text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": mem_mib,
        "kernel": platform.release(),
        "os": _os_name(),
        "disk": disk,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "sqlite": _version(["sqlite3", "--version"]),
        "nginx": _version(["nginx", "-v"]),
        "wrk": _version(["wrk", "-v"]),
        "compiler": _version(["c++", "--version"]),
    }


def _os_name() -> str:
    try:
        for line in pathlib.Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, text=True, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "absent"
    out = (p.stdout + p.stderr).strip().splitlines()
    return out[0][:100] if out else "unknown"


# ---------------------------------------------------------------------------------------------
# restock


class Restock:
    """The restock CLI against one database URL."""

    def __init__(self, binary: pathlib.Path, db: str) -> None:
        self.binary = str(binary)
        self.db = db

    def cli(self, *args: str, timeout: float = 3600) -> str:
        return run([self.binary, *args, "--db", self.db], timeout=timeout)

    def seed(self, public_id: str, products: int, work: pathlib.Path, *,
             username: str, secret: str) -> dict[str, Any]:
        """A merchant with an API user, an API key and `products` products (via the CLI's
        bulk import). Returns the credentials and the import's time."""
        self.cli("init")
        self.cli("merchant", "add", "--public-id", public_id)
        self.cli("api-user", "add", "--merchant", public_id, "--username", username,
                 "--secret", secret)
        api_key = json.loads(self.cli("api-key", "add", "--merchant", public_id))["key"]
        feed = work / f"{public_id}-products.jsonl"
        with feed.open("w") as f:
            for i in range(products):
                # A tracked inventory far from 0: the inventory_adjust scenario (bench/run,
                # write_scenarios) adds and takes single units without ever reaching it.
                f.write(f'{{"product_id":"P{i:07d}","sku":"SKU{i}","name":"Product {i}",'
                        f'"price":"9.99","live":true,"inventory":1000000}}\n')
        start = time.monotonic()
        summary = json.loads(self.cli("product", "import", "--merchant", public_id, str(feed)))
        seconds = time.monotonic() - start
        feed.unlink()
        if summary.get("created") != products:
            raise BenchError(f"import created {summary.get('created')} of {products} products")
        return {"api_key": api_key, "import_seconds": round(seconds, 2),
                "import_products_per_s": round(products / seconds, 1)}


# The default rate limits (600 batch calls per minute per merchant, 6,000 requests per minute
# per client address) would answer most of a load test 429. The bench raises both to the
# largest accepted value instead of turning them off, so every request still pays for the
# two token-bucket checks a production request pays for.
RATE_LIMITS_FOR_LOAD = ["--rate-limit-merchant", "1000000000", "--rate-limit-client", "1000000000"]


class Server:
    """`restock serve` on a free loopback port, with the bench's rate limits and `extra_args`;
    stop() returns its peak RSS (VmHWM)."""

    def __init__(self, binary: pathlib.Path, db: str, log_path: pathlib.Path,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.log_file = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--db", db, "--listen", "127.0.0.1:0", "--scheduler", "false",
             "--log-level", "warn", *RATE_LIMITS_FOR_LOAD, *extra_args],
            stdout=subprocess.PIPE, stderr=self.log_file, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        try:
            self.address = json.loads(line)["listen"]
        except (ValueError, KeyError):
            self.proc.kill()
            raise BenchError(f"restock serve did not start (see {log_path}): {line!r}")
        self.url = f"http://{self.address}"
        self.peak_rss_samples: list[int] = []

    def rss_kib(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in KiB."""
        rss = hwm = 0
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
        return rss, hwm

    def stop(self) -> int:
        """Stops the server gracefully; returns its VmHWM in KiB."""
        _, hwm = self.rss_kib()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise BenchError("restock serve did not stop within 60 s of SIGTERM")
        self.log_file.close()
        if self.proc.returncode != 0:
            raise BenchError(f"restock serve exited {self.proc.returncode}")
        return hwm


# ---------------------------------------------------------------------------------------------
# nginx: the HTTP ceiling


def fixed_results_body(n: int) -> str:
    """A 207 body of the size restock answers a batch of `n` applied elements with."""
    return '{"results":[' + ",".join(
        f'{{"product_id":"P{i:07d}","status":200}}' for i in range(n)) + "]}"


def _return_location(n: int) -> str:
    """nginx `location` answering /b<n>/ with `return 207` and fixed_results_body(n)."""
    body = fixed_results_body(n)
    piece = 3000  # below nginx's 4 KiB token limit; the body has no quote or backslash
    chunks = [body[i:i + piece] for i in range(0, len(body), piece)]
    sets = "".join(f"set $r{n}_{k} '{c}'; " for k, c in enumerate(chunks))
    joined = "".join(f"${{r{n}_{k}}}" for k in range(len(chunks)))
    return f"        location = /b{n}/ {{ {sets}return 207 \"{joined}\"; }}\n"


class Nginx:
    """An unprivileged foreground nginx on a loopback port answering every PATCH to
    /b<N>/ with a fixed 207 JSON body of N results, the cheapest answer nginx has: `return`
    (no file, no internal redirect, no access log). nginx reads and discards the request body
    before it sends the answer. A configuration token holds at most 4 KiB, so a long body is
    set in pieces of variables that `return` joins. `http_extra` (lines of the `http` block)
    and `locations_extra` (more `location`s) serve bench/handoff.py's instance, in
    work/`name`."""

    def __init__(self, work: pathlib.Path, port: int, batches: list[int], workers: int, *,
                 name: str = "nginx", http_extra: str = "", locations_extra: str = "") -> None:
        self.dir = work / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "html").mkdir(parents=True)
        (self.dir / "logs").mkdir()
        (self.dir / "tmp").mkdir(mode=0o777)
        os.chmod(self.dir / "tmp", 0o777)
        locations = [_return_location(n) for n in batches] + [locations_extra]
        # Started by root, the workers still run unprivileged (nobody), reading world-readable
        # files only.
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        conf = (
            f"{user}worker_processes {workers};\n"
            "daemon off;\n"
            f"pid {self.dir}/nginx.pid;\n"
            f"error_log {self.dir}/logs/error.log warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            "    access_log off;\n"
            "    types { application/json json; }\n"
            "    default_type application/json;\n"
            "    keepalive_requests 1000000;\n"
            + http_extra +
            "    client_max_body_size 16m;\n"
            "    client_body_buffer_size 1m;\n"
            f"    client_body_temp_path {self.dir}/tmp;\n"
            f"    proxy_temp_path {self.dir}/tmp;\n"
            f"    fastcgi_temp_path {self.dir}/tmp;\n"
            f"    uwsgi_temp_path {self.dir}/tmp;\n"
            f"    scgi_temp_path {self.dir}/tmp;\n"
            "    server {\n"
            f"        listen 127.0.0.1:{port};\n"
            f"        root {self.dir}/html;\n"
            + "".join(locations) +
            "    }\n"
            "}\n")
        (self.dir / "nginx.conf").write_text(conf)
        self.log_file = (self.dir / "logs" / "stderr.log").open("w")
        self.proc = subprocess.Popen(
            ["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        _wait_for_port(port, self.proc, "nginx", self.dir / "logs" / "error.log")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, name: str, log_path: pathlib.Path) -> None:
    import socket
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log_path.read_text() if log_path.exists() else ""
            raise BenchError(f"{name} exited {proc.returncode}: {text.strip()[-300:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise BenchError(f"{name} did not listen on port {port}")


# ---------------------------------------------------------------------------------------------
# wrk


def wrk(url: str, path: str, *, batch: int, connections: int, seconds: float, threads: int,
        products: int, creds: dict[str, str], api_key: bool = False,
        write: str = "live") -> dict[str, Any]:
    """One wrk run of bench/wrk/patch.lua (`write`: its BENCH_WRITE). Returns its figures
    with requests/s, products/s and latencies in ms."""
    env = dict(os.environ,
               BENCH_PATH=path, BENCH_BATCH=str(batch), BENCH_PRODUCTS=str(products),
               BENCH_PUBLIC_ID=creds["public_id"], BENCH_USER=creds["username"],
               BENCH_SECRET=creds["secret"], BENCH_API_KEY=creds["api_key"] if api_key else "",
               BENCH_WRITE=write)
    # wrk takes whole seconds ("-d 30.0s" is a usage error).
    duration = f"{max(1, round(seconds))}s"
    out = run(["wrk", "-t", str(threads), "-c", str(connections), "-d", duration,
               "--timeout", "30s", "-s", str(BENCH_DIR / "wrk" / "patch.lua"), url],
              env=env, timeout=seconds + 120)
    r = bench_result(out)
    secs = r["duration_us"] / 1e6
    if r["requests"] == 0:
        # A figure, not a broken script: e.g. a 1 s smoke run ending before the first batch.
        log(f"  warning: no answer from {url}{path} within {seconds} s")
    r.update({
        "connections": connections,
        "requests_per_s": round(r["requests"] / secs, 1),
        "products_per_s": round(r["requests"] * batch / secs, 1),
        "p50_ms": round(r["p50_us"] / 1000, 3),
        "p90_ms": round(r["p90_us"] / 1000, 3),
        "p99_ms": round(r["p99_us"] / 1000, 3),
        "max_ms": round(r["max_us"] / 1000, 3),
    })
    return r


def settle(url: str, creds: dict[str, str], *, quick_ms: float = 50, limit_s: float = 120) -> float:
    """Waits until the server has worked off what the previous wrk run left queued.

    When wrk stops it closes its connections, but the requests it had sent (64 batches of
    1,000 products at most) are still being committed. restock's writer commits in arrival
    order, so a signed single-product PATCH sent now is answered only after that backlog; the
    first one answered within `quick_ms` shows the queue is empty. Returns the seconds waited.
    """
    import base64
    import hashlib
    import hmac
    import urllib.request
    start = time.monotonic()
    body = b'[{"product_id":"P0000000","live":true}]'
    while True:
        ts = int(time.time())
        sig = base64.b64encode(hmac.new(creds["secret"].encode(),
                                        f"{creds['username']}|{ts}".encode(),
                                        hashlib.sha256).digest()).decode()
        auth = json.dumps({"public_id": creds["public_id"], "ts": ts,
                           "sig_field": creds["username"], "sig": sig})
        req = urllib.request.Request(f"{url}/products-batch/update/", data=body, method="PATCH",
                                     headers={"authorization": auth, "og-authorization": "True",
                                              "content-type": "application/json"})
        sent = time.monotonic()
        with urllib.request.urlopen(req, timeout=limit_s) as resp:
            if resp.status != 207:
                raise RuntimeError(f"settle: {url} answered {resp.status}")
        if (time.monotonic() - sent) * 1000 < quick_ms:
            waited = time.monotonic() - start
            if waited > 0.2:
                log(f"  (waited {waited:.1f} s for the previous scenario's queued requests)")
            return waited
        if time.monotonic() - start > limit_s:
            raise RuntimeError(f"settle: {url} still busy after {limit_s} s")


def sampled(server: Server, fn, *args, **kwargs) -> tuple[Any, int]:
    """Runs fn(*args, **kwargs) while sampling the server's RSS; returns (result, max KiB)."""
    import threading
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], server.rss_kib()[0])
            except OSError:
                return
            stop.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        result = fn(*args, **kwargs)
    finally:
        stop.set()
        t.join()
    return result, peak[0]


def parse_int(text: str) -> int:
    m = re.search(r"\d+", text)
    return int(m.group()) if m else 0
