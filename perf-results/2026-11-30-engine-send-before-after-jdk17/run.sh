#!/usr/bin/env bash
# Back-to-back loadgen --client engine runs: the jar before issue 13 (7a323b1) and after (the commit in commit.txt),
# alternating, same machine, same minute. Usage: run.sh BEFORE_JAR AFTER_JAR OUTDIR
set -euo pipefail
before="$1"; after="$2"; out="$3"
flags=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
for round in 1 2; do
  for w in 32 0; do
    for which in before after; do
      jar="$before"; [[ $which == after ]] && jar="$after"
      java "${flags[@]}" -jar "$jar" loadgen --client engine --window "$w" --duration 15s --warmup 3s -q \
        --json "$out/$which-window$w-round$round.json" > "$out/$which-window$w-round$round.txt" 2>&1
    done
  done
done
