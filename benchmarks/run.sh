#!/usr/bin/env bash
# Builds and runs every neuron4j benchmark with its C baseline on the emulator, then writes
# benchmarks/RESULTS.md and the charts. Usage: benchmarks/run.sh [--quick|--full]   (default --quick)
#   --quick  short JMH iterations, fewer sizes, main TorchScript variants only: under 5 minutes on 2 cores
#   --full   proper warm-up/iterations, every size and knob variant: about 20-30 minutes on 2 cores
# Environment: JAVA17 (default: java on PATH), JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64; the FFM
# benchmark is skipped if it is missing), NEFF_DIR (default <repo>/../shared/neff, for matmul_large.neff).
set -euo pipefail
MODE=quick
case "${1:-}" in
  --quick|"") MODE=quick ;;
  --full) MODE=full ;;
  *) echo "usage: $0 [--quick|--full]" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/benchmarks
OUT=$B/results/$MODE
FIX=$B/target/fixtures
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
NEFF_DIR=${NEFF_DIR:-$ROOT/../shared/neff}
START=$(date +%s)
log() { echo "== [$(( $(date +%s) - START ))s] $*"; }
# A failing step is reported and the run goes on: the report says "not measured" for what is missing.
# The warning goes to the script's own output (fd 3), also when the step's output is redirected to a log file.
exec 3>&1
step() { "$@" || log "WARNING: exit $? from: ${*:1:3} ..." >&3; }

log "building neuron4j (install, tests skipped), the emulator, the C baselines and the JNI control"
make -s -C "$ROOT/native" all bench OUT="$ROOT/target" >/dev/null
# The emulator is built above; skip the root build's make steps (they also run the C test suites).
mvn -B -q -f "$ROOT/pom.xml" install -DskipTests -Dnative.skip=true
log "building the benchmarks (JDK 17: target/benchmarks.jar)"
mvn -B -q -f "$B/pom.xml" package
HAVE25=0
if [ -x "$JAVA25/bin/java" ]; then
  log "building the benchmarks with the FFM benchmark (Temurin 25: target/jdk25/benchmarks.jar)"
  JAVA_HOME=$JAVA25 mvn -B -q -f "$B/pom.xml" package -Dbench.build.dir="$B/target/jdk25"
  HAVE25=1
fi
JAR=$B/target/benchmarks.jar
rm -rf "$OUT"; mkdir -p "$OUT" "$FIX"
log "fixtures (NEFFs incl. a 1 GiB one, TorchScript files) in $FIX"
"$JAVA17" -cp "$JAR" dev.neuron4j.bench.Fixtures "$FIX" >/dev/null
"$JAVA17" -cp "$JAR" dev.neuron4j.bench.TorchModels "$FIX" >/dev/null 2>&1

# Own core-lock directory: nobody else's emulator process holds our cores. C programs and JMH forks run
# one after the other, never at the same time.
export NEURON4J_EMU_STATE_DIR=$ROOT/target/bench-state
mkdir -p "$NEURON4J_EMU_STATE_DIR"
unset NEURON_RT_VISIBLE_CORES NEURON_RT_NUM_CORES NEURON4J_EMU_CORES
EMU="-Dneuron4j.runtime=emulator -Dneuron4j.nrt.path=$ROOT/target/emu -Dbench.fixtures=$FIX -Dbench.jniFloor=$ROOT/target/bench/libjni_floor.so"

if [ $MODE = quick ]; then
  ITER="-wi 2 -w 500ms -i 3 -r 500ms"; JMH="-f 1 $ITER"
  SIZES_JMH=4096,1048576,67108864; SIZES_C=4K,1M,64M
  TORCH_FILTER='TorchBench\.(neuron4j|jcpp|djl)$'
  CSAMPLES="--samples 7"; LOAD_SAMPLES=3; REPL_SECONDS=2; REPL_WARMUP=0.5
else
  ITER="-wi 4 -w 1s -i 8 -r 1s"; JMH="$ITER" # forks as annotated: 1, except 3 for the raw execute calls
  SIZES_JMH=4096,65536,1048576,16777216,67108864; SIZES_C=4K,64K,1M,16M,64M
  TORCH_FILTER='TorchBench\.'
  CSAMPLES=""; LOAD_SAMPLES=7; REPL_SECONDS=10; REPL_WARMUP=2
fi

log "C baselines (LD_LIBRARY_PATH=target/emu; single-threaded and --threaded)"
c() { LD_LIBRARY_PATH=$ROOT/target/emu "$ROOT/target/bench/$1" "${@:3}" --json > "$OUT/c-$2.json"; }
c call_loop call_loop $CSAMPLES
c call_loop call_loop-threaded $CSAMPLES --threaded
c execute_loop execute_loop "$FIX/noop-4k.neff" $CSAMPLES
c execute_loop execute_loop-threaded "$FIX/noop-4k.neff" $CSAMPLES --threaded
c copy_bw copy_bw --sizes $SIZES_C --threaded $( [ $MODE = quick ] && echo --samples 21 )
c load_time load_time-1g "$FIX/noop-1g.neff" --threaded $( [ $MODE = quick ] && echo --samples 3 )
if [ -f "$NEFF_DIR/matmul_large.neff" ]; then
  c load_time load_time-matmul_large "$NEFF_DIR/matmul_large.neff" --threaded
fi

