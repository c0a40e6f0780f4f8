#!/usr/bin/env python3
"""Latency of the CPU BERT fixture's batch-1 buckets through Python `torch` on one thread.

    python3 bucket_latency.py MODEL_DIR OUT_JSON WARMUP RUNS

For each `model_b1_s{S}.pt` of the folder's config.json: WARMUP calls, then RUNS timed calls of forward on a
full-length input (the model does the same work whatever the ids); writes {S: [median ms, p90 ms]}. The padding
saving in milliseconds is this table weighted by the sentence mix (report.py).
"""
import json
import statistics
import sys
import time

import torch


def main(argv):
    model_dir, out, warmup, runs = argv[0], argv[1], int(argv[2]), int(argv[3])
    torch.set_num_threads(1)
    with open(model_dir + "/config.json", encoding="utf-8") as f:
        buckets = [b for b in json.load(f)["neuron4j"]["buckets"] if b["batch_size"] == 1]
    result = {}
    with torch.no_grad():
        for b in sorted(buckets, key=lambda b: b["sequence_length"]):
            s = b["sequence_length"]
            model = torch.jit.load(model_dir + "/" + b["file"])
            ids = torch.randint(5, 400, (1, s), dtype=torch.int64, generator=torch.Generator().manual_seed(s))
            mask = torch.ones((1, s), dtype=torch.int64)
            for _ in range(warmup):
                model(ids, mask)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                model(ids, mask)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            result[s] = [statistics.median(times), times[int(0.9 * (len(times) - 1))]]
            print("bucket b1 s%-4d median %.3f ms, p90 %.3f ms" % (s, result[s][0], result[s][1]), file=sys.stderr)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "threads": 1, "buckets": result}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
