"""Writes benchmarks/text/RESULTS.md from what run.sh leaves in results/<mode>/.

Usage: report.py RESULTS_DIR RESULTS_MD MODE WARM DUR ELAPSED_S
Reads tokenizer-{java,python}-N.json (TokenizerBench.java, tokenizer_bench.py), bucket-latency.json
(bucket_latency.py), runs.tsv and answers-{neuron4j,seed}.jsonl (run.sh's /predict runs).
"""
import csv
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone

BUCKETS = [32, 64, 128]  # the fixture's sequence lengths (batch 1)
ALWAYS = 128             # what the seed pads every request to
SERVERS = {"neuron4j": "`./neuron4j serve MODEL_DIR`", "seed": "seed `serve.py` (FastAPI + uvicorn, 1 worker)"}


def load(pattern):
    return [json.load(open(f)) for f in sorted(glob.glob(pattern))]


def rates(runs, mode):
    return [r for run in runs for r in run["modes"][mode]["rates"]]


def cpu_per_wall(runs, mode):
    return statistics.mean(run["modes"][mode]["cpu_per_wall"] for run in runs)


def bucket(length):
    return next((b for b in BUCKETS if length <= b), BUCKETS[-1])


def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def tokenizer_section(out, java, python):
    out += ["## Tokenizer throughput, one thread", "",
            f"{java[0]['sentences']} sentences, each padded and truncated to {java[0]['length']} tokens, ids and "
            "attention mask read. `one@128`: one call per sentence (what a server does per request); "
            f"`batch{java[0]['batch']}@128`: batches of {java[0]['batch']} sentences per call. Sentences per second: "
            f"the median of {len(rates(java, 'one@128'))} rounds per side (min–max in brackets), Java and Python "
            "runs alternating. CPU / wall: the process's CPU time over wall time during the rounds (1.0 = one "
            "busy thread; less = the process waited for a CPU on this shared machine); the last column divides each "
            "side's rate by it, which takes out most of that waiting. `seed-call@128`, Python "
            "only: the call the seed's `serve.py` makes per request, `transformers`' `PreTrainedTokenizerFast` "
            "on the same file with `padding=\"max_length\", max_length=128, truncation=True, return_tensors=\"pt\"`; "
            "its ratio is neuron4j's `one@128` over it.", "",
            "| mode | neuron4j `Tokenizer` (DJL) sentences/s | Python sentences/s | Java ÷ Python "
            "| CPU / wall (Java, Python) | Java ÷ Python per CPU second |",
            "|---|---:|---:|---:|---:|---:|"]
    for mode in python[0]["modes"]:
        # A Python-only mode (the seed's call) is compared with the Java call that does the same job: one@128.
        java_mode = mode if mode in java[0]["modes"] else "one@128"
        j, p = rates(java, java_mode), rates(python, mode)
        shown = "" if java_mode == mode else f"`{java_mode}`: "
        out.append(f"| `{mode}` | {shown}{fmt(statistics.median(j))} ({fmt(min(j))}–{fmt(max(j))}) | "
                   f"{fmt(statistics.median(p))} ({fmt(min(p))}–{fmt(max(p))}) | "
                   f"**{statistics.median(j) / statistics.median(p):.2f}** | "
                   f"{cpu_per_wall(java, java_mode):.2f}, {cpu_per_wall(python, mode):.2f} | "
                   f"{statistics.median(j) / cpu_per_wall(java, java_mode) / (statistics.median(p) / cpu_per_wall(python, mode)):.2f} |")
    out += ["", f"Threads of the process before loading and after the rounds: Java "
            f"{java[0]['threads_before']} → {java[0]['threads_after']} (the JVM's own threads, DJL's included), "
            f"Python {python[0]['threads_before']} → "
            f"{python[0]['threads_after']}. The natural token counts of both sides are "
            f"{'identical' if java[0]['lengths'] == python[0]['lengths'] else 'NOT identical'} for every sentence.",
            ""]