# The execute goal (Java - C <= 20 ns) is about as large as the machine's drift between runs a minute apart, so
# its Java and C figures are paired: each round runs C, one JMH fork of execute(), and C again, and the report
# subtracts the mean of the two C figures from the fork between them.
ROUNDS=$( [ $MODE = quick ] && echo 1 || echo 3 )
# On Temurin 25 a round is C, JDK 17 fork, C, JDK 25 fork (with -XX:+UseSystemMemoryBarrier), C: each fork is paired with
# the two C runs around it.
log "execute: $ROUNDS paired round(s) of C execute_loop --threaded, one JMH fork of execute() (JDK 17, then JDK 25 with -XX:+UseSystemMemoryBarrier), C again"
for r in $(seq 1 "$ROUNDS"); do
  c execute_loop execute_loop-threaded-r$r-before "$FIX/noop-4k.neff" $CSAMPLES --threaded
  step "$JAVA17" $EMU -jar "$JAR" 'ExecuteBench\.execute$' $ITER -f 1 -prof gc \
    -rf json -rff "$OUT/jmh-execute-r$r.json" > "$OUT/jmh-execute-r$r.log" 2>&1
  if [ $HAVE25 = 1 ]; then
    c execute_loop execute_loop-threaded-r$r-middle "$FIX/noop-4k.neff" $CSAMPLES --threaded
    step "$JAVA25/bin/java" $EMU -jar "$B/target/jdk25/benchmarks.jar" 'ExecuteMembarrierBench\.execute$' $ITER -f 1 \
      -prof gc -rf json -rff "$OUT/jmh-execute25-r$r.json" > "$OUT/jmh-execute25-r$r.log" 2>&1
  fi
  c execute_loop execute_loop-threaded-r$r-after "$FIX/noop-4k.neff" $CSAMPLES --threaded
done

log "JMH (JDK 17): ExecuteBench (raw calls), CallBench, ZeroCopyBench, GuardBench with -prof gc"
step "$JAVA17" $EMU -jar "$JAR" 'ExecuteBench\.raw|CallBench|ZeroCopyBench|GuardBench' $JMH -p size=$SIZES_JMH -prof gc \
  -rf json -rff "$OUT/jmh-core.json" > "$OUT/jmh-core.log" 2>&1
if [ $HAVE25 = 1 ]; then
  log "JMH (Temurin 25): FfmCallBench (JavaCPP binding, FFM, FFM critical, JNI controls), ExecuteMembarrierBench (raw calls)"
  step "$JAVA25/bin/java" $EMU -jar "$B/target/jdk25/benchmarks.jar" 'FfmCallBench|ExecuteMembarrierBench\.raw' $JMH -prof gc \
    -rf json -rff "$OUT/jmh-ffm.json" > "$OUT/jmh-ffm.log" 2>&1
fi
log "JMH (JDK 17): TorchBench ($TORCH_FILTER), one intra-op and one inter-op thread"
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  step "$JAVA17" -Dbench.fixtures=$FIX -jar "$JAR" "$TORCH_FILTER" $JMH -prof gc \
  -rf json -rff "$OUT/jmh-torch.json" > "$OUT/jmh-torch.log" 2>&1

log "model load (Java heap and time), $LOAD_SAMPLES samples"
LOADS=("$FIX/noop-1g.neff")
[ -f "$NEFF_DIR/matmul_large.neff" ] && LOADS+=("$NEFF_DIR/matmul_large.neff" "$NEFF_DIR/matmul_large.neff:bytes")
step "$JAVA17" $EMU -cp "$JAR" dev.neuron4j.bench.LoadHarness "$OUT/java-load.json" $LOAD_SAMPLES "${LOADS[@]}" \
  > "$OUT/java-load.log" 2>&1

log "replica scaling, C baseline (replica_loop): 1 2 4 8 12 24 cores, 2 threads per core"
REPL_C_SECONDS=${REPL_SECONDS%.*}; REPL_C_WARMUP=${REPL_WARMUP%.*}
for n in 1 2 4 8 12 24; do
  NEURON4J_EMU_CORES=$n LD_LIBRARY_PATH=$ROOT/target/emu "$ROOT/target/bench/replica_loop" "$FIX/noop-4k-1ms.neff" \
    --samples "$REPL_C_SECONDS" --warmup "${REPL_C_WARMUP:-0}" --json > "$OUT/c-replica_loop-$n.json" \
    || log "WARNING: replica_loop failed at $n cores"
done
log "replica scaling: 1 2 4 8 12 24 cores, 2 threads per core, ${REPL_SECONDS}s per point"
step "$JAVA17" $EMU -cp "$JAR" dev.neuron4j.bench.ReplicaScaling "$OUT/replicas.json" $REPL_SECONDS $REPL_WARMUP \
  1,2,4,8,12,24 > "$OUT/replicas.log" 2>&1

ELAPSED=$(( $(date +%s) - START ))
log "report"
"$JAVA17" -cp "$JAR" dev.neuron4j.bench.report.Report "$OUT" "$B/RESULTS.md" "$B/results" "$MODE" "$ELAPSED" \
  "$( [ $HAVE25 = 1 ] && "$JAVA25/bin/java" -version 2>&1 | head -2 | tail -1 )"
log "done: $B/RESULTS.md, charts in $B/results, raw JSON in $OUT"
