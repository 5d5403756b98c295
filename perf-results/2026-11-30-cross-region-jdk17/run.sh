#!/usr/bin/env bash
# Back-to-back loadgen runs for issue 16 (cross-region vs same-region on the same shape, then a churn run).
# Run from the repository root after `mvn -B -o -q -pl cli -am package -DskipTests`.
set -euo pipefail
D=perf-results/2026-11-30-cross-region-jdk17
J="java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar cli/target/derpring.jar loadgen"
SHAPE="--client engine --pairs 4 --regions 3 --size 1200 --window 32 --warmup 2s"
run() { # name, extra options
    local name=$1; shift
    echo "$(date -u +%H:%M:%S) $name: $(uptime)" >> $D/load.txt
    $J $SHAPE "$@" --json $D/$name.json > $D/$name.txt 2> $D/$name.progress.txt || echo "$name exit $?" >> $D/load.txt
}
if [[ "${1:-}" != churn ]]; then
    run same-region-1 --duration 10s
    run cross-region-1 --cross-region --duration 10s
    run same-region-2 --duration 10s
    run cross-region-2 --cross-region --duration 10s
    run cross-region-no-netmap-home --cross-region --no-netmap-home --duration 10s
    run cross-region-idle --cross-region --idle-grace 300ms --pause-every 1s --pause-for 1s --duration 10s
fi
run churn --cross-region --region-churn 2s --duration 16s
echo "$(date -u +%H:%M:%S) end: $(uptime)" >> $D/load.txt
