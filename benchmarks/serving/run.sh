#!/usr/bin/env bash
# Serving load benchmark: `neuron4j serve` against the seed's FastAPI + uvicorn stack (fastapi_app.py, libnrt
# through ctypes), on the same emulator NEFFs, driven by wrk with a one-row KServe v2 JSON infer (infer.lua).
# Usage: benchmarks/serving/run.sh [--quick|--full]     (default --quick; see README.md)
#   --quick  1 s warm-up + 3 s measured per point  (about 3 minutes on 2 cores)
#   --full   3 s warm-up + 10 s measured per point (about 9 minutes on 2 cores)
# Environment: CONCS (default "1 8 64 256"), MODELS (default "noop bert_b1 bert_b8"), SERVERS (default
# "neuron4j fastapi1 fastapi2"), WARM / DUR (wrk durations, e.g. 3s), REPLICAS (default 2: the emulated machine's
# 2 cores), PYTHON (default python3).
# Writes benchmarks/serving/results/<mode>/ (runs.tsv, raw wrk outputs, server logs, metrics) and
# benchmarks/serving/RESULTS.md.
set -euo pipefail
MODE=${1:---quick}; MODE=${MODE#--}
[[ $# -le 1 && ( $MODE = quick || $MODE = full ) ]] || { echo "usage: $0 [--quick|--full]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
S=$ROOT/benchmarks/serving
OUT=$S/results/$MODE
REPO=$ROOT/target/serving-bench/models
PYTHON=${PYTHON:-python3}
CONCS=${CONCS:-"1 8 64 256"}
MODELS=${MODELS:-"noop bert_b1 bert_b8"}
SERVERS=(${SERVERS:-neuron4j fastapi1 fastapi2})
REPLICAS=${REPLICAS:-2}
if [ $MODE = quick ]; then WARM=${WARM:-1s}; DUR=${DUR:-3s}; else WARM=${WARM:-3s}; DUR=${DUR:-10s}; fi
START=$(date +%s)
log() { echo "== [$(( $(date +%s) - START ))s] $*"; }

log "building neuron4j (the launcher builds on first use), checking wrk, FastAPI and uvicorn"
"$ROOT/neuron4j" --version >/dev/null
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
"$PYTHON" -c 'import fastapi, uvicorn' 2>/dev/null \
  || { echo "FastAPI/uvicorn are missing: pip install fastapi 'uvicorn[standard]'" >&2; exit 1; }

log "models (emulator NEFFs) in $REPO"
rm -rf "$REPO" "$OUT"; mkdir -p "$REPO" "$OUT/raw"
java -cp "$(cat "$ROOT/cli/target/classpath.txt")" "$S/ServingModels.java" "$REPO" >/dev/null

# Own core-lock directory, so no other developer's emulator process holds our cores. The servers run one after
# the other, never at once: each owns the cores while it runs.
export NEURON4J_EMU_STATE_DIR=$ROOT/target/serving-bench/state
mkdir -p "$NEURON4J_EMU_STATE_DIR"
unset NEURON_RT_VISIBLE_CORES NEURON_RT_NUM_CORES NEURON4J_EMU_CORES

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() {  # utime + stime of a process and its children (uvicorn's workers)
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do t=$(( t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo $t
}
CLK=$(getconf CLK_TCK)

# start SERVER LOG: starts it in the background, sets SPID and PORT, returns once it is ready.
start() {
  local srv=$1 log=$2 workers=1 deadline=$(( $(date +%s) + 120 ))
  case $srv in
    neuron4j)
      "$ROOT/neuron4j" --runtime=emulator serve "$REPO" --host 127.0.0.1 --port 0 --replicas "$REPLICAS" > "$log" 2>&1 &
      SPID=$!
      until grep -q '^listening on http://' "$log"; do
        kill -0 $SPID 2>/dev/null || { cat "$log" >&2; echo "neuron4j serve died" >&2; exit 1; }
        [ "$(date +%s)" -lt $deadline ] || { echo "neuron4j serve not ready" >&2; exit 1; }
        sleep 0.1
      done
      PORT=$(sed -n 's|^listening on http://[^:]*:\([0-9]*\).*|\1|p' "$log" | head -1) ;;
    fastapi1|fastapi2)
      PORT=$(free_port)
      if [ $srv = fastapi1 ]; then
        # The seed's setup: one process; it owns both cores and loads each model on both.
        env NEURON_RT_VISIBLE_CORES=0-$(( REPLICAS - 1 )) NRT_LIB="$ROOT/target/emu/libnrt.so.1" MODEL_REPO="$REPO" \
          "$PYTHON" -m uvicorn --app-dir "$S" fastapi_app:app --host 127.0.0.1 --port "$PORT" --workers 1 \
          --log-level warning --no-access-log > "$log" 2>&1 &
      else
        # One worker per core: NEURON_RT_NUM_CORES=1 gives each process the lowest free core (0, then 1).
        workers=$REPLICAS
        env NEURON_RT_NUM_CORES=1 NRT_LIB="$ROOT/target/emu/libnrt.so.1" MODEL_REPO="$REPO" \
          "$PYTHON" -m uvicorn --app-dir "$S" fastapi_app:app --host 127.0.0.1 --port "$PORT" --workers "$workers" \
          --log-level warning --no-access-log > "$log" 2>&1 &
      fi
      SPID=$!
      until [ "$(grep -c '^fastapi_app pid' "$log" 2>/dev/null)" -ge $workers ] 2>/dev/null \
            && curl -s -o /dev/null -m 1 -f "http://127.0.0.1:$PORT/v2/health/ready"; do
        kill -0 $SPID 2>/dev/null || { cat "$log" >&2; echo "$srv died" >&2; exit 1; }
        [ "$(date +%s)" -lt $deadline ] || { echo "$srv not ready" >&2; exit 1; }
        sleep 0.1
      done ;;
  esac
}
stop() {  # SIGTERM and wait: the cores are free again when the server is gone
  local status=0
  kill -TERM "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || status=$?
  # neuron4j serve drains and exits 0; uvicorn shuts down cleanly and then re-raises SIGTERM (143) in one process.
  [ $status = 0 ] || [ $status = 143 ] || log "WARNING: server $SPID exited with status $status"
  SPID=
}
SPID=
trap '[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null; wait' EXIT

counter() {  # counter FILE NAME MODEL: a Prometheus counter's value for one model, as an integer (0 when absent)
  awk -v n="$2" -v m="model=\"$3\"" '$1 ~ "^"n"[{]" && index($1, m) {v=$2} END {printf "%d\n", v}' "$1"
}
grown() {  # grown NAME MODEL: how much a counter grew during the measured run
  echo $(( $(counter "$OUT/raw/metrics-after.txt" "$1" "$2") - $(counter "$OUT/raw/metrics-before.txt" "$1" "$2") ))
}

TSV=$OUT/runs.tsv
printf 'model\tserver\tconc\treq_s\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\trequests\tmean_batch\tcpu_us_per_req\tload1\n' > "$TSV"
log "mode $MODE: warm-up $WARM, measured $DUR per point; concurrency $CONCS; models $MODELS; servers ${SERVERS[*]}"
n=${#SERVERS[@]}
ci=0
for c in $CONCS; do
  # The servers take turns at each concurrency (order rotated per concurrency), so machine drift hits them alike.
  for i in $(seq 0 $(( n - 1 ))); do
    srv=${SERVERS[$(( (i + ci) % n ))]}
    start "$srv" "$OUT/raw/${srv}_c${c}_server.log"
    for model in $MODELS; do
      t=2; [ "$c" -lt 2 ] && t=1        # wrk needs connections >= threads
      url="http://127.0.0.1:$PORT/v2/models/$model/infer"
      wrk -t$t -c"$c" -d$WARM -s "$S/infer.lua" "$url" > /dev/null 2>&1
      raw=$OUT/raw/${model}_${srv}_c${c}.txt
      if [ "$srv" = neuron4j ]; then curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/raw/metrics-before.txt"; fi
      c0=$(cpu_ticks "$SPID")
      wrk -t$t -c"$c" -d$DUR --latency -s "$S/infer.lua" "$url" > "$raw" 2>&1
      c1=$(cpu_ticks "$SPID")
      batch=NA
      if [ "$srv" = neuron4j ]; then
        # The mean batch size of the measured run: rows over executions, from /metrics before and after it.
        curl -s "http://127.0.0.1:$PORT/metrics" > "$OUT/raw/metrics-after.txt"
        cp "$OUT/raw/metrics-after.txt" "$OUT/raw/${model}_${srv}_c${c}_metrics.txt"
        rows=$(grown neuron_inference_count_total "$model"); execs=$(grown neuron_inference_exec_count_total "$model")
        [ "$execs" -gt 0 ] && batch=$(echo "scale=2; $rows / $execs" | bc)
      fi
      IFS=$'\t' read -r rps p50 p99 non2xx sock total < <(awk -f "$S/wrk-summary.awk" "$raw")
      cpu_us=$(echo "scale=1; ($c1 - $c0) * 1000000 / $CLK / $(( total > 0 ? total : 1 ))" | bc)
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$model" "$srv" "$c" "$rps" "$p50" "$p99" \
        "$non2xx" "$sock" "$total" "$batch" "$cpu_us" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TSV"
    done
    stop
  done
  ci=$(( ci + 1 ))
done
rm -f "$OUT/raw/metrics-before.txt" "$OUT/raw/metrics-after.txt"
ELAPSED=$(( $(date +%s) - START ))
log "report"
"$PYTHON" "$S/report.py" "$TSV" "$S/RESULTS.md" "$MODE" "$WARM" "$DUR" "$ELAPSED"
log "done: $S/RESULTS.md, raw wrk outputs in $OUT/raw"
