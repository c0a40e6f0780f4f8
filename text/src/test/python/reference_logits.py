#!/usr/bin/env python3
"""Prints Python transformers' classification of sentences, the reference the Java pipeline is tested against.

    python3 reference_logits.py MODEL_DIR < sentences.json     (a JSON list of strings on standard input)

MODEL_DIR is a folder written by make_bert_fixture.py (tokenizer.json, config.json, model.safetensors). Each
sentence runs alone (batch 1, no padding), truncated to the model's largest bucket. Prints one JSON list with,
per sentence, {"logits": [...], "probabilities": [...], "label": "...", "confidence": p}.
"""
import json
import sys


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: reference_logits.py MODEL_DIR < sentences.json")
    folder = argv[0]
    import torch
    from tokenizers import Tokenizer
    from transformers import BertForSequenceClassification
    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()
    torch.set_num_threads(1)
    with open(folder + "/config.json", encoding="utf-8") as f:
        max_length = max(b["sequence_length"] for b in json.load(f)["neuron4j"]["buckets"])
    tokenizer = Tokenizer.from_file(folder + "/tokenizer.json")
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    model = BertForSequenceClassification.from_pretrained(folder, attn_implementation="eager").eval()
    results = []
    with torch.no_grad():
        for sentence in json.load(sys.stdin):
            encoding = tokenizer.encode(sentence)
            ids = torch.tensor([encoding.ids], dtype=torch.int64)
            mask = torch.tensor([encoding.attention_mask], dtype=torch.int64)
            logits = model(input_ids=ids, attention_mask=mask).logits[0]
            probabilities = torch.softmax(logits, dim=-1)
            best = int(torch.argmax(probabilities))
            results.append({"logits": logits.tolist(), "probabilities": probabilities.tolist(),
                            "label": model.config.id2label[best], "confidence": float(probabilities[best])})
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
