#!/usr/bin/env bash
# p99 at half the peak rate (issue 15 targets): the relay as its own process (io_uring, JDK 17), raw clients.
# Copied from 2026-11-30-half-peak-latency-jdk17/run.sh; HALF_WINDOW sets the paced run's window (0 = none, as there).
# For each pair count: an unpaced window-32 run gives the peak; a paced run at half of it (per pair) gives the p99.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../../.."
jar="$root/cli/target/derpring.jar"; java="${JAVA:-java}"
flags=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
port=3391; mport=9391
"$java" "${flags[@]}" -jar "$jar" relay --listen 127.0.0.1:$port --metrics 127.0.0.1:$mport --transport ${TRANSPORT:-io_uring} --stun off \
  > "$here/relay-${TRANSPORT:-io_uring}.log" 2>&1 &
relay=$!; trap 'kill $relay 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null && break; sleep 0.1; done
lg() { "$java" "${flags[@]}" -jar "$jar" loadgen -q --relay http://127.0.0.1:$port --relay-metrics http://127.0.0.1:$mport/metrics \
  --transport ${TRANSPORT:-io_uring} --size 1200 --warmup 2s --duration 8s "$@"; }
for pairs in ${PAIRS:-4 1000}; do
  uptime > "$here/load-${TRANSPORT:-io_uring}-$pairs.txt"
  lg --pairs "$pairs" --window 32 --json "$here/peak-${TRANSPORT:-io_uring}-$pairs.json" > "$here/peak-${TRANSPORT:-io_uring}-$pairs.txt" || true
  peak=$(python3 -c "import json;print(json.load(open('$here/peak-${TRANSPORT:-io_uring}-$pairs.json'))['throughput_pps'])")
  rate=$(python3 -c "print(max(1,int($peak/2/$pairs)))")
  lg --pairs "$pairs" --window "${HALF_WINDOW:-0}" --rate "$rate" --json "$here/half-w${HALF_WINDOW:-0}-${TRANSPORT:-io_uring}-$pairs.json" > "$here/half-w${HALF_WINDOW:-0}-${TRANSPORT:-io_uring}-$pairs.txt" || true
  uptime >> "$here/load-${TRANSPORT:-io_uring}-$pairs.txt"
done
