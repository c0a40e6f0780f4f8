#!/usr/bin/env bash
# Finely interleaved load test (the main measurement).
# All servers (Netty NIO, Netty epoll, Jetty, Undertow) are started once, each in its
# own JVM on its own port, bound to 127.0.0.1; idle ones cost next to no CPU. Then
#   for each round, for each concurrency, for each server (order rotated per round):
#     3 s warm-up wrk run, then a 10 s measured wrk run (keep-alive, --latency),
# so drift of the shared machine spreads over all servers alike (13 s granularity).
# Records req/s, p50, p99, errors, RSS after the run, and the server's CPU time
# during the measured run (-> CPU ms per 1000 requests, which is less sensitive to
# noisy neighbours than req/s). Every wrk run is bounded by -d.
# Usage: scripts/bench.sh [ROUNDS] [OUTDIR]      (run scripts/build.sh first)
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
OUT=${2:-results/interleaved}
SERVERS=(${SERVERS:-netty-nio netty-epoll jetty undertow})
CONCS=${CONCS:-"1 64 256"}
WARM=${WARM:-3s}
DUR=${DUR:-10s}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx512m"}
JAR=target/http-server-bench-0.1.jar
mkdir -p "$OUT/raw"
TSV="$OUT/runs.tsv"
[ -f "$TSV" ] || printf 'round\tserver\tconc\treq_s\tp50_ms\tp99_ms\terrors\trss_mb\tcpu_ms_per_1k\tload1\tthreads\n' > "$TSV"
CLK=$(getconf CLK_TCK)

declare -A PORT PID
start() {
  local srv=$1 cmd
  case $srv in
    netty-nio)   PORT[$srv]=18081; cmd="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer 18081 nio" ;;
    netty-epoll) PORT[$srv]=18082; cmd="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer 18082 epoll" ;;
    jetty)       PORT[$srv]=18083; cmd="java $JAVA_OPTS -cp $JAR:$(cat target/cp-jetty.txt) bench.JettyServer 18083" ;;
    undertow)    PORT[$srv]=18084; cmd="java $JAVA_OPTS -cp $JAR:$(cat target/cp-undertow.txt) bench.UndertowServer 18084" ;;
    netty-nio-2t) PORT[$srv]=18085; cmd="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer 18085 nio 2" ;;
  esac
  $cmd > "$OUT/raw/${srv}_server.log" 2>&1 &
  PID[$srv]=$!
}
stop_all() { for s in "${SERVERS[@]}"; do [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null; done; wait 2>/dev/null || true; }
trap stop_all EXIT

to_ms() {
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.3f", v/1000}
                       else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.3f", v}
                       else if (v ~ /s$/)  {sub(/s$/,"",v);  printf "%.3f", v*1000}
                       else printf "NA" }'
}
cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }

for s in "${SERVERS[@]}"; do start "$s"; done
for s in "${SERVERS[@]}"; do
  until curl -s -o /dev/null -m 1 -f "http://127.0.0.1:${PORT[$s]}/v2/health/ready"; do
    sleep 0.05; kill -0 "${PID[$s]}" 2>/dev/null || { echo "server $s died" >&2; cat "$OUT/raw/${s}_server.log" >&2; exit 1; }
  done
done

n=${#SERVERS[@]}
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONCS; do
    for i in $(seq 0 $((n-1))); do
      srv=${SERVERS[$(( (i + round - 1) % n ))]}
      t=2; [ "$c" -lt 2 ] && t=1        # wrk needs connections >= threads
      url="http://127.0.0.1:${PORT[$srv]}/v2/models/m/infer"
      wrk -t$t -c$c -d$WARM -s scripts/infer.lua "$url" > /dev/null 2>&1
      raw="$OUT/raw/r${round}_${srv}_c${c}.txt"
      c0=$(cpu_ticks "${PID[$srv]}")
      wrk -t$t -c$c -d$DUR --latency -s scripts/infer.lua "$url" > "$raw" 2>&1
      c1=$(cpu_ticks "${PID[$srv]}")
      rss_kb=$(awk '/VmRSS/{print $2}' /proc/${PID[$srv]}/status)
      load1=$(cut -d' ' -f1 /proc/loadavg)
      threads=$(awk '/^Threads/{print $2}' /proc/${PID[$srv]}/status)
      rps=$(awk '/^Requests\/sec/{print $2}' "$raw")
      total=$(awk '/requests in/{print $1}' "$raw")
      p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$raw")")
      p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$raw")")
      sock=$(awk '/Socket errors/{gsub(",",""); print $4+$6+$8+$10}' "$raw")
      non2xx=$(awk '/Non-2xx/{print $NF}' "$raw")
      errors=$(( ${sock:-0} + ${non2xx:-0} ))
      cpu1k=$(echo "($c1 - $c0) * 1000 / $CLK * 1000 / $total" | bc -l)
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t%s\n' "$round" "$srv" "$c" "$rps" "$p50" "$p99" "$errors" \
        "$(echo "$rss_kb / 1024" | bc -l)" "$cpu1k" "$load1" "$threads" | tee -a "$TSV"
    done
  done
done
