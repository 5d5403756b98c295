#!/usr/bin/env bash
# Why 1,000 pairs deliver less than 4: JFR of the relay (its own process) and of the load generator, one run each
# at 4 and 1,000 pairs, unpaced window 32, 1200 B, raw clients, TRANSPORT (default io_uring), JDK 17.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../.."
jar="$root/cli/target/derpring.jar"; t="${TRANSPORT:-io_uring}"
flags=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
for pairs in ${PAIRS:-4 1000}; do
  port=$((3400 + pairs % 97)); mport=$((9400 + pairs % 97))
  java "${flags[@]}" -XX:StartFlightRecording=filename="$here/relay-$t-$pairs.jfr",settings=profile -jar "$jar" relay \
    --listen 127.0.0.1:$port --metrics 127.0.0.1:$mport --transport "$t" --stun off > "$here/relay-$t-$pairs.log" 2>&1 &
  relay=$!
  for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null && break; sleep 0.1; done
  uptime > "$here/load-$t-$pairs.txt"
  java "${flags[@]}" -XX:StartFlightRecording=filename="$here/loadgen-$t-$pairs.jfr",settings=profile -jar "$jar" loadgen -q \
    --relay http://127.0.0.1:$port --relay-metrics http://127.0.0.1:$mport/metrics --transport "$t" --pairs "$pairs" \
    --size 1200 --warmup 2s --duration 8s --json "$here/run-$t-$pairs.json" > "$here/run-$t-$pairs.txt" 2>&1 || true
  uptime >> "$here/load-$t-$pairs.txt"
  kill -TERM $relay; wait $relay || true
done
