#!/usr/bin/env bash
set -u
# The remaining matrix cells of issue 15 (see perf-results/README.md): NIO engine rows, engine over TLS, JDK 25 engine rows.
cd "$(dirname "$0")/../.."  # the repository root
out=perf-results/2026-11-30-matrix-rest
export DERPRING_JAR="${DERPRING_JAR:-$PWD/cli/target/derpring.jar}" IDLE_CONNECTIONS=0 HEADLINE_RUNS=1 SIZES=1200
JDKS=17 TRANSPORTS=nio CLIENTS="raw engine" PAIRS="1 4 100" SECURITY=plain perf-results/matrix.sh $out
JDKS="17 25" TRANSPORTS="io_uring epoll" CLIENTS="raw engine" PAIRS=4 SECURITY=tls perf-results/matrix.sh $out
JDKS=25 TRANSPORTS="io_uring epoll nio" CLIENTS="raw engine" PAIRS=4 SECURITY=plain perf-results/matrix.sh $out
echo done
