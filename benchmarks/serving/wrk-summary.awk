# Reads one `wrk --latency` output and prints one tab-separated line:
#   req/s, p50 ms, p99 ms, non-2xx responses, socket errors (connect + read + write + timeout), requests
# Usage: awk -f wrk-summary.awk WRK_OUTPUT
function ms(v) {  # a wrk latency token (812.00us, 3.21ms, 1.02s, 1.50m) in milliseconds
  if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
  if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
  if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
  if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
  return "NA"
}
/^Requests\/sec/  { rps = $2 }
/ requests in /   { requests = $1 }
$1 == "50%"       { p50 = ms($2) }
$1 == "99%"       { p99 = ms($2) }
/Non-2xx/         { non2xx = $NF }
/Socket errors/   { gsub(",", ""); socket = $4 + $6 + $8 + $10 }
END { printf "%s\t%.3f\t%.3f\t%d\t%d\t%d\n", rps + 0, p50, p99, non2xx, socket, requests }
