#!/usr/bin/env python3
"""Tokenizer throughput of Hugging Face's Python `tokenizers` on one thread: the Python side of TokenizerBench.java.

    python3 tokenizer_bench.py TOKENIZER_JSON SENTENCES_FILE OUT_JSON WARMUP_S ROUND_S ROUNDS

Run with TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1 (run.sh sets them). Same modes, same sentences,
same timing as the Java side:
  one@128    one encode() call per sentence, padded and truncated to 128 tokens, ids and attention mask read
  batch64@128  encode_batch() of 64 sentences at a time, the same padding, ids and attention masks read
  seed-call@128  Python only: what the seed's serve.py calls per request, transformers'
               PreTrainedTokenizerFast(text, padding="max_length", max_length=128, truncation=True,
               return_tensors="pt") on the same tokenizer.json
Warm-up: passes over the sentences for WARMUP_S seconds per mode; then ROUNDS rounds of whole passes, each
at least ROUND_S seconds. Also writes every sentence's natural token count (special tokens included, no
padding, no truncation), the process's thread count before and after, and its CPU time over wall time during
each mode's rounds: about 1.0 when one thread did the work.
"""
import json
import os
import sys
import time

from tokenizers import Tokenizer

LENGTH = 128
BATCH = 64


def threads():
    return len(os.listdir("/proc/self/task"))


def one(tokenizer, sentences):
    sink = 0
    for s in sentences:
        e = tokenizer.encode(s)
        sink += e.ids[1] + e.attention_mask[-1]
    return sink


def batch(tokenizer, sentences):
    sink = 0
    for i in range(0, len(sentences), BATCH):
        for e in tokenizer.encode_batch(sentences[i:i + BATCH]):
            sink += e.ids[1] + e.attention_mask[-1]
    return sink


def seed_call(tokenizer, sentences):
    sink = 0
    for s in sentences:
        inputs = tokenizer(s, return_tensors="pt", padding="max_length", max_length=LENGTH, truncation=True)
        sink += int(inputs["input_ids"][0, 1]) + int(inputs["attention_mask"][0, -1])
    return sink


def measure(run, sentences, warmup_s, round_s, rounds):
    """Sentences per second of each round (whole passes until round_s has passed), after warmup_s of passes."""
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        run(sentences)
    rates = []
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        start = time.perf_counter()
        done = 0
        while True:
            run(sentences)
            done += len(sentences)
            elapsed = time.perf_counter() - start
            if elapsed >= round_s:
                break
        rates.append(done / elapsed)
    return rates, (time.process_time() - cpu) / (time.perf_counter() - wall)


def main(argv):
    tokenizer_json, sentences_file, out, warmup_s, round_s, rounds = argv
    warmup_s, round_s, rounds = float(warmup_s), float(round_s), int(rounds)
    with open(sentences_file, encoding="utf-8") as f:
        sentences = f.read().splitlines()
    before = threads()
    natural = Tokenizer.from_file(tokenizer_json)
    natural.no_padding()
    natural.no_truncation()
    lengths = [len(e.ids) for e in natural.encode_batch(sentences)]

    tokenizer = Tokenizer.from_file(tokenizer_json)
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"),
                             length=LENGTH)
    tokenizer.enable_truncation(max_length=LENGTH)
    result = {"side": "python", "library": "tokenizers " + __import__("tokenizers").__version__,
              "sentences": len(sentences), "length": LENGTH, "batch": BATCH, "modes": {}}
    from transformers import PreTrainedTokenizerFast

    seed = PreTrainedTokenizerFast(tokenizer_file=tokenizer_json, pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", unk_token="[UNK]")
    for name, run, t in (("one@128", one, tokenizer), ("batch64@128", batch, tokenizer),
                         ("seed-call@128", seed_call, seed)):
        rates, cpu_per_wall = measure(lambda s: run(t, s), sentences, warmup_s, round_s, rounds)
        result["modes"][name] = {"rates": rates, "cpu_per_wall": cpu_per_wall}
        print("python %-12s %s sentences/s, process CPU / wall %.2f"
              % (name, " ".join("%.0f" % r for r in rates), cpu_per_wall), file=sys.stderr)
    result.update(threads_before=before, threads_after=threads(), lengths=lengths)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1:])
