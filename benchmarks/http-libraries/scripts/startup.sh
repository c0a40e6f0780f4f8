#!/usr/bin/env bash
# Start-up time to first response, interleaved (A B C D A B C D ...): wall time from
# launching the JVM to the first 200 of GET /v2/health/ready and of the first
# POST /v2/models/m/infer (polled with curl every ~5 ms). Also RSS when idle after start.
# Usage: scripts/startup.sh [ROUNDS] [OUTDIR]
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
OUT=${2:-results}
SERVERS=${SERVERS:-"netty-nio netty-epoll jetty undertow"}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx512m"}
JAR=target/http-server-bench-0.1.jar
mkdir -p "$OUT"
TSV="$OUT/startup.tsv"
printf 'round\tserver\tready_ms\tfirst_infer_ms\tidle_rss_mb\n' > "$TSV"
for round in $(seq 1 "$ROUNDS"); do
  for srv in $SERVERS; do
    case $srv in
      netty-nio)   PORT=18081; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer $PORT nio" ;;
      netty-epoll) PORT=18082; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-netty.txt) bench.NettyServer $PORT epoll" ;;
      jetty)       PORT=18083; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-jetty.txt) bench.JettyServer $PORT" ;;
      undertow)    PORT=18084; CMD="java $JAVA_OPTS -cp $JAR:$(cat target/cp-undertow.txt) bench.UndertowServer $PORT" ;;
    esac
    t0=$(date +%s%N)
    $CMD > /dev/null 2>&1 &
    SPID=$!
    until curl -s -o /dev/null -m 1 -f "http://127.0.0.1:$PORT/v2/health/ready"; do sleep 0.005; done
    t1=$(date +%s%N)
    curl -s -o /dev/null -f -m 5 -X POST -H 'Content-Type: application/json' \
      --data-binary @scripts/body.json "http://127.0.0.1:$PORT/v2/models/m/infer" || echo "infer failed on $srv" >&2
    t2=$(date +%s%N)
    sleep 1
    rss_kb=$(awk '/VmRSS/{print $2}' /proc/$SPID/status)
    printf '%s\t%s\t%d\t%d\t%.1f\n' "$round" "$srv" $(( (t1-t0)/1000000 )) $(( (t2-t0)/1000000 )) \
      "$(echo "$rss_kb / 1024" | bc -l)" | tee -a "$TSV"
    kill "$SPID"; wait "$SPID" 2>/dev/null || true
  done
done
# medians
awk -F'\t' 'NR>1{k=$2; n[k]++; r[k,n[k]]=$3; f[k,n[k]]=$4; m[k,n[k]]=$5; if(!(k in s)){s[k]=1; o[++c]=k}}
  function med(a,k,c, i,j,t,v){for(i=1;i<=c;i++)v[i]=a[k,i]+0; for(i=1;i<=c;i++)for(j=i+1;j<=c;j++)if(v[j]<v[i]){t=v[i];v[i]=v[j];v[j]=t}; lo=v[1];hi=v[c]; return (c%2)?v[(c+1)/2]:(v[c/2]+v[c/2+1])/2}
  END{printf "%-12s %18s %22s %12s\n","server","ready ms (min-max)","first infer ms (min-max)","idle RSS MB"; for(x=1;x<=c;x++){k=o[x];
    a=med(r,k,n[k]); al=lo; ah=hi; b=med(f,k,n[k]); bl=lo; bh=hi; printf "%-12s %6d (%4d-%4d) %10d (%4d-%4d) %12.0f\n",k,a,al,ah,b,bl,bh,med(m,k,n[k])}}' "$TSV" | tee "$OUT/startup-summary.txt"