def padding_section(out, lengths, latency):
    n = len(lengths)
    cut = [min(x, ALWAYS) for x in lengths]
    chosen = [bucket(x) for x in lengths]
    mean_bucket, mean_always = statistics.mean(chosen), float(ALWAYS)
    lat = {int(k): v[0] for k, v in latency["buckets"].items()} if latency else {}
    out += ["## Padding saving of buckets 32/64/128 (batch 1)", "",
            "Pure arithmetic over the tokenizer's real lengths (the natural token counts above, `[CLS]` and `[SEP]` "
            "included): each request runs in the smallest bucket that holds it (longer texts are cut to 128), "
            "against the seed's one shape, always 128. The model-time column weights the CPU BERT's measured "
            "latency per bucket (Python `torch`, one thread, the median of "
            "the timed calls) by the same mix; it is an estimate of the model time only, not a served latency.", "",
            f"Sentence lengths in tokens: min {min(lengths)}, median {statistics.median(lengths):g}, mean "
            f"{statistics.mean(lengths):.1f}, p90 {sorted(lengths)[int(0.9 * (n - 1))]}, max {max(lengths)}; "
            f"{sum(x > ALWAYS for x in lengths) / n:.1%} are longer than 128 (cut).", "",
            "| bucket | requests | share | CPU BERT ms per call (median) |", "|---:|---:|---:|---:|"]
    for b in BUCKETS:
        k = sum(c == b for c in chosen)
        out.append(f"| {b} | {k} | {k / n:.1%} | {fmt(lat.get(b), 3)} |")
    out += ["", "| per request, mean | always 128 (seed) | buckets 32/64/128 | buckets ÷ always-128 |",
            "|---|---:|---:|---:|",
            f"| tokens computed | {mean_always:.1f} | {mean_bucket:.1f} | **{mean_bucket / mean_always:.2f}** |",
            f"| of which real tokens | {statistics.mean(cut):.1f} | {statistics.mean(cut):.1f} | – |",
            f"| padding tokens | {mean_always - statistics.mean(cut):.1f} | {mean_bucket - statistics.mean(cut):.1f} "
            f"| {(mean_bucket - statistics.mean(cut)) / (mean_always - statistics.mean(cut)):.2f} |"]
    if lat:
        always_ms = lat[ALWAYS]
        bucket_ms = statistics.mean(lat[c] for c in chosen)
        out.append(f"| CPU BERT model time, ms (estimate) | {always_ms:.3f} | {bucket_ms:.3f} | "
                   f"**{bucket_ms / always_ms:.2f}** |")
    out += ["", f"Buckets compute {1 - mean_bucket / mean_always:.0%} fewer tokens per request than always-128 on "
            "this mix. The model time shrinks less than the tokens: a call has costs that do not depend on the "
            "length (see the latency per bucket), and on a NeuronCore the ratio would be the compiled NEFFs' own.",
            ""]


def answers(path):
    if not os.path.exists(path):
        return None
    rows = []
    for line in open(path):
        try:
            rows.append(json.loads(line))
        except ValueError:
            rows.append(None)
    return rows


