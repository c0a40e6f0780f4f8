#!/usr/bin/env python3
"""Prints Hugging Face tokenizers' encodings of sentences, the reference the Java tokenizer is tested against.

    python3 reference_tokens.py TOKENIZER_JSON LENGTH < sentences.json     (a JSON list of strings on stdin)

Encodes all sentences in one batch, each padded and truncated to LENGTH tokens (padding with the file's pad
token, truncation longest-first), and prints one JSON list with, per sentence,
{"input_ids": [...], "attention_mask": [...], "token_type_ids": [...]}.
"""
import json
import sys


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: reference_tokens.py TOKENIZER_JSON LENGTH < sentences.json")
    from tokenizers import Tokenizer

    length = int(argv[1])
    tokenizer = Tokenizer.from_file(argv[0])
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"),
                             pad_type_id=padding.get("pad_type_id", 0), length=length)
    tokenizer.enable_truncation(max_length=length)
    encodings = tokenizer.encode_batch(json.load(sys.stdin))
    json.dump([{"input_ids": e.ids, "attention_mask": e.attention_mask, "token_type_ids": e.type_ids}
               for e in encodings], sys.stdout)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
