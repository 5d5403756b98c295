#!/usr/bin/env bash
# The headline relay measurement of issue 15, by the method in perf-results/README.md ("Method"):
# relay CPU per delivered packet and the dumb-forwarder baseline, 4 pairs, window 32, 1200 B, plain TCP.
#
#   perf-results/relay-cpu.sh TRANSPORT JAVA_HOME OUTDIR
#   perf-results/relay-cpu.sh io_uring /usr/lib/jvm/java-17-openjdk-amd64 perf-results/2026-11-30-relay-cpu-baseline-jdk17
#
# The relay runs as its own process (derpring relay), loadgen drives it (--relay, --relay-metrics) and first runs
# the same stream through the TCP forwarder (--baseline tcp, its own process). With taskset and 2+ cores, relay and
# forwarder are pinned to the upper half of the cores and loadgen to the lower half, the relay's --threads equal to
# its cores; RUNS pinned runs and RUNS unpinned runs are made, and the median of each is printed. Every run's JSON,
# the relay's output, machine.txt and command.txt go to OUTDIR.
#
# Environment: RUNS (default 3), DURATION (default 15s), WARMUP (default 3s), DERPRING_JAR (default
# cli/target/derpring.jar, built by ./derpring or `mvn -pl cli -am package` when missing).
set -euo pipefail

if [[ $# -ne 3 ]]; then
    sed -n '2,16p' "$0" >&2
    exit 2
fi
transport="$1"
java_home="$2"
out="$3"
runs="${RUNS:-3}"
duration="${DURATION:-15s}"
warmup="${WARMUP:-3s}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${DERPRING_JAR:-$root/cli/target/derpring.jar}"
java="$java_home/bin/java"
[[ -x "$java" ]] || { echo "relay-cpu.sh: no $java" >&2; exit 2; }
if [[ ! -f "$jar" ]]; then
    JAVA_HOME="$java_home" "$root/derpring" --version >/dev/null # builds the jar
fi
mkdir -p "$out"
run_java=("$java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar")

cores="$(nproc)"
pinning=false
if command -v taskset >/dev/null 2>&1 && [[ "$cores" -ge 2 ]]; then
    pinning=true
    half=$((cores / 2))
    loadgen_cpus="0-$((half - 1))"
    relay_cpus="$half-$((cores - 1))"
    relay_threads=$((cores - half))
fi

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "uname: $(uname -srm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') x $cores"
    echo "memory: $(grep -m1 MemTotal /proc/meminfo 2>/dev/null | awk '{print $2 " kB"}')"
    echo "jdk: $("$java" -version 2>&1 | head -1)"
    echo "transport: $transport"
    if $pinning; then
        echo "taskset: relay and forwarder on CPUs $relay_cpus (--threads $relay_threads), loadgen on $loadgen_cpus"
    else
        echo "taskset: not available (or one core): unpinned runs only"
    fi
    echo "load before: $(uptime)"
} > "$out/machine.txt"
{
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
    echo "$0 $*  (RUNS=$runs DURATION=$duration WARMUP=$warmup)"
} > "$out/command.txt"

# One run: start the relay, wait for its ports, run loadgen with the baseline, stop the relay.
one_run() {
    local mode="$1" n="$2" relay_prefix=() loadgen_prefix=() baseline_opts=() threads_opt=()
    if [[ "$mode" == pinned ]]; then
        relay_prefix=(taskset -c "$relay_cpus")
        loadgen_prefix=(taskset -c "$loadgen_cpus")
        baseline_opts=(--baseline-cpus "$relay_cpus" --baseline-threads "$relay_threads")
        threads_opt=(--threads "$relay_threads")
    fi
    local relay_out="$out/relay-$mode-$n.out"
    ${relay_prefix[@]+"${relay_prefix[@]}"} "${run_java[@]}" relay --listen 127.0.0.1:0 --metrics 127.0.0.1:0 --stun off \
        --transport "$transport" ${threads_opt[@]+"${threads_opt[@]}"} > "$relay_out" 2>&1 &
    local relay_pid=$!
    local line=""
    for _ in $(seq 1 300); do
        line="$(grep -m1 'serving DERP on' "$relay_out" 2>/dev/null || true)"
        [[ -n "$line" ]] && break
        kill -0 "$relay_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$line" ]]; then
        echo "relay-cpu.sh: the relay did not start; see $relay_out" >&2
        kill "$relay_pid" 2>/dev/null || true
        return 1
    fi
    local port mport
    port="$(sed -n 's|.*serving DERP on http://127.0.0.1:\([0-9]*\)/derp.*|\1|p' <<< "$line")"
    mport="$(sed -n 's|.*metrics http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' <<< "$line")"
    echo "$mode run $n: load $(uptime | sed 's/.*load average: //')" | tee -a "$out/load.txt"
    local cmd=(${loadgen_prefix[@]+"${loadgen_prefix[@]}"} "${run_java[@]}" loadgen --relay "http://127.0.0.1:$port"
        --relay-metrics "http://127.0.0.1:$mport/metrics" --pairs 4 --window 32 --size 1200 --transport "$transport"
        --duration "$duration" --warmup "$warmup" --baseline tcp ${baseline_opts[@]+"${baseline_opts[@]}"} -q
        --json "$out/run-$mode-$n.json")
    echo "${cmd[*]}" >> "$out/command.txt"
    local status=0
    "${cmd[@]}" > "$out/run-$mode-$n.txt" 2>&1 || status=$?
    kill "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
    grep -E 'throughput|relay cpu|baseline ' "$out/run-$mode-$n.txt" | sed 's/^/    /'
    return "$status"
}

modes=(unpinned)
if $pinning; then
    modes=(pinned unpinned)
fi
for mode in "${modes[@]}"; do
    for n in $(seq 1 "$runs"); do
        one_run "$mode" "$n"
    done
done
echo "load after: $(uptime)" >> "$out/machine.txt"

# Medians, per mode, of the headline keys (python3: the JSON reader every box has).
python3 - "$out" "${modes[@]}" <<'EOF' | tee "$out/median.txt"
import json, statistics, sys, glob, os
out, modes = sys.argv[1], sys.argv[2:]
keys = ["relay_cpu_us_per_pkt", "throughput_mbps", "baseline_tcp_mbps", "baseline_cpu_us_per_pkt",
        "ratio_to_baseline", "cpu_ratio_to_baseline", "unexplained_lost"]
for mode in modes:
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, f"run-{mode}-*.json")))]
    print(f"{mode}: median of {len(runs)} runs")
    for k in keys:
        values = [r[k] for r in runs if r.get(k) is not None]
        shown = ", ".join(str(v) for v in values)
        print(f"  {k:24} {statistics.median(values) if values else 'n/a'}   ({shown})")
EOF