def predict_section(out, results, warm, dur):
    tsv = os.path.join(results, "runs.tsv")
    rows = {r["server"]: r for r in csv.DictReader(open(tsv), delimiter="\t")} if os.path.exists(tsv) else {}
    conc = next(iter(rows.values()))["conc"] if rows else "64"
    out += [f"## `POST /predict` at concurrency {conc}, CPU BERT", "",
            f"`wrk -t2 -c{conc}` on 127.0.0.1, keep-alive, {warm} warm-up then {dur} measured (`--latency`), "
            "`{\"text\": ...}` bodies cycling over the same sentences (`predict.lua`). One server at a time. "
            "neuron4j: `./neuron4j serve MODEL_DIR` on the fixture folder (all six buckets, batch 1 and 8, "
            "its default batching); the seed: `serve.py`, every request padded to 128 and run alone on "
            "`model_b1_s128.pt`.", "",
            "| server | 2xx req/s | p50 ms | p99 ms | errors | server CPU µs / req |",
            "|---|---:|---:|---:|---:|---:|"]
    for srv, name in SERVERS.items():
        r = rows.get(srv)
        if r is None:
            out.append(f"| {name} | not measured | | | | |")
            continue
        ok = float(r["req_s"]) * (int(r["requests"]) - int(r["non2xx"])) / max(1, int(r["requests"]))
        r["ok"] = ok
        out.append(f"| {name} | {fmt(ok)} | {float(r['p50_ms']):.2f} | {float(r['p99_ms']):.2f} | "
                   f"{int(r['non2xx']) + int(r['socket_errors'])} | {r['cpu_us_per_req']} |")
    if "neuron4j" in rows and "seed" in rows:
        n, s = rows["neuron4j"], rows["seed"]
        out += ["", f"Ratios neuron4j ÷ seed: requests/s **{n['ok'] / s['ok']:.2f}**, p99 "
                f"**{float(n['p99_ms']) / float(s['p99_ms']):.2f}** (lower is better), p50 "
                f"{float(n['p50_ms']) / float(s['p50_ms']):.2f}."]
    batches = metrics_growth(results)
    if batches:
        out += ["", "neuron4j during the measured run (its `/metrics`, after minus before): " + batches]
    a, b = answers(os.path.join(results, "answers-neuron4j.jsonl")), answers(os.path.join(results, "answers-seed.jsonl"))
    if a and b:
        pairs = [(x, y) for x, y in zip(a, b) if isinstance(x, dict) and isinstance(y, dict)
                 and "label" in x and "label" in y]
        same = sum(x["label"] == y["label"] for x, y in pairs)
        diff = max((abs(x["confidence"] - y["confidence"]) for x, y in pairs), default=None)
        out += ["", f"Same answers? The first {len(a)} sentences, one request each, to both servers: "
                f"{same} of {len(pairs)} comparable answers have the same label, the largest confidence difference "
                f"is {fmt(diff, 6)} (neuron4j runs a short sentence in a smaller bucket, the seed at 128: the "
                "padding is masked, so only float rounding differs)."]
    out.append("")


NOTES = [
    "## What to doubt", "",
    "- 2 shared vCPUs: other developers' builds run beside this benchmark (the load average above), and wrk runs "
    "on the same two CPUs as the server it loads, so absolute figures are lower than on a dedicated host; the "
    "side-by-side ratios are the point. One run per point: the spread between runs is not measured.",
    "- CPU torch, not a NeuronCore: both servers run the TorchScript files through libtorch on the same CPUs as "
    "the HTTP work, so model time and serving overhead compete for the CPUs; on Inferentia the model time "
    "would leave the host CPUs and the serving overhead would matter more, not less.",
    "- The tokenizer ratio measures the whole call from each language: the same Rust code underneath, but DJL's "
    "`HuggingFaceTokenizer.encode` copies every field of an encoding over JNI (ids, type ids, the tokens as "
    "Java strings, word ids, sequence ids, attention mask, special-token mask, character spans as objects, "
    "overflow), while Python's `Encoding` converts only the fields read (ids and mask here).",
    "- One thread: `TOKENIZERS_PARALLELISM=false` and `RAYON_NUM_THREADS=1` for both processes (the Rust "
    "library's batch encode would otherwise use a thread pool); CPU / wall near 1.0 confirms it.",
    "- The padding saving is arithmetic on this sentence mix (`sentences.py`: 45 % of 3–12 words, 30 % of 13–30, "
    "17 % of 31–60, 8 % of 61–120, about 1 word in 12 out of the vocabulary); another mix gives another saving.",
    "- The fixture's weights are random: the labels mean nothing, only that both servers give the same ones.",
    ""]


