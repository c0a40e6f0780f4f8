#!/usr/bin/env python3
"""Writes the benchmark's sentences, one per line: review-like texts of 3 to 120 words, the same on every run.

    python3 sentences.py TOKENIZER_JSON OUT_FILE [--count 2000] [--seed 16]

Words come from the tokenizer's own vocabulary (its whole words: no specials, no single characters, no ## pieces)
plus, for about 1 word in 12, a word the vocabulary lacks (names, rare and made-up words, accented words), which
WordPiece splits into several pieces or maps to [UNK], as real reviews do. Punctuation ends clauses and
sentences. The length mix in words, roughly that of product and film reviews (many short ones, a long tail):

    3-12 words 45 %, 13-30 words 30 %, 31-60 words 17 %, 61-120 words 8 %

No quote or backslash is written, so a line is a JSON string body as it stands (predict.lua still escapes).
"""
import argparse
import json
import random

LENGTH_MIX = [(0.45, 3, 12), (0.30, 13, 30), (0.17, 31, 60), (0.08, 61, 120)]
OUT_OF_VOCABULARY = """
zanzibar kowalski bartholomew unputdownable flibbertigibbet smorgasbord quixotic serendipity lackluster
overpriced underwhelming mediocre phenomenal scrumptious rancid soggy lukewarm stellar abysmal riveting
clunky glitchy sluggish snappy headphones bluetooth firmware thermostat espresso croissant lasagna
jalapeño café naïve crème brûlée über résumé doppelgänger 2019 4k 1080p iphone xbox covid wifi
""".split()
PUNCTUATION = [".", ".", ".", "!", "?", "...", "!!"]
CLAUSE = [",", ",", ";", ":"]


def vocabulary_words(tokenizer_json):
    with open(tokenizer_json, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    return sorted(w for w in vocab if len(w) > 1 and w.isalpha() and not w.startswith("##")
                  and not w.startswith("["))


def sentence(rng, words):
    share = rng.random()
    for weight, low, high in LENGTH_MIX:
        if share < weight:
            break
        share -= weight
    count = rng.randint(low, high)
    out = []
    for i in range(count):
        word = rng.choice(OUT_OF_VOCABULARY) if rng.random() < 1 / 12 else rng.choice(words)
        if i == 0 or out[-1][-1] in ".!?":
            word = word.capitalize()
        out.append(word)
        if i < count - 1 and rng.random() < 0.08:
            out[-1] += rng.choice(PUNCTUATION if rng.random() < 0.4 else CLAUSE)
    out[-1] += rng.choice(PUNCTUATION)
    return " ".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tokenizer_json")
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary_words(args.tokenizer_json)
    with open(args.out, "w", encoding="utf-8") as f:
        for _ in range(args.count):
            f.write(sentence(rng, words) + "\n")
    print("wrote %d sentences to %s (%d vocabulary words, %d out-of-vocabulary words)"
          % (args.count, args.out, len(words), len(OUT_OF_VOCABULARY)))


if __name__ == "__main__":
    main()
