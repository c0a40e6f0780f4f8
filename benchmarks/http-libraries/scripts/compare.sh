#!/usr/bin/env bash
# Drift-robust comparison: within each (batch, round, concurrency) slot the servers ran
# back to back (within ~1 min), so each server's req/s and p99 are divided by the slot's
# mean over the main 4 servers; the table shows the median of those ratios, plus the
# per-batch medians of req/s and p99.  Usage: scripts/compare.sh results/interleaved-*/runs.tsv
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- results/interleaved-*/runs.tsv
awk -F'\t' '
  FNR==1 { b++; next }
  { slot=b SUBSEP $1 SUBSEP $3; key=$2 SUBSEP $3; r[b,$1,$2,$3]=$4; p[b,$1,$2,$3]=$6
    if ($2 != "netty-nio-2t") { sr[slot]+=$4; sp[slot]+=$6; sn[slot]++ }
    rows[++N]=b SUBSEP $1 SUBSEP $2 SUBSEP $3; if (!(key in seen)) { seen[key]=1; order[++M]=key } }
  function med(arr, n,   i,j,t) { for(i=1;i<=n;i++) for(j=i+1;j<=n;j++) if(arr[j]<arr[i]){t=arr[i];arr[i]=arr[j];arr[j]=t}
    return (n%2)? arr[(n+1)/2] : (arr[n/2]+arr[n/2+1])/2 }
  END {
    printf "%-13s %4s | %-11s %-11s | %s\n", "server", "conc", "req/s ratio", "p99 ratio", "per batch median req/s / p99 ms";
    for (x=1;x<=M;x++) { split(order[x], k, SUBSEP); s=k[1]; c=k[2]; nr=0; delete ar; delete ap; line="";
      for (i=1;i<=N;i++) { split(rows[i], q, SUBSEP); if (q[3]!=s || q[4]!=c) continue
        slot=q[1] SUBSEP q[2] SUBSEP c; nr++; ar[nr]=r[q[1],q[2],s,c]/(sr[slot]/sn[slot]); ap[nr]=p[q[1],q[2],s,c]/(sp[slot]/sn[slot]) }
      for (bb=1;bb<=b;bb++) { n2=0; delete v1; delete v2
        for (i=1;i<=N;i++) { split(rows[i], q, SUBSEP); if (q[1]==bb && q[3]==s && q[4]==c) { n2++; v1[n2]=r[bb,q[2],s,c]; v2[n2]=p[bb,q[2],s,c] } }
        if (n2) line=line sprintf("  #%d %6.0f / %5.1f", bb, med(v1,n2), med(v2,n2)) }
      printf "%-13s %4s | %5.2f (n=%d) %5.2f       |%s\n", s, c, med(ar,nr), nr, med(ap,nr), line } }' "$@"