def counters(path):
    """{(name, labels): value} of a Prometheus text exposition."""
    values = {}
    for line in open(path):
        if line.startswith("#") or " " not in line:
            continue
        key, value = line.rsplit(" ", 1)
        name, _, labels = key.partition("{")
        values[(name, labels.rstrip("}"))] = float(value)
    return values


def metrics_growth(results):
    """The mean batch and the share of executions per bucket during neuron4j's measured run, as a sentence."""
    before_file = os.path.join(results, "raw", "neuron4j_metrics-before.txt")
    after_file = os.path.join(results, "raw", "neuron4j_metrics-after.txt")
    if not (os.path.exists(before_file) and os.path.exists(after_file)):
        return None
    before, after = counters(before_file), counters(after_file)
    grown = {k: v - before.get(k, 0.0) for k, v in after.items()}

    def total(name):
        return sum(v for (n, _), v in grown.items() if n in (name, name + "_total"))

    rows, execs = total("neuron_inference_count"), total("neuron_inference_exec_count")
    buckets = {labels.split('bucket="')[1].split('"')[0]: v for (n, labels), v in grown.items()
               if n in ("neuron_bucket_exec_count", "neuron_bucket_exec_count_total") and 'bucket="' in labels}
    parts = []
    if execs:
        parts.append(f"{rows:,.0f} texts in {execs:,.0f} executions, mean batch {rows / execs:.2f}")
    if buckets:
        all_ = sum(buckets.values()) or 1
        parts.append("executions per bucket: " + ", ".join(
            f"`{b}` {v / all_:.0%}" for b, v in sorted(buckets.items(), key=lambda kv: -kv[1]) if v))
    return "; ".join(parts) + "." if parts else None


def versions():
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd="/").stdout.strip() \
                or subprocess.run(cmd, capture_output=True, text=True, cwd="/").stderr.strip()
        except OSError:
            return "missing"
    java = run("java", "-version").splitlines()[0]
    py = run(sys.executable, "-c", "import torch, transformers, tokenizers, fastapi, uvicorn; print("
             "'torch', torch.__version__, '/ transformers', transformers.__version__, '/ tokenizers', "
             "tokenizers.__version__, '/ FastAPI', fastapi.__version__, '/ uvicorn', uvicorn.__version__)")
    wrk = run("wrk", "-v").splitlines()[0].split(" [")[0]
    return f"{java}, DJL tokenizers 0.36.0 (Rust tokenizers 0.21.0), Python {platform.python_version()}, {py}, {wrk}"


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main(argv):
    results, md, mode, warm, dur, elapsed = argv[1:7]
    java = load(os.path.join(results, "tokenizer-java-*.json"))
    python = load(os.path.join(results, "tokenizer-python-*.json"))
    latency_file = os.path.join(results, "bucket-latency.json")
    latency = json.load(open(latency_file)) if os.path.exists(latency_file) else None
    out = ["# Text benchmarks: results", "",
           "Generated by `benchmarks/text/run.sh` (do not edit; README.md says how it measures).", "",
           f"Run: `--{mode}`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {elapsed} s in all. Host: "
           f"{platform.node()}, {os.cpu_count()} vCPU ({cpu_model()}) shared with other developers' builds, "
           f"load average {open('/proc/loadavg').read().split()[0]} at the end; wrk on the same CPUs as the "
           f"servers. {versions()}.", "",
           "The model is the random-weight CPU BERT fixture (`text/src/test/python/make_bert_fixture.py`: hidden "
           "64, 2 layers, TorchScript buckets 32/64/128 × batch 1/8) run by libtorch on the CPU, on both "
           "sides: not a NeuronCore, and far smaller than BERT-base, so the serving and tokenizing overheads weigh "
           "more here than they would beside a real model on Inferentia.", ""]
    if java and python:
        tokenizer_section(out, java, python)
        padding_section(out, java[0]["lengths"], latency)
    predict_section(out, results, warm, dur)
    out += NOTES
    with open(md, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("wrote " + md)


if __name__ == "__main__":
    main(sys.argv)
