#!/usr/bin/env bash
# Runs JMH benchmarks and records the run under perf-results/<date>-<topic>/ as STYLE.md §6.8 asks:
# raw JSON, the human-readable output, the machine, the exact command and commit.
#   jmh/bench.sh <topic> [JMH args...]      e.g. jmh/bench.sh codecs 'Frame|Disco|NaclBox' -prof gc
# JAVA_HOME selects the JDK (default: the java on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
topic="${1:?usage: jmh/bench.sh <topic> [JMH args...]}"; shift
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jdk_tag=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print "jdk"$2}')
out="perf-results/$(date -u +%Y-%m-%d)-${topic}-${jdk_tag}"
mkdir -p "$out"

[ -f jmh/target/benchmarks.jar ] || mvn -B -q install -DskipTests -pl jmh -am

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu_model: $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "cores: $(nproc)"
  echo "kernel: $(uname -srm)"
  echo "java: $("$java_bin" -version 2>&1 | tr '\n' ' ')"
  echo "transport: none (in-process codec/crypto benchmarks)"
  echo "gc: JVM default ($("$java_bin" -XX:+PrintCommandLineFlags -version 2>&1 | grep -o 'Use[A-Za-z]*GC' | head -n1))"
  echo "load_note: shared 2-core machine; compare ratios within one run"
} > "$out/machine.txt"

cmd=("$java_bin" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar jmh/target/benchmarks.jar "$@" -rf json -rff "$out/results.json")
{
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  printf 'command:'; printf ' %q' "${cmd[@]}"; echo
} > "$out/command.txt"

"${cmd[@]}" | tee "$out/output.txt"
echo "recorded in $out"
