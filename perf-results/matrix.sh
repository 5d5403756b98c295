#!/usr/bin/env bash
# The performance matrix of issue 15, rerunnable: one loadgen run per cell, JSON per cell, a summary table.
#
#   perf-results/matrix.sh OUTDIR                      # the whole matrix (hours on 2 cores)
#   TRANSPORTS="io_uring nio" JDKS=17 SECURITY=plain CLIENTS=raw PAIRS="1 4 100 1000" SIZES=1200 \
#       perf-results/matrix.sh perf-results/2026-11-30-matrix-jdk17
#
# Cells: PAIRS x SIZES x TRANSPORTS x JDKS x SECURITY x CLIENTS, where
#   - --client engine stops at ENGINE_MAX_PAIRS (each engine has its own threads),
#   - TLS runs at TLS_SIZES only (1200 B),
#   - the headline cells (HEADLINE_PAIRS pairs, HEADLINE_SIZE bytes, plain, raw) run HEADLINE_RUNS times, every other
#     cell once, DURATION long after WARMUP;
# plus, per JDK and transport, idle memory at IDLE_CONNECTIONS connections (loadgen --idle-connections; 0 = skip).
# EXTRA_CELLS="PAIRS:SIZE ..." adds single cells outside the PAIRS x SIZES product (e.g. "4:64 4:16384").
# SKIP_DONE=1 reruns only the cells (and idle runs) whose JSON is missing, into the same OUTDIR.
#
# The relay runs as its own process (`derpring relay`, same JDK and transport) with its /metrics scraped by the load
# generator (--relay-metrics: its drops, and relay_cpu_us_per_pkt where the relay exports process CPU), as
# perf-results/README.md's method asks; RELAY=embedded puts it in the load generator's JVM instead. TLS cells use a
# self-signed certificate made here with openssl. With RELAY_CPU=1 and perf-results/relay-cpu.sh present, that
# script (pinned relay, --baseline tcp) is run too, into OUTDIR/relay-cpu.
#
# Output: OUTDIR/cells/<cell>[-runN].json (+ .html for the first run of each headline cell), OUTDIR/idle/*.json,
# OUTDIR/summary.md (medians), OUTDIR/machine.txt, OUTDIR/command.txt. Needs java, curl, python3 (summary),
# openssl (TLS). The jar is cli/target/derpring.jar (built with `mvn package` when missing; set DERPRING_JAR).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: perf-results/matrix.sh OUTDIR}"
mkdir -p "$out/cells" "$out/idle" "$out/logs"
out="$(cd "$out" && pwd)"

TRANSPORTS="${TRANSPORTS:-io_uring epoll nio}"
JDKS="${JDKS:-17 25}"
PAIRS="${PAIRS:-1 4 100 1000}"
SIZES="${SIZES:-64 1200 16384}"
SECURITY="${SECURITY:-plain tls}"
CLIENTS="${CLIENTS:-raw engine}"
EXTRA_CELLS="${EXTRA_CELLS:-}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-1s}"
WINDOW="${WINDOW:-32}"
HEADLINE_PAIRS="${HEADLINE_PAIRS:-4}"
HEADLINE_SIZE="${HEADLINE_SIZE:-1200}"
HEADLINE_RUNS="${HEADLINE_RUNS:-3}"
ENGINE_MAX_PAIRS="${ENGINE_MAX_PAIRS:-100}"
TLS_SIZES="${TLS_SIZES:-1200}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-10000}"
RELAY="${RELAY:-process}"
RELAY_CPU="${RELAY_CPU:-0}"
CELL_TIMEOUT="${CELL_TIMEOUT:-600}"
RELAY_PORT="${RELAY_PORT:-23340}"
METRICS_PORT="${METRICS_PORT:-29340}"
PORT_SPREAD="${PORT_SPREAD:-500}"
JDK17_HOME="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25_HOME="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="${DERPRING_JAR:-$root/cli/target/derpring.jar}"

