#!/usr/bin/env bash
# Spark overhead benchmark (not CI): rows/s of NeffScorer on Spark local[2] against a plain Java loop over the
# same rows, on the same emulated add NEFF (batch 8, exec_us 1000 by default) in one JVM. See README.md.
# Usage: benchmarks/spark/run.sh [ROWS [ROUNDS [BATCH [EXEC_US]]]]    (default 160000 3 8 1000: about 2 minutes)
# Writes benchmarks/spark/results/latest.txt (the program's output) and prints it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/benchmarks/spark
WORK=$ROOT/target/spark-bench
mkdir -p "$WORK" "$B/results"

echo "== building neuron4j, neuron4j-testkit and neuron4j-spark (package, no tests, nothing installed)" >&2
(cd "$ROOT" && mvn -B -q package -pl spark -am -DskipTests -Dnative.test.skip=true \
   dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >&2)
CP="$ROOT/spark/target/classes:$(cat "$WORK/classpath.txt")"

# Own core-lock directory: no other process's emulator holds these cores.
export NEURON4J_EMU_STATE_DIR=$WORK/state SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$NEURON4J_EMU_STATE_DIR"
unset NEURON_RT_VISIBLE_CORES NEURON_RT_NUM_CORES NEURON4J_EMU_CORES

OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
 --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
 --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

echo "== running (load average before: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $(java -version 2>&1 | head -1)"
  # shellcheck disable=SC2086
  timeout 900 java $OPENS -Dneuron4j.runtime=emulator -Dneuron4j.nrt.path="$ROOT/target/emu" \
    -Dlog4j2.configurationFile="$ROOT/spark/src/test/resources/log4j2.properties" \
    -cp "$CP" "$B/SparkBench.java" "$WORK" "$@" 2>"$WORK/stderr.log"
  echo "# load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$B/results/latest.txt"
