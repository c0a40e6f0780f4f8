#!/usr/bin/env bash
# Text benchmarks (not CI): neuron4j's Tokenizer against Hugging Face's Python tokenizers on one thread, the
# padding saving of shape buckets on a sentence-length mix, and POST /predict of `./neuron4j serve MODEL_DIR`
# against the seed's serve.py (FastAPI + uvicorn + transformers + torch) at concurrency 64 on the CPU BERT
# fixture, all on the same sentences in one run. See README.md.
# Usage: benchmarks/text/run.sh [--quick|--full]     (default --full)
#   --quick  tokenizers 1 s warm-up + 3 x 1 s; wrk 1 s warm-up + 3 s measured    (about 2 minutes)
#   --full   tokenizers 5 s warm-up + 5 x 3 s, twice; wrk 3 s warm-up + 10 s     (about 5 minutes)
# Environment: PYTHON (default python3), CONC (default 64), SERVERS (default "neuron4j seed").
# Writes benchmarks/text/results/<mode>/ (JSON, runs.tsv, raw wrk outputs, server logs) and
# benchmarks/text/RESULTS.md.
set -euo pipefail
MODE=${1:---full}; MODE=${MODE#--}
[[ $# -le 1 && ( $MODE = quick || $MODE = full ) ]] || { echo "usage: $0 [--quick|--full]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$ROOT/benchmarks/text
WORK=$ROOT/target/text-bench
OUT=$T/results/$MODE
FIXTURE=$WORK/fixture
SENTENCES=$WORK/sentences.txt
PYTHON=${PYTHON:-python3}
CONC=${CONC:-64}
SERVERS=(${SERVERS:-neuron4j seed})
if [ $MODE = quick ]; then
  TOK="1 1 3"; PAIRS=1; WARM=1s; DUR=3s; LAT="20 100"
else
  TOK="5 3 5"; PAIRS=2; WARM=3s; DUR=10s; LAT="100 500"
fi
START=$(date +%s)
log() { echo "== [$(( $(date +%s) - START ))s] $*"; }
# Python runs outside the repository root, whose torch/ folder would shadow the torch package.
py() { (cd / && "$PYTHON" "$@"); }

log "building neuron4j-text through the reactor (package, no tests, nothing installed) and the launcher"
(cd "$ROOT" && mvn -B -q package -pl text -am -DskipTests -Dnative.test.skip=true \
   dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/classpath.txt" >&2)
CP="$ROOT/text/target/classes:$(cat "$WORK/classpath.txt")"
"$ROOT/neuron4j" --version >/dev/null
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
py -c 'import fastapi, uvicorn, torch, transformers, tokenizers' 2>/dev/null || { echo "Python packages missing:" \
  "pip3 install torch transformers tokenizers fastapi 'uvicorn[standard]'" >&2; exit 1; }

log "BERT fixture (random weights) in $FIXTURE and the sentences in $SENTENCES"
rm -rf "$OUT"; mkdir -p "$OUT/raw" "$WORK"
py "$ROOT/text/src/test/python/make_bert_fixture.py" "$FIXTURE" >&2
py "$T/sentences.py" "$FIXTURE/tokenizer.json" "$SENTENCES" >&2
py -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[:50]: print(json.dumps({"text": line}))' \
  "$SENTENCES" > "$WORK/answer-bodies.jsonl"

# One thread on both sides: the Rust tokenizers library (in Python's wheel and in DJL's jar alike) fans batch
# encodes out on a rayon pool unless told not to.
export TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1
DJL="-Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
 -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"
read -r TWARM TROUND TROUNDS <<< "$TOK"
log "tokenizers, one thread: $PAIRS pair(s) of Java then Python; ${TWARM}s warm-up, $TROUNDS rounds of ${TROUND}s per mode"
for p in $(seq 1 $PAIRS); do
  # shellcheck disable=SC2086
  java $DJL -cp "$CP" "$T/TokenizerBench.java" "$FIXTURE/tokenizer.json" "$SENTENCES" "$OUT/tokenizer-java-$p.json" \
    $TWARM $TROUND $TROUNDS
  py "$T/tokenizer_bench.py" "$FIXTURE/tokenizer.json" "$SENTENCES" "$OUT/tokenizer-python-$p.json" \
    $TWARM $TROUND $TROUNDS
done
unset TOKENIZERS_PARALLELISM RAYON_NUM_THREADS

log "CPU BERT latency per batch-1 bucket (Python torch, one thread)"
# shellcheck disable=SC2086
py "$T/bucket_latency.py" "$FIXTURE" "$OUT/bucket-latency.json" $LAT

# Own core-lock directory, so no other developer's emulator process holds ours (the models are TorchScript).
export NEURON4J_EMU_STATE_DIR=$WORK/state
mkdir -p "$NEURON4J_EMU_STATE_DIR"
unset NEURON_RT_VISIBLE_CORES NEURON_RT_NUM_CORES NEURON4J_EMU_CORES
free_port() { py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() {  # utime + stime of a process and its children
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do t=$(( t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo $t
}
CLK=$(getconf CLK_TCK)

# start SERVER LOG: starts it in the background, sets SPID and PORT; returns 1 if it does not get ready.
start() {
  local srv=$1 log=$2 deadline=$(( $(date +%s) + 120 ))
  case $srv in
    neuron4j)
      "$ROOT/neuron4j" --runtime=emulator serve "$FIXTURE" --host 127.0.0.1 --port 0 > "$log" 2>&1 &
      SPID=$!
      until grep -q '^listening on http://' "$log"; do
        kill -0 $SPID 2>/dev/null && [ "$(date +%s)" -lt $deadline ] || return 1
        sleep 0.1
      done
      PORT=$(sed -n 's|^listening on http://[^:]*:\([0-9]*\).*|\1|p' "$log" | head -1) ;;
    seed)
      PORT=$(free_port)
      (cd / && MODEL_DIR="$FIXTURE" exec "$PYTHON" -m uvicorn --app-dir "$T" serve:app --host 127.0.0.1 --port "$PORT" \
         --workers 1 --log-level warning --no-access-log > "$log" 2>&1) &
      SPID=$!
      until curl -s -o /dev/null -m 1 -f "http://127.0.0.1:$PORT/health"; do
        kill -0 $SPID 2>/dev/null && [ "$(date +%s)" -lt $deadline ] || return 1
        sleep 0.2
      done ;;
  esac
}
stop() {
  kill -TERM "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || true
  SPID=
}
SPID=
trap '[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null; wait' EXIT

TSV=$OUT/runs.tsv
printf 'server\tconc\treq_s\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\trequests\tcpu_us_per_req\tload1\n' > "$TSV"
log "POST /predict at concurrency $CONC: ${SERVERS[*]}; wrk $WARM warm-up, $DUR measured, sentences cycled"
for srv in "${SERVERS[@]}"; do
  if ! start "$srv" "$OUT/raw/${srv}_server.log"; then
    log "WARNING: $srv did not start (see results/$MODE/raw/${srv}_server.log): not measured"
    stop; continue
  fi
  url="http://127.0.0.1:$PORT/predict"
  # The first 50 sentences, one by one: the answers go to the report (labels compared between the servers).
  while IFS= read -r body; do
    curl -s -m 10 -H 'Content-Type: application/json' -d "$body" "$url"; echo
  done < "$WORK/answer-bodies.jsonl" > "$OUT/answers-$srv.jsonl"
  SENTENCES=$SENTENCES wrk -t2 -c"$CONC" -d$WARM -s "$T/predict.lua" "$url" > /dev/null 2>&1
  raw=$OUT/raw/${srv}_c${CONC}.txt
  # neuron4j's /metrics before and after the measured run: its batches and the buckets they ran on.
  metrics() { [ "$srv" = neuron4j ] && curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/raw/${srv}_metrics-$1.txt" || true; }
  metrics before
  c0=$(cpu_ticks "$SPID")
  SENTENCES=$SENTENCES wrk -t2 -c"$CONC" -d$DUR --latency -s "$T/predict.lua" "$url" > "$raw" 2>&1
  c1=$(cpu_ticks "$SPID")
  metrics after
  IFS=$'\t' read -r rps p50 p99 non2xx sock total < <(awk -f "$ROOT/benchmarks/serving/wrk-summary.awk" "$raw")
  cpu_us=$(echo "scale=1; ($c1 - $c0) * 1000000 / $CLK / $(( total > 0 ? total : 1 ))" | bc)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$srv" "$CONC" "$rps" "$p50" "$p99" "$non2xx" "$sock" "$total" \
    "$cpu_us" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TSV"
  stop
done

ELAPSED=$(( $(date +%s) - START ))
log "report"
py "$T/report.py" "$OUT" "$T/RESULTS.md" "$MODE" "$WARM" "$DUR" "$ELAPSED"
log "done: $T/RESULTS.md, raw results in $OUT"
