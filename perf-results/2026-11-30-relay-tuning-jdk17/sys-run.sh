#!/usr/bin/env bash
# Relay out of process, loadgen 4 pairs / window W / 1200 B; relay user/system CPU from /proc/PID/stat and read/write
# syscalls and bytes from /proc/PID/io (io_uring submits its reads/writes without read/write syscalls: epoll only).
# Usage: [TLS=1 TLS_DIR=..] [TRANSPORT=epoll] sys-run.sh LABEL [relay options...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"; label="$1"; shift
port=${PORT:-3431}; mport=$((port+1)); scheme=http; opts=()
if [[ -n "${TLS:-}" ]]; then opts=(--tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key8.pem"); scheme=https; fi
java -jar "${JAR:-$root/cli/target/derpring.jar}" relay --listen 127.0.0.1:$port --metrics 127.0.0.1:$mport \
  --stun off --http-listen off --transport ${TRANSPORT:-epoll} "${opts[@]}" "$@" > "$here/raw/$label-relay.log" 2>&1 &
rpid=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$mport/metrics >/dev/null && break; sleep 0.2; done
fwd() { curl -s http://127.0.0.1:$mport/metrics | awk '/^derp_packets_forwarded_total/ {printf "%d", $2}'; }
snap() { echo "$(awk '{print $14, $15}' /proc/$rpid/stat) $(awk '/^(rchar|wchar|syscr|syscw)/ {printf "%s ", $2}' /proc/$rpid/io) $(fwd)"; }
if [[ -n "${WARM:-}" ]]; then # a first loadgen run so the relay's JIT is warm before the measured one
  java -jar "$root/cli/target/derpring.jar" loadgen --relay $scheme://127.0.0.1:$port/derp --tls-insecure \
    --pairs 4 --size 1200 --window ${WINDOW:-32} --duration $WARM -q > /dev/null 2>&1 || true
fi
uptime > "$here/raw/$label-uptime.txt"
s0=$(snap)
java -jar "$root/cli/target/derpring.jar" loadgen --relay $scheme://127.0.0.1:$port/derp --tls-insecure \
  --relay-metrics http://127.0.0.1:$mport/metrics --pairs 4 --size 1200 --window ${WINDOW:-32} --warmup 1s \
  --duration ${DURATION:-5s} --json "$here/raw/$label-loadgen.json" -q > "$here/raw/$label-loadgen.txt" 2>&1 || true
s1=$(snap)
python3 - "$s0" "$s1" "$(getconf CLK_TCK)" > "$here/raw/$label-sys.txt" <<'PY'
import sys
a = list(map(int, sys.argv[1].split())); b = list(map(int, sys.argv[2].split())); tck = int(sys.argv[3])
d = [y - x for x, y in zip(a, b)]
ut, st, rchar, wchar, syscr, syscw, fwd = d
print(f"forwarded {fwd} user_us_per_pkt {ut/tck*1e6/fwd:.2f} sys_us_per_pkt {st/tck*1e6/fwd:.2f} "
      f"cpu_us_per_pkt {(ut+st)/tck*1e6/fwd:.2f} read_syscalls_per_pkt {syscr/fwd:.3f} write_syscalls_per_pkt {syscw/fwd:.3f} "
      f"avg_read_bytes {rchar/max(syscr,1):.0f} avg_write_bytes {wchar/max(syscw,1):.0f}")
PY
kill $rpid; wait $rpid || true
