#!/usr/bin/env bash
# Median over rounds per server and concurrency, with the min-max spread between rounds.
# Usage: scripts/summarize.sh results/interleaved-A/runs.tsv [more runs.tsv ...]  (several files are pooled)
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- results/interleaved-A/runs.tsv
awk -F'\t' 'FNR==1 { col9=$9; next }
  { k=$2 SUBSEP $3; n[k]++; i=n[k];
    rps[k,i]=$4; p50[k,i]=$5; p99[k,i]=$6; err[k]+=$7; rss[k,i]=$8; x9[k,i]=$9; if (!(k in seen)) {seen[k]=1; order[++m]=k} }
  function med(a,k,c,   i,j,t,v) { for(i=1;i<=c;i++) v[i]=a[k,i]+0;
    for(i=1;i<=c;i++) for(j=i+1;j<=c;j++) if(v[j]<v[i]){t=v[i];v[i]=v[j];v[j]=t}
    lo=v[1]; hi=v[c]; return (c%2)? v[(c+1)/2] : (v[c/2]+v[c/2+1])/2 }
  END { printf "%-12s %4s %2s | %7s %-15s | %6s %-13s | %6s %-13s | %4s | %6s | %s\n", "server","conc","n","req/s","(min-max)","p50 ms","(min-max)","p99 ms","(min-max)","err","RSS MB", col9 " (min-max)";
    for (x=1;x<=m;x++) { k=order[x]; split(k,a,SUBSEP); c=n[k];
      r=med(rps,k,c); rl=lo; rh=hi; q=med(p50,k,c); ql=lo; qh=hi; z=med(p99,k,c); zl=lo; zh=hi; s=med(rss,k,c); y=med(x9,k,c); yl=lo; yh=hi;
      printf "%-12s %4s %2d | %7.0f (%5.0f-%5.0f) | %6.3f (%5.3f-%5.3f) | %6.2f (%5.2f-%5.2f) | %4d | %6.0f | %.1f (%.1f-%.1f)\n", a[1],a[2],c,r,rl,rh,q,ql,qh,z,zl,zh,err[k],s,y,yl,yh } }' "$@"
