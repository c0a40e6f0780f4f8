#!/usr/bin/env bash
# Interleaved load test of the three servers (plus Netty's epoll transport).
# Each round starts every server in a fresh JVM, in the order A B C D, measures
# start-up to first response, then for each concurrency runs a 3 s warm-up and a
# 10 s measured wrk run (keep-alive, --latency), and reads the server's RSS.
# Every wrk run is bounded by -d; servers bind to 127.0.0.1 only.
# Usage: scripts/bench-fresh.sh [ROUNDS] [OUTDIR]      (run scripts/build.sh first)
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
OUT=${2:-results/fresh-jvm}
SERVERS=${SERVERS:-"netty-nio netty-epoll jetty undertow"}
CONCS=${CONCS:-"1 64 256"}
WARM=${WARM:-3s}
DUR=${DUR:-10s}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx512m"}
JAR=target/http-server-bench-0.1.jar
mkdir -p "$OUT/raw"
TSV="$OUT/runs.tsv"
[ -f "$TSV" ] || printf 'round\tserver\tconc\treq_s\tp50_ms\tp99_ms\terrors\trss_mb\tstartup_ms\tload1\n' > "$TSV"

cmd_for() {  # server -> port and java command
  case $1 in
    netty-nio)   PORT=18081; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer $PORT nio" ;;
    netty-epoll) PORT=18082; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer $PORT epoll" ;;
    jetty)       PORT=18083; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-jetty.txt) bench.JettyServer $PORT" ;;
    undertow)    PORT=18084; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-undertow.txt) bench.UndertowServer $PORT" ;;
  esac
}

to_ms() {  # wrk latency token (e.g. 812.00us, 3.21ms, 1.02s) -> ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.3f", v/1000}
                       else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.3f", v}
                       else if (v ~ /s$/)  {sub(/s$/,"",v);  printf "%.3f", v*1000}
                       else printf "NA" }'
}

for round in $(seq 1 "$ROUNDS"); do
  for srv in $SERVERS; do
    cmd_for "$srv"
    log="$OUT/raw/r${round}_${srv}_server.log"
    t0=$(date +%s%N)
    $CMD > "$log" 2>&1 &
    SPID=$!
    until curl -s -o /dev/null -m 1 -f "http://127.0.0.1:$PORT/v2/health/ready"; do
      sleep 0.005
      kill -0 $SPID 2>/dev/null || { echo "server $srv died" >&2; cat "$log" >&2; exit 1; }
    done
    t1=$(date +%s%N)
    startup_ms=$(( (t1 - t0) / 1000000 ))
    for c in $CONCS; do
      t=2; [ "$c" -lt 2 ] && t=1        # wrk needs connections >= threads
      url="http://127.0.0.1:$PORT/v2/models/m/infer"
      wrk -t$t -c$c -d$WARM -s scripts/infer.lua "$url" > /dev/null 2>&1
      raw="$OUT/raw/r${round}_${srv}_c${c}.txt"
      wrk -t$t -c$c -d$DUR --latency -s scripts/infer.lua "$url" > "$raw" 2>&1
      rss_kb=$(awk '/VmRSS/{print $2}' /proc/$SPID/status)
      load1=$(cut -d' ' -f1 /proc/loadavg)
      rps=$(awk '/^Requests\/sec/{print $2}' "$raw")
      p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$raw")")
      p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$raw")")
      sock=$(awk '/Socket errors/{gsub(",",""); print $4+$6+$8+$10}' "$raw")
      non2xx=$(awk '/Non-2xx/{print $NF}' "$raw")
      errors=$(( ${sock:-0} + ${non2xx:-0} ))
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$round" "$srv" "$c" "$rps" "$p50" "$p99" "$errors" \
        "$(echo "$rss_kb / 1024" | bc -l)" "$startup_ms" "$load1" | tee -a "$TSV"
    done
    kill "$SPID"; wait "$SPID" 2>/dev/null || true
  done
done
