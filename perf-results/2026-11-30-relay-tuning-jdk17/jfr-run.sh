#!/usr/bin/env bash
# Relay out of process under JFR (profile settings), loadgen 4 pairs / window 32 / 1200 B, plain or TLS (TLS=1).
# Usage: jfr-run.sh LABEL ; writes raw/LABEL.jfr, raw/LABEL-loadgen.{txt,json}, raw/LABEL-cpu.txt
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"; label="$1"
port=${PORT:-3411}; mport=$((port+1)); scheme=http; opts=()
if [[ -n "${TLS:-}" ]]; then opts=(--tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key8.pem"); scheme=https; fi
java -XX:StartFlightRecording=settings=profile,filename="$here/raw/$label.jfr",dumponexit=true \
  -jar "${JAR:-$root/cli/target/derpring.jar}" relay --listen 127.0.0.1:$port --metrics 127.0.0.1:$mport \
  --stun off --http-listen off "${opts[@]}" > "$here/raw/$label-relay.log" 2>&1 &
rpid=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$mport/metrics >/dev/null && break; sleep 0.2; done
tick=$(getconf CLK_TCK)
fwd() { curl -s http://127.0.0.1:$mport/metrics | awk '/^derp_packets_forwarded_total/ {printf "%d", $2}'; }
cpu() { awk -v t=$tick '{print ($14+$15)/t}' /proc/$rpid/stat; }
uptime > "$here/raw/$label-uptime.txt"
f0=$(fwd); c0=$(cpu)
java -jar "$root/cli/target/derpring.jar" loadgen --relay $scheme://127.0.0.1:$port/derp --tls-insecure \
  --relay-metrics http://127.0.0.1:$mport/metrics --pairs 4 --size 1200 --window ${WINDOW:-32} --warmup 1s \
  --duration ${DURATION:-8s} --json "$here/raw/$label-loadgen.json" -q > "$here/raw/$label-loadgen.txt" 2>&1 || true
c1=$(cpu); f1=$(fwd)
echo "relay_cpu_s $(echo "$c1 - $c0" | bc -l) forwarded $((f1 - f0)) relay_cpu_us_per_forwarded_pkt $(echo "($c1 - $c0) * 1000000 / ($f1 - $f0)" | bc -l | cut -c1-6)" > "$here/raw/$label-cpu.txt"
kill $rpid; wait $rpid || true
