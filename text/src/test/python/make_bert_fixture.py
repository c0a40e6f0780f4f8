#!/usr/bin/env python3
"""Writes a small BERT sentiment model folder in neuron4j's text-classifier format (docs/text.md).

Nothing is downloaded: the WordPiece vocabulary is built here, the weights are random under a fixed seed.

    python3 make_bert_fixture.py OUT_DIR [--sequence-lengths 32,64,128] [--batch-sizes 1,8] [--seed 0]

OUT_DIR receives
  tokenizer.json         Hugging Face tokenizers: BertNormalizer (lowercase, strip accents), BertPreTokenizer,
                         WordPiece, the [CLS]/[SEP] post-processor, padding with [PAD]
  config.json            BertConfig as save_pretrained writes it, id2label {0: Negative, 1: Positive}, plus the
                         "neuron4j" object (inputs, buckets, sequence_overflow)
  model.safetensors      the weights, for the Python reference (reference_logits.py)
  model_b{B}_s{S}.pt     forward(input_ids, attention_mask) -> logits [B, 2], traced by torch.jit.trace on int64
                         [B, S] inputs, one file per bucket

Needs torch, transformers and tokenizers (pip3 install torch transformers tokenizers).
"""
import argparse
import json
import os
import sys

# Special tokens first: their ids are fixed (the pad id is 0, as BERT's).
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Single characters, alone and as word continuations, so that any ASCII word splits into known pieces.
CHARACTERS = list("abcdefghijklmnopqrstuvwxyz0123456789") + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

SUFFIXES = ["s", "es", "ed", "ing", "ly", "er", "est", "ness", "ful", "less", "able", "ment"]

WORDS = """
the a an and or but not no yes is are was were be been being am do does did done have has had having
i you he she it we they me him her us them my your his its our their this that these those there here
what which who whom whose when where why how all any both each few more most other some such only own
same so than too very can will just should would could may might must shall of in on at by for with about
against between into through during before after above below to from up down out off over under again
further then once good great bad terrible awful excellent amazing wonderful horrible nice fine poor
best worst better worse love loved like liked hate hated enjoy enjoyed happy sad angry glad pleased
disappointed boring exciting fun funny dull beautiful ugly perfect broken slow fast quick cheap expensive
movie film book story plot actor actress music song show scene ending character characters director
food meal restaurant service staff waiter price place room hotel trip day night time year week hour
minute product phone battery screen camera quality delivery order package box item store shop app
recommend recommended again never ever always often sometimes really quite rather pretty truly totally
absolutely completely waste money worth value return refund work works worked working well badly
thing things everything nothing something anything one two three four five ten hundred first last
new old big small long short high low little much many lot lots make made get got go went come came
see saw look looked feel felt think thought know knew want wanted need needed try tried buy bought
use used say said tell told give gave take took find found keep kept leave left put let seem seemed
people person friend family kids child man woman world life home house car city country weather
cafe resume naive fiance coffee tea water wine beer pizza pasta bread cake dessert breakfast lunch dinner
hello thanks thank please sorry okay ok wow oh well yeah hmm
"""

LABELS = {0: "Negative", 1: "Positive"}


def vocabulary():
    """{token: id}: specials, characters, ##characters, ##suffixes, words; each token once."""
    tokens = list(SPECIALS)
    tokens += CHARACTERS
    tokens += ["##" + c for c in CHARACTERS if c.isalnum()]
    tokens += ["##" + s for s in SUFFIXES]
    tokens += WORDS.split()
    vocab = {}
    for token in tokens:
        vocab.setdefault(token, len(vocab))
    return vocab


def build_tokenizer(vocab):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                      strip_accents=True, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", vocab["[SEP]"]),
                                                         ("[CLS]", vocab["[CLS]"]))
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.enable_padding(pad_id=vocab["[PAD]"], pad_token="[PAD]")
    return tokenizer


def build_model(vocab_size, max_length, seed):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(seed)
    config = BertConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=128, max_position_embeddings=max_length, num_labels=2,
                        id2label=dict(LABELS), label2id={v: k for k, v in LABELS.items()},
                        # BERT's default 0.02 gives every sentence about 0.5/0.5; wider weights make the
                        # labels and probabilities differ from sentence to sentence, so tests can tell them apart.
                        initializer_range=0.5)
    # Eager attention applies the mask on every call; the SDPA path may drop an all-ones mask, a branch
    # that tracing would bake into the graph.
    config._attn_implementation = "eager"
    model = BertForSequenceClassification(config)
    model.eval()
    return model


def logits_only(model):
    """Wraps the Hugging Face model so that forward returns the logits tensor alone (traceable)."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits(model).eval()


def example_inputs(batch_size, sequence_length, vocab_size, seed):
    """Int64 [B, S] ids and a mask with padding in it, so that the traced graph keeps the masking."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(len(SPECIALS), vocab_size, (batch_size, sequence_length), generator=generator,
                        dtype=torch.int64)
    mask = torch.ones((batch_size, sequence_length), dtype=torch.int64)
    mask[:, sequence_length // 2:] = 0
    ids[:, sequence_length // 2:] = 0
    return ids, mask


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the model folder to write (created if missing)")
    parser.add_argument("--sequence-lengths", default="32,64,128")
    parser.add_argument("--batch-sizes", default="1,8")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sequence_lengths = sorted(int(s) for s in args.sequence_lengths.split(","))
    batch_sizes = sorted(int(b) for b in args.batch_sizes.split(","))

    import warnings

    import torch
    from transformers.utils import logging

    # The trace records two shape checks and a constant as such (correct for fixed-shape buckets); say nothing.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    vocab = vocabulary()
    build_tokenizer(vocab).save(os.path.join(args.out, "tokenizer.json"))

    model = build_model(len(vocab), max(sequence_lengths), args.seed)
    model.save_pretrained(args.out)
    traceable = logits_only(model)
    buckets = []
    with torch.no_grad():
        for s in sequence_lengths:
            for b in batch_sizes:
                name = "model_b%d_s%d.pt" % (b, s)
                traced = torch.jit.trace(traceable, example_inputs(b, s, len(vocab), args.seed), strict=False)
                traced.save(os.path.join(args.out, name))
                buckets.append({"file": name, "batch_size": b, "sequence_length": s})

    config_path = os.path.join(args.out, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["neuron4j"] = {"inputs": ["input_ids", "attention_mask"], "buckets": buckets,
                          "sequence_overflow": "truncate"}
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote %s: vocabulary %d, %d bucket(s) %s (random weights, seed %d)"
          % (args.out, len(vocab), len(buckets), ", ".join(b["file"] for b in buckets), args.seed))


if __name__ == "__main__":
    main(sys.argv[1:])
