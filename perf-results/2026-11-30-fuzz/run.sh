#!/usr/bin/env bash
# Fuzzes every Jazzer target for Fuzzing.MAX_DURATION (engine test-jar), one target per Maven run: Jazzer fuzzes a
# single @FuzzTest per JVM, and the machine has 2 cores. Findings would land in the target's
# src/test/resources/.../<Test>Inputs/<method>/ as crash-*; the generated corpus goes to <module>/.cifuzz-corpus/
# (git-ignored). Each target's log, minus Jazzer's per-class instrumentation lines and libFuzzer's NEW/REDUCE lines,
# is kept here as <Test>.log.
set -u
cd "$(dirname "$0")/../.."
out=perf-results/2026-11-30-fuzz
# module, test class, classes to instrument for coverage (default would be io.derpring.** only): the parsers the
# target leans on are included so libFuzzer sees their branches too.
targets=(
  "engine FrameReaderFuzzTest io.derpring.**"
  "engine NaclBoxFuzzTest io.derpring.**"
  "engine DiscoOpenFuzzTest io.derpring.**"
  "engine HandshakeInfoFuzzTest io.derpring.**,com.fasterxml.jackson.**"
  "engine DerpMapParserFuzzTest io.derpring.**,com.fasterxml.jackson.**"
  "relay-server HttpStageFuzzTest io.derpring.**,io.netty.handler.codec.http.**"
  "transport-epoll UpgradeResponseHeadFuzzTest io.derpring.**"
)
for t in "${targets[@]}"; do
  set -- $t
  start=$(date -u +%FT%TZ)
  JAZZER_FUZZ=1 mvn -B -o -pl engine,transport-epoll,relay-server verify -Dtest="$2" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.instrument="$3" > "/tmp/derpring-fuzz-$2.log" 2>&1
  rc=$?
  echo "$2 started $start exit $rc: $(grep -a -E '^Done [0-9]+ runs' "/tmp/derpring-fuzz-$2.log")"
  grep -a -v '^INFO: Instrumented' "/tmp/derpring-fuzz-$2.log" | grep -a -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE) ' > "$out/$2.log"
done
