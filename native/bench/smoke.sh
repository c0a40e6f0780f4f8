#!/bin/sh
# Smoke check of the C baseline programs: runs each once with minimal counts and --json, and checks that it
# exits 0 and prints exactly one valid JSON object on stdout with the expected "benchmark" and a non-empty
# "results" array. Not a measurement.
#
#   bench/smoke.sh BIN_DIR [NEFF]
#
# BIN_DIR holds the programs ($(OUT)/bench). libnrt.so.1 must be findable (LD_LIBRARY_PATH); `make bench-smoke`
# sets it to the emulator and gives the emulator its own core-lock directory. NEFF (optional): a NEFF file
# that execute_loop and load_time also run with.
set -u

bin=${1:?usage: smoke.sh BIN_DIR [NEFF]}
neff=${2:-}
if [ -n "${NEURON4J_EMU_STATE_DIR:-}" ]; then
    mkdir -p "$NEURON4J_EMU_STATE_DIR" && chmod 700 "$NEURON4J_EMU_STATE_DIR"
fi
if command -v python3 >/dev/null 2>&1; then
    have_python=1
else
    have_python=0
    echo "smoke.sh: python3 not found: JSON is only checked for {...} on one line" >&2
fi

failed=0
out=$(mktemp "${TMPDIR:-/tmp}/bench-smoke.XXXXXX") || exit 1
err=$(mktemp "${TMPDIR:-/tmp}/bench-smoke.XXXXXX") || exit 1
trap 'rm -f "$out" "$err"' EXIT

# run EXPECTED_BENCHMARK PROGRAM ARGS...
run() {
    expected=$1
    shift
    printf '== %s\n' "$*"
    "$bin/$@" --json >"$out" 2>"$err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAILED: exit status $rc"
        cat "$err"
        failed=1
        return
    fi
    if [ $have_python -eq 1 ]; then
        python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
if len(lines) != 1:
    sys.exit("expected one JSON line on stdout, got %d" % len(lines))
o = json.loads(lines[0])
if o.get("benchmark") != sys.argv[2]:
    sys.exit("benchmark is %r, expected %r" % (o.get("benchmark"), sys.argv[2]))
r = o.get("results")
if not isinstance(r, list) or not r:
    sys.exit("no results")
for x in r:
    for k in ("name", "unit", "median", "p10", "p90", "samples", "calls_per_sample"):
        if k not in x:
            sys.exit("result without %r: %r" % (k, x))
    if not (isinstance(x["median"], (int, float)) and x["median"] > 0):
        sys.exit("median not a positive number: %r" % (x,))
print("ok: %d result(s), first %s = %s %s" % (len(r), r[0]["name"], r[0]["median"], r[0]["unit"]))
' "$out" "$expected" || { echo "FAILED: bad JSON output:"; cat "$out" "$err"; failed=1; }
    else
        if [ "$(wc -l <"$out")" -eq 1 ] && grep -q '^{.*}$' "$out"; then echo "ok"; else
            echo "FAILED: bad JSON output:"; cat "$out" "$err"; failed=1
        fi
    fi
}

run call_loop call_loop --samples 2 --warmup 0 --calls 1000
run execute_loop execute_loop --samples 2 --warmup 0 --calls 10
run execute_loop execute_loop --attached --samples 2 --warmup 0 --calls 10
run copy_bw copy_bw --sizes 4K,1M --samples 2 --warmup 0 --calls 2
run load_time load_time --samples 2 --warmup 0
if [ -n "$neff" ]; then
    run execute_loop execute_loop "$neff" --samples 2 --warmup 0 --calls 2
    run load_time load_time "$neff" --samples 2 --warmup 0
    run replica_loop replica_loop "$neff" --samples 1 --warmup 0
fi

# The JNI control library is loaded by the JVM, not run: check that it exports its four entry points.
printf '%s: ' "libjni_floor.so"
n=$(nm -D --defined-only "$bin/libjni_floor.so" 2>/dev/null | grep -c ' T Java\(Critical\)\{0,1\}_dev_neuron4j_bench_JniFloor_')
if [ "$n" -eq 4 ]; then echo "ok: 4 JNI entry points"; else echo "FAILED: $n of 4 JNI entry points"; failed=1; fi

if [ $failed -ne 0 ]; then
    echo "bench smoke: FAILED"
    exit 1
fi
echo "bench smoke: all passed"