if [[ ! -f "$jar" ]]; then
    echo "matrix: building $jar" >&2
    (cd "$root" && mvn -B -q -pl cli -am package -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true) >&2
fi

java_of() {
    case "$1" in
        17) echo "$JDK17_HOME/bin/java" ;;
        25) echo "$JDK25_HOME/bin/java" ;;
        *) echo "matrix: unknown JDK '$1' (17 or 25; set JDK17_HOME / JDK25_HOME)" >&2; exit 2 ;;
    esac
}

run_jar() { # JDK ARGS...
    local java; java="$(java_of "$1")"; shift
    "$java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED ${DERPRING_JAVA_OPTS:-} -jar "$jar" "$@"
}

{
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
    echo "memory: $(free -m | awk '/Mem:/ {print $2 " MiB"}')"
    echo "fd limit: $(ulimit -n)"
    for j in $JDKS; do echo "jdk $j: $("$(java_of "$j")" -version 2>&1 | head -1)"; done
    echo "load at start: $(cat /proc/loadavg)"
} >> "$out/machine.txt"
{
    echo "perf-results/matrix.sh $*"
    for v in TRANSPORTS JDKS PAIRS SIZES SECURITY CLIENTS EXTRA_CELLS DURATION WARMUP WINDOW HEADLINE_PAIRS \
        HEADLINE_SIZE HEADLINE_RUNS ENGINE_MAX_PAIRS TLS_SIZES IDLE_CONNECTIONS RELAY RELAY_CPU; do
        echo "$v=${!v}"
    done
    echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
} >> "$out/command.txt"

tls_dir="$out/tls"
if [[ " $SECURITY " == *" tls "* && ! -f "$tls_dir/cert.pem" ]]; then
    mkdir -p "$tls_dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" -keyout "$tls_dir/key.raw.pem" -out "$tls_dir/cert.pem" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$tls_dir/key.raw.pem" -out "$tls_dir/key.pem"
fi

relay_pid=""
cell_no=0
stop_relay() {
    if [[ -n "$relay_pid" ]]; then
        kill "$relay_pid" 2>/dev/null || true
        wait "$relay_pid" 2>/dev/null || true
        relay_pid=""
    fi
}
trap stop_relay EXIT

start_relay() { # JDK TRANSPORT SECURITY LOG
    # A port of its own per cell (the last relay's /metrics port can still be held by TIME_WAIT scrapes), below
    # Linux's ephemeral range (32768-60999), where 2,000 client connections would take the next relay's port.
    cell_no=$((cell_no + 1))
    relay_port=$((RELAY_PORT + cell_no % PORT_SPREAD))
    metrics_port=$((METRICS_PORT + cell_no % PORT_SPREAD))
    local tls_args=()
    [[ "$3" == tls ]] && tls_args=(--tls-cert "$tls_dir/cert.pem" --tls-key "$tls_dir/key.pem")
    # Started directly (not through a function) so that $! is the relay JVM itself and stop_relay stops it.
    # shellcheck disable=SC2086 # DERPRING_JAVA_OPTS is a list of flags
    "$(java_of "$1")" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED ${DERPRING_JAVA_OPTS:-} -jar "$jar" \
        relay --listen "127.0.0.1:$relay_port" --metrics "127.0.0.1:$metrics_port" --transport "$2" \
        "${tls_args[@]}" > "$4" 2>&1 &
    relay_pid=$!
    local i
    for i in $(seq 1 150); do
        if curl -fs "http://127.0.0.1:$metrics_port/metrics" > /dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    echo "matrix: relay did not come up, see $4" >&2
    stop_relay
    return 1
}

