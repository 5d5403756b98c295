#!/usr/bin/env bash
# Back-to-back overload measurement against an out-of-process relay: window 32 (the windowed peak) then window 0
# (no flow control), 4 pairs, 1200 B. Relay CPU is read from /proc/<pid>/stat (utime+stime) around each run.
# Usage: run.sh LABEL [extra relay options...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
label="$1"; shift; mkdir -p "$here/raw"; here="$here/raw"
port=${PORT:-3391}; mport=$((port+1))
tls=${TLS:-}
relay_opts=(--listen 127.0.0.1:$port --metrics 127.0.0.1:$mport --stun off --http-listen off)
scheme=http
if [[ -n "$tls" ]]; then relay_opts+=(--tls-cert "$(dirname "$here")/../tls/cert.pem" --tls-key "$(dirname "$here")/../tls/key.pem"); scheme=https; fi
java ${RELAY_JAVA_OPTS:-} -jar "${JAR:-$root/cli/target/derpring.jar}" relay "${relay_opts[@]}" "$@" > "$here/$label-relay.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -sf http://127.0.0.1:$mport/metrics >/dev/null && break; sleep 0.2; done
tick=$(getconf CLK_TCK)
fwd() { curl -s http://127.0.0.1:$mport/metrics | awk '/^derp_packets_forwarded_total/ {print $2}'; }
cpu() { awk -v t=$tick '{print ($14+$15)/t}' /proc/$rpid/stat; }
for w in ${WINDOWS:-32 0}; do
  uptime > "$here/$label-w$w-uptime.txt"
  f0=$(fwd); c0=$(cpu)
  java -jar "$root/cli/target/derpring.jar" loadgen --relay $scheme://127.0.0.1:$port/derp --relay-metrics http://127.0.0.1:$mport/metrics \
     ${tls:+--tls-insecure} --pairs 4 --size 1200 --window $w --warmup 1s --duration ${DURATION:-5s} --json "$here/$label-w$w.json" -q > "$here/$label-w$w.txt" 2>&1 || true
  c1=$(cpu); f1=$(fwd)
  echo "relay_cpu_s $(echo "$c1 - $c0" | bc -l) relay_forwarded $((f1 - f0)) relay_cpu_us_per_forwarded_pkt $(echo "($c1 - $c0) * 1000000 / ($f1 - $f0)" | bc -l | cut -c1-6)" >> "$here/$label-w$w.txt"
  curl -s http://127.0.0.1:$mport/metrics | grep -E "^derp_packets_dropped_total.* [1-9]|^derp_queued|sender_pause|early_writes|^derp_packets_(received|forwarded)" > "$here/$label-w$w-metrics.txt" || true
done
