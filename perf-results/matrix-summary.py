#!/usr/bin/env python3
"""The summary table of a perf-results/matrix.sh run: one row per cell (the median run where a cell ran several
times, by throughput), then the idle-memory rows. Usage: matrix-summary.py OUTDIR > OUTDIR/summary.md"""
import glob
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
CELL = re.compile(r"jdk(?P<jdk>\d+)-(?P<transport>[a-z_]+)-(?P<security>plain|tls)-(?P<client>raw|engine)"
                  r"-p(?P<pairs>\d+)-s(?P<size>\d+)-run(?P<run>\d+)\.json$")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


cells = {}
for path in sorted(glob.glob(os.path.join(out, "cells", "*.json"))):
    m = CELL.search(os.path.basename(path))
    if not m:
        continue
    key = (int(m["jdk"]), m["transport"], m["security"], m["client"], int(m["pairs"]), int(m["size"]))
    cells.setdefault(key, []).append(load(path))


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


print("# Matrix summary\n")
with open(os.path.join(out, "machine.txt")) as f:
    print("```\n" + f.read().strip() + "\n```\n")
print("Median run by throughput where a cell ran more than once (runs column); latency from scheduled send time; "
      "`relay µs/pkt` is relay CPU per delivered packet where the relay exported it, else —. A cell whose runs all "
      "failed shows FAILED.\n")
print("| JDK | transport | security | client | pairs | size B | runs | pkt/s | Mbit/s | p50 µs | p99 µs | p99.9 µs "
      "| relay µs/pkt | dropped (relay+client) | unexplained | pairs delivering | ok |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(cells):
    runs = [r for r in cells[key] if r is not None]
    jdk, transport, security, client, pairs, size = key
    if not runs:
        print(f"| {jdk} | {transport} | {security} | {client} | {pairs} | {size} | {len(cells[key])} | FAILED "
              "| | | | | | | | | |")
        continue
    runs.sort(key=lambda r: r.get("throughput_pps", 0))
    r = runs[len(runs) // 2]
    lat = r.get("latency_us", {})
    spread = ""
    if len(runs) > 1:
        pps = [x.get("throughput_pps", 0) for x in runs]
        spread = f" ({min(pps):,.0f}–{max(pps):,.0f})"
    dropped = r.get("dropped_by_relay", 0) + r.get("dropped_by_client", 0)
    print(f"| {jdk} | {transport} | {security} | {client} | {pairs} | {size} | {len(runs)} "
          f"| {r.get('throughput_pps', 0):,.0f}{spread} | {r.get('throughput_mbps', 0):,.1f} "
          f"| {fmt(lat.get('p50'), ',.0f')} | {fmt(lat.get('p99'), ',.0f')} | {fmt(lat.get('p999'), ',.0f')} "
          f"| {fmt(r.get('relay_cpu_us_per_pkt'), '.2f')} | {dropped:,} | {r.get('unexplained_lost', 0):,} "
          f"| {r.get('pairs_delivering', '—')} | {'yes' if r.get('ok') else 'NO'} |")

idle = sorted(glob.glob(os.path.join(out, "idle", "*.json")))
if idle:
    print("\n## Idle memory\n")
    print("Relay RSS growth per idle (handshaken, silent) connection, relay in its own JVM (-Xmx1g), after a full "
          "GC; heap and direct are parts of the RSS figure.\n")
    print("| JDK / transport | connections | RSS B/conn | heap B/conn | direct B/conn | relay keys | ok |")
    print("|---|---|---|---|---|---|---|")
    for path in idle:
        r = load(path)
        name = os.path.basename(path)[:-len(".json")]
        if r is None:
            print(f"| {name} | FAILED | | | | | |")
            continue
        print(f"| {name} | {r['idle_connections']:,} | {r['idle_rss_bytes_per_conn']:,} "
              f"| {r['idle_heap_bytes_per_conn']:,} | {r['idle_direct_bytes_per_conn']:,} | {r['idle_relay_keys']:,} "
              f"| {'yes' if r.get('ok') else 'NO'} |")