cell() { # JDK TRANSPORT SECURITY CLIENT PAIRS SIZE
    local jdk="$1" transport="$2" security="$3" client="$4" pairs="$5" size="$6"
    local name="jdk$jdk-$transport-$security-$client-p$pairs-s$size" runs=1 run
    if [[ "$pairs" == "$HEADLINE_PAIRS" && "$size" == "$HEADLINE_SIZE" && "$security" == plain && "$client" == raw ]]
    then
        runs="$HEADLINE_RUNS"
    fi
    for run in $(seq 1 "$runs"); do
        local file="$out/cells/$name-run$run.json" log="$out/logs/$name-run$run.log"
        [[ "${SKIP_DONE:-0}" == 1 && -s "$file" ]] && continue
        local args=(loadgen --pairs "$pairs" --size "$size" --client "$client" --transport "$transport"
            --duration "$DURATION" --warmup "$WARMUP" --window "$WINDOW" -q --json "$file")
        [[ "$run" == 1 && "$runs" -gt 1 ]] && args+=(--html "$out/cells/$name.html")
        if [[ "$RELAY" == process ]]; then
            start_relay "$jdk" "$transport" "$security" "$out/logs/$name-run$run-relay.log" || continue
            local scheme=http
            [[ "$security" == tls ]] && scheme=https
            args+=(--relay "$scheme://127.0.0.1:$relay_port" --relay-metrics "http://127.0.0.1:$metrics_port/metrics")
            [[ "$security" == tls ]] && args+=(--tls-insecure)
        elif [[ "$security" == tls ]]; then
            echo "matrix: skip $name: TLS cells need RELAY=process" >&2
            continue
        fi
        echo "matrix: $name run $run/$runs (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        # shellcheck disable=SC2086 # DERPRING_JAVA_OPTS is a list of flags
        if ! timeout "$CELL_TIMEOUT" "$(java_of "$jdk")" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
            ${DERPRING_JAVA_OPTS:-} -jar "$jar" "${args[@]}" > "$log" 2>&1; then
            echo "matrix: $name run $run exited non-zero, see $log" >&2
        fi
        echo "load: $(cat /proc/loadavg)" >> "$log"
        stop_relay
    done
}

for jdk in $JDKS; do
    for transport in $TRANSPORTS; do
        for security in $SECURITY; do
            for client in $CLIENTS; do
                cells=()
                for pairs in $PAIRS; do
                    for size in $SIZES; do cells+=("$pairs:$size"); done
                done
                for c in $EXTRA_CELLS; do cells+=("$c"); done
                for c in "${cells[@]}"; do
                    pairs="${c%%:*}" size="${c##*:}"
                    [[ "$client" == engine && "$pairs" -gt "$ENGINE_MAX_PAIRS" ]] && continue
                    [[ "$security" == tls && " $TLS_SIZES " != *" $size "* ]] && continue
                    cell "$jdk" "$transport" "$security" "$client" "$pairs" "$size"
                done
            done
        done
        if [[ "$IDLE_CONNECTIONS" -gt 0 && ! ( "${SKIP_DONE:-0}" == 1 \
            && -s "$out/idle/jdk$jdk-$transport-idle$IDLE_CONNECTIONS.json" ) ]]; then
            name="jdk$jdk-$transport-idle$IDLE_CONNECTIONS"
            echo "matrix: $name (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
            run_jar "$jdk" loadgen --idle-connections "$IDLE_CONNECTIONS" --transport "$transport" \
                --json "$out/idle/$name.json" > "$out/logs/$name.log" 2>&1 \
                || echo "matrix: $name exited non-zero, see $out/logs/$name.log" >&2
            echo "load: $(cat /proc/loadavg)" >> "$out/logs/$name.log"
        fi
    done
done

if [[ "$RELAY_CPU" == 1 && -x "$root/perf-results/relay-cpu.sh" ]]; then
    # Hook: the relay-CPU method (pinned, out of process, --baseline tcp) belongs to its own script.
    "$root/perf-results/relay-cpu.sh" "$out/relay-cpu" || echo "matrix: relay-cpu.sh failed" >&2
fi

python3 "$root/perf-results/matrix-summary.py" "$out" > "$out/summary.md"
echo "matrix: $out/summary.md" >&2
