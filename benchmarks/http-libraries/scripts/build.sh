#!/usr/bin/env bash
# Builds target/http-server-bench-0.1.jar and one runtime classpath file per library:
#   target/cp-netty.txt, target/cp-jetty.txt, target/cp-undertow.txt, target/cp-common.txt (Jackson only)
# and prints each library's dependency footprint (jars and MB, Jackson excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B package
mvn -q -B dependency:build-classpath -Dno.jetty -Dno.undertow -Dmdep.outputFile=target/cp-netty.txt
mvn -q -B dependency:build-classpath -Dno.netty -Dno.undertow -Dmdep.outputFile=target/cp-jetty.txt
mvn -q -B dependency:build-classpath -Dno.netty -Dno.jetty    -Dmdep.outputFile=target/cp-undertow.txt
mvn -q -B dependency:build-classpath -Dno.netty -Dno.jetty -Dno.undertow -Dmdep.outputFile=target/cp-common.txt
common=$(tr ':' '\n' < target/cp-common.txt | sort)
printf '%-10s %5s %8s   %s\n' lib jars MB "(runtime deps of the library alone; Jackson excluded)"
for lib in common netty jetty undertow; do
  if [ "$lib" = common ]; then jars=$common; else jars=$(comm -23 <(tr ':' '\n' < target/cp-$lib.txt | sort) <(echo "$common")); fi
  n=$(echo "$jars" | grep -c . || true)
  bytes=$(echo "$jars" | xargs stat -c %s | awk '{s+=$1} END {print s}')
  printf '%-10s %5d %8.2f   %s\n' "$lib" "$n" "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$jars" | xargs -n1 basename | tr '\n' ' ')"
done | tee target/footprint.txt
