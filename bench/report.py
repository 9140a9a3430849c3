"""bench/run's outputs: results.json (everything measured), results.md (the tables, each
figure next to its reference as a ratio, and the targets) and chart.png (gnuplot)."""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
from typing import Any

# Targets of issues 5 and 24, as ratios measured in one run.
SINGLE_VS_NGINX = 0.5       # single-product PATCH at 64 connections, requests/s
BATCH1000_VS_CEILING = 0.8  # 1,000-product batches, products/s vs batched SQLite updates/s
WRITE_VS_LIVE = 0.8         # single-product inventory_adjust / keyed PATCH vs plain live updates
PLACEMENT_SECONDS = 30.0    # 1,000,000 due orders
SERVE_RSS_MIB = 200.0       # serve with 1,000,000 products, under load
HANDOFF_SECONDS = 60.0      # 1,000,000 due orders decided and handed off (issue 21)
HANDOFF_VS_NGINX = 0.5      # hand-off orders/s vs nginx POSTs/s at the same concurrency


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, 3)


def fmt(x: Any, digits: int = 0) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def fmt_ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}×"


def add_ratios(results: dict[str, Any]) -> None:
    """Puts next to every HTTP figure its nginx and storage-ceiling references and ratios."""
    nginx = {(r["batch"], r["connections"]): r for r in results.get("nginx", [])}
    ceiling = {r["batch"]: r for r in results.get("ceiling", [])}
    for r in results.get("http", []):
        n = nginx.get((r["batch"], r["connections"]))
        c = ceiling.get(r["batch"])
        r["nginx_requests_per_s"] = n["requests_per_s"] if n else None
        r["nginx_p50_ms"] = n["p50_ms"] if n else None
        r["nginx_p99_ms"] = n["p99_ms"] if n else None
        # nginx measured right before and after the scenario (single products) is the
        # reference; the separate nginx pass is kept next to it.
        bracket = r.get("nginx_adjacent")
        if bracket:
            r["nginx_separate_requests_per_s"] = r["nginx_requests_per_s"]
            r["vs_nginx_separate"] = ratio(r["requests_per_s"], r["nginx_requests_per_s"])
            r["nginx_requests_per_s"] = round((bracket["before"] + bracket["after"]) / 2, 1)
        r["vs_nginx"] = ratio(r["requests_per_s"], r["nginx_requests_per_s"])
        # The ceiling measured right before and after the scenario (1,000-product batches;
        # their mean) is the reference; the one from the start of the run is kept next to it.
        adjacent = r.get("ceiling_adjacent")
        if adjacent and c:
            r["ceiling_start_updates_per_s"] = c["updates_per_s"]
            r["vs_ceiling_start"] = ratio(r["products_per_s"], c["updates_per_s"])
        c = adjacent or c
        r["ceiling_updates_per_s"] = c["updates_per_s"] if c else None
        after = r.get("ceiling_adjacent_after")
        if adjacent and after:
            r["ceiling_updates_per_s"] = round(
                (adjacent["updates_per_s"] + after["updates_per_s"]) / 2, 1)
        r["vs_ceiling"] = ratio(r["products_per_s"], r["ceiling_updates_per_s"])


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets with the measured ratios; `met` is None (n/a) in smoke mode, whose
    sizes and durations say nothing about them."""
    out = _targets(results)
    if results.get("mode") == "smoke":
        for t in out:
            t["met"] = None
    return out


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    http = {(r["batch"], r["connections"], r.get("auth", "hmac")): r
            for r in results.get("http", [])}
    single = http.get((1, 64, "hmac"))
    if single:
        label = "single-product PATCH, 64 connections: requests/s vs nginx `return`"
        if single.get("nginx_adjacent"):
            label += (" (mean of nginx right before and after; against the separate nginx "
                      f"pass: {fmt_ratio(single.get('vs_nginx_separate'))})")
        out.append({"target": label,
                    "goal": f">= {SINGLE_VS_NGINX}×", "measured": single["vs_nginx"],
                    "met": _ge(single["vs_nginx"], SINGLE_VS_NGINX)})
    for conns in (16, 64):
        b = http.get((1000, conns, "hmac"))
        if b:
            label = (f"1,000-product batches, {conns} connections: products/s vs SQLite "
                     "ceiling (batched")
            if b.get("vs_ceiling_start") is not None:
                label += (", measured right before and after; against the start of the run's: "
                          f"{fmt_ratio(b['vs_ceiling_start'])}")
            out.append({"target": label + ")",
                        "goal": f">= {BATCH1000_VS_CEILING}×", "measured": b["vs_ceiling"],
                        "met": _ge(b["vs_ceiling"], BATCH1000_VS_CEILING)})
    writes = results.get("writes")
    if writes:
        for write, what in (("adjust", "`inventory_adjust`"), ("keyed", "an Idempotency-Key")):
            out.append({"target": f"single-product PATCH with {what}, 64 connections: "
                                  "requests/s vs plain `live` updates (mean of right before "
                                  "and after)",
                        "goal": f">= {WRITE_VS_LIVE}×", "measured": writes["ratios"][write],
                        "met": _ge(writes["ratios"][write], WRITE_VS_LIVE)})
    p = results.get("placement")
    if p:
        note = "" if p["orders"] >= 1_000_000 else f" (smoke size: {p['orders']:,} orders)"
        out.append({"target": "placement of 1,000,000 due orders: seconds" + note,
                    "goal": f"<= {PLACEMENT_SECONDS:g} s", "measured": p["seconds"],
                    "met": p["seconds"] <= PLACEMENT_SECONDS if p["orders"] >= 1_000_000 else None})
    h = results.get("handoff")
    if h:
        full = h["orders"] >= 1_000_000
        note = "" if full else f" (smoke size: {h['orders']:,} orders)"
        out.append({"target": "1,000,000 due orders decided and handed off (place-orders end "
                              "to end): seconds" + note,
                    "goal": f"<= {HANDOFF_SECONDS:g} s", "measured": h["seconds"],
                    "met": h["seconds"] <= HANDOFF_SECONDS if full else None})
        out.append({"target": f"hand-off orders/s vs nginx POSTs/s, {h['concurrency']} "
                              "connections",
                    "goal": f">= {HANDOFF_VS_NGINX}×", "measured": h["ratio"],
                    "met": _ge(h["ratio"], HANDOFF_VS_NGINX)})
    rss = results.get("serve_rss")
    if rss:
        note = "" if rss["products"] >= 1_000_000 else f" (smoke size: {rss['products']:,})"
        out.append({"target": "serve peak RSS with 1,000,000 products under load, MiB" + note,
                    "goal": f"<= {SERVE_RSS_MIB:g} MiB", "measured": rss["peak_rss_mib"],
                    "met": rss["peak_rss_mib"] <= SERVE_RSS_MIB
                    if rss["products"] >= 1_000_000 else None})
    return out


def _ge(x: float | None, goal: float) -> bool | None:
    return None if x is None else x >= goal


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# restock benchmark — {results['started']}",
        "",
        f"Mode: **{results['mode']}**; database: `{results['db_kind']}`; "
        f"{results['sizes']['products']:,} products; wrk {results['sizes']['wrk_threads']} "
        f"threads, {results['sizes']['seconds']} s per scenario"
        + (f" ({results['sizes']['steady_seconds']} s for 1,000 products at 64 connections, "
           "a steady state)" if results['sizes'].get('steady_seconds', 0) >
           results['sizes']['seconds'] else "") + ".",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mib']:,} MiB, "
        f"Linux {m['kernel']} ({m['os']}); disk `{m['disk']}`; load average at start "
        f"{m['load_average_at_start']}.",
        "",
    ]
    code = results.get("code")
    if code:
        lines += [f"Code: commit {code.get('commit') or '?'}"
                  + (" with uncommitted changes" if code.get("dirty") else "")
                  + (f"; `restock` built {code['binary_built']}" if code.get("binary_built")
                     else "") + ".", ""]
        if code.get("stale"):
            lines += [f"**Warning: the binaries are older than `{code['newest_source']}`; these "
                      "figures are of older code than the commit above.**", ""]
    lines += [
        "## HTTP: `PATCH /products-batch/update/` (durable, synchronous=FULL)",
        "",
        "| products/request | conns | auth | requests/s | products/s | p50 ms | p99 ms "
        "| nginx req/s | vs nginx | nginx p50 / p99 ms | SQLite ceiling upd/s | vs ceiling |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results.get("http", []):
        lines.append(
            f"| {r['batch']:,} | {r['connections']} | {r.get('auth', 'hmac')} | "
            f"{fmt(r['requests_per_s'])} | {fmt(r['products_per_s'])} | {fmt(r['p50_ms'], 2)} | "
            f"{fmt(r['p99_ms'], 2)} | {fmt(r['nginx_requests_per_s'])}"
            f"{' ‡' if r.get('nginx_adjacent') else ''} | "
            f"{fmt_ratio(r['vs_nginx'])} | {fmt(r['nginx_p50_ms'], 2)} / "
            f"{fmt(r['nginx_p99_ms'], 2)} | {fmt(r['ceiling_updates_per_s'])}"
            f"{' †' if r.get('ceiling_adjacent') else ''} | {fmt_ratio(r['vs_ceiling'])} |")
    adjacent = [r for r in results.get("http", []) if r.get("ceiling_adjacent")]
    if adjacent:
        lines += ["", "† the storage ceiling measured right before that scenario, or the mean of "
                  "it and the one right after where both were measured (this machine's speed "
                  "drifts within minutes); against the one measured at the start of the "
                  "run: " + ", ".join(
                      f"{r['batch']:,} × {r['connections']}: "
                      f"{fmt(r.get('ceiling_start_updates_per_s'))} upd/s, "
                      f"{fmt_ratio(r.get('vs_ceiling_start'))}" for r in adjacent) + "."]
    bracketed = [r for r in results.get("http", []) if r.get("nginx_adjacent")]
    if bracketed:
        lines += ["", "‡ the mean of nginx measured right before and right after that scenario "
                  "(p50 / p99 from the separate nginx pass); before / after, and the separate "
                  "pass with its ratio: " + "; ".join(
                      f"{r['batch']:,} × {r['connections']}: "
                      f"{fmt(r['nginx_adjacent']['before'])} / "
                      f"{fmt(r['nginx_adjacent']['after'])} req/s, separate "
                      f"{fmt(r.get('nginx_separate_requests_per_s'))} req/s, "
                      f"{fmt_ratio(r.get('vs_nginx_separate'))}" for r in bracketed) + "."]
    bad = [r for r in results.get("http", []) if r["non_207"] or r["element_errors"]
           or r["socket_errors"] or r["timeouts"]]
    for r in bad:
        lines.append(f"\n**Errors** in batch {r['batch']} × {r['connections']} conns: "
                     f"{r['non_207']} non-207, {r['element_errors']} with element errors, "
                     f"{r['socket_errors']} socket errors, {r['timeouts']} timeouts.")
    if results.get("ceiling"):
        lines += ["", "## Storage ceiling (bench/sqlite_ceiling: SQLite alone, same pragmas)", "",
                  "| updates/transaction | updates | changed | seconds | updates/s |",
                  "|---:|---:|---:|---:|---:|"]
        for c in results["ceiling"]:
            lines.append(f"| {c['batch']:,} | {c['updates']:,} | {c['changed']:,} | "
                         f"{c['seconds']:.2f} | {fmt(c['updates_per_s'])} |")
        for r in results.get("http", []):
            for key, when in (("ceiling_adjacent", "before"),
                              ("ceiling_adjacent_after", "after")):
                c = r.get(key)
                if c:
                    lines.append(f"| {c['batch']:,} (right {when} {r['batch']:,} × "
                                 f"{r['connections']}) | {c['updates']:,} | {c['changed']:,} | "
                                 f"{c['seconds']:.2f} | {fmt(c['updates_per_s'])} |")
    elif results.get("ceiling_note"):
        lines += ["", f"Storage ceiling: {results['ceiling_note']}"]
    writes = results.get("writes")
    if writes:
        lines += ["", "## Inventory writes: single-product PATCH, 64 connections", "",
                  "| writes | requests/s | p50 ms | p99 ms | non-207 | element errors |",
                  "|---|---:|---:|---:|---:|---:|"]
        for r in writes["runs"]:
            lines.append(f"| {r['write']} | {fmt(r['requests_per_s'])} | {r['p50_ms']} | "
                         f"{r['p99_ms']} | {r['non_207']} | {r['element_errors']} |")
    p = results.get("placement")
    if p:
        lines += ["", "## Placement run", "",
                  "| due orders | placed | out of stock | next orders | seconds | orders/s "
                  "| peak RSS MiB | chunk |", "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {p['orders']:,} | {p['placed']:,} | {p['out_of_stock']:,} | "
                  f"{p['next_orders']:,} | {p['seconds']:.2f} | {fmt(p['orders_per_s'])} | "
                  f"{p['peak_rss_mib']} | {p['chunk']} |"]
    h = results.get("handoff")
    if h:
        c = h["ceiling"]
        lines += ["", "## Hand-off to nginx answering SUCCESS (`place-orders` end to end)", "",
                  "| due orders | concurrency | end to end s | peak RSS MiB | hand-off s | "
                  "orders/s | nginx POST/s | ratio | document bytes |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {h['orders']:,} | {h['concurrency']} | {h['seconds']:.2f} | "
                  f"{h['peak_rss_mib']} | {h['handoff_seconds']:.2f} | "
                  f"{fmt(h['handoff_orders_per_s'])} | {fmt(c['requests_per_s'])} | "
                  f"{fmt_ratio(h['ratio'])} | {h['body_bytes_median']} |"]
    rss = results.get("serve_rss")
    if rss:
        lines += ["", "## `restock serve` memory with a large catalogue", "",
                  f"{rss['products']:,} products; load: {rss['load']}. Peak RSS (VmHWM) "
                  f"**{rss['peak_rss_mib']:.1f} MiB**; highest sampled RSS under load "
                  f"{rss['sampled_rss_mib']:.1f} MiB. Import of the products: "
                  f"{rss['import_seconds']} s."]
    if results.get("micro"):
        lines += ["", "## Micro-benchmarks (Google Benchmark)", "",
                  "| benchmark | ns/op (CPU; real for /real_time) | items/s |", "|---|---:|---:|"]
        for b in results["micro"]:
            lines.append(f"| {b['name']} | {fmt(b['ns_per_op'])} | {fmt(b.get('items_per_s'))} |")
    lines += ["", "## Targets", "", "| target | goal | measured | met |", "|---|---|---:|---|"]
    for t in results.get("targets", []):
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(f"| {t['target']} | {t['goal']} | {fmt(t['measured'], 2)} | {met} |")
    lines.append("")
    return "\n".join(lines)


def chart(results: dict[str, Any], out: pathlib.Path) -> str | None:
    """chart.png: requests/s against nginx, products/s against the storage ceiling.
    Returns a reason when no chart could be drawn."""
    if shutil.which("gnuplot") is None:
        return "gnuplot not installed"
    rows = [r for r in results.get("http", []) if r.get("auth", "hmac") == "hmac"]
    if not rows:
        return "no HTTP results"
    data = out / "chart.dat"
    with data.open("w") as f:
        for r in rows:
            label = f"{r['batch']}x{r['connections']}c"
            f.write(f"\"{label}\" {r['requests_per_s']} {r['nginx_requests_per_s'] or 0} "
                    f"{r['products_per_s']} {r['ceiling_updates_per_s'] or 0}\n")
    script = f"""
set terminal pngcairo size 1200,520 font ",10"
set output "{out / 'chart.png'}"
set multiplot layout 1,2 title "restock {results['started']} ({results['db_kind']}, {results['machine']['cores']} cores)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set grid ytics
set key top right
set xlabel "products per request x connections"
set title "requests/s: restock vs nginx (fixed 207)"
plot "{data}" using 2:xtic(1) title "restock" lc rgb "#1f77b4", '' using 3 title "nginx" lc rgb "#aaaaaa"
set title "products/s: restock vs SQLite ceiling (same batch size)"
plot "{data}" using 4:xtic(1) title "restock" lc rgb "#2ca02c", '' using 5 title "SQLite ceiling" lc rgb "#aaaaaa"
unset multiplot
"""
    proc = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    data.unlink()
    if proc.returncode != 0:
        return "gnuplot failed: " + proc.stderr.strip()[-200:]
    return None


def write(results: dict[str, Any], out: pathlib.Path) -> None:
    add_ratios(results)
    results["targets"] = targets(results)
    reason = chart(results, out)
    if reason:
        results["chart_note"] = reason
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.md").write_text(markdown(results))
