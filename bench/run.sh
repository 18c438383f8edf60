#!/usr/bin/env bash
# bench/run.sh: the benchmark of ../shared/bench/WORKLOAD.md in one command.
#
#   bench/run.sh                        5,000,000 records, 3 runs, results into BENCHMARKS.md
#   bench/run.sh --records 1000000 --runs 1 --only raw,agg
#   bench/run.sh --no-build ...         skip the Maven build (after a build of your own)
#   bench/run.sh --set batch.max.records.per.partition=200000 --jfr ...
#
# Builds the bench module and what it needs (mvn -o install -DskipTests -pl bench -am), then runs
# io.onceflow.bench.Benchmark: a forked Kafka broker of its own, a fresh PostgreSQL database on
# 127.0.0.1:5432 (user postgres) unless ONCEFLOW_BENCH_POSTGRES_URL is set, engine runs in forked
# JVMs with -Xmx512m. Other flags: see bench/src/main/java/io/onceflow/bench/Options.java.
# BENCH_JAVA_OPTS: options for the benchmark's own JVM (default -Xmx2g).
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command_line="bench/run.sh${*:+ $*}"

build=true
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done

if $build; then
  echo "bench: building (mvn -q -o install -DskipTests -pl bench -am)" >&2
  (cd "$root" && mvn -q -o install -DskipTests -pl bench -am)
fi

java="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; fi

# Run from a private copy of the classes and jars: others' builds of the reactor rewrite
# bench/target while a benchmark (and its forked engine JVMs) runs.
cd "$root"
[[ -d bench/target/classes && -d bench/target/lib ]] \
  || { echo "bench: bench/target has no classes or lib/; run without --no-build" >&2; exit 1; }
run_dir="$(mktemp -d -t onceflow-bench-cp-XXXXXX)"
trap 'rm -rf "$run_dir"' EXIT
cp -r bench/target/classes "$run_dir/classes"
cp -r bench/target/lib "$run_dir/lib"

# BENCH_JAVA_OPTS is split on spaces on purpose: it holds several options.
# shellcheck disable=SC2086
"$java" ${BENCH_JAVA_OPTS:--Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$run_dir/classes:$run_dir/lib/*" \
  io.onceflow.bench.Benchmark --update BENCHMARKS.md --command "$command_line" ${args[@]+"${args[@]}"}
