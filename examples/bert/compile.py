#!/usr/bin/env python3
"""Compile a BERT sequence classifier for Inferentia2 and write the model folder neuron4j serves.

The seed guide's compile step (torch_neuronx.trace at max_length=128), done once per shape bucket: one traced
TorchScript file per (batch size, sequence length), all the same graph returning logits [batch, num_labels],
plus tokenizer.json and config.json (Hugging Face's, with neuron4j's "neuron4j" object). NOT yet run on
Inf2 hardware: see README.md.

On an Inf2 host (Neuron DLAMI, torch-neuronx):
    python compile.py --out bert-sst2 --checkpoint textattack/bert-base-uncased-SST-2
Offline check of the folder format on any CPU (no download: a tiny random BERT, torch.jit.trace):
    python compile.py --out /tmp/tiny-bert --tiny-random --cpu-trace
"""

import argparse
import json
import pathlib
import sys

import torch

DEFAULT_CHECKPOINT = "bert-base-uncased"
INPUTS = ["input_ids", "attention_mask"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=pathlib.Path, help="the model folder to write (created)")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT,
                   help="a Hugging Face model id or local folder (default %(default)s; its classification head is "
                        "untrained: name a fine-tuned sentiment checkpoint for meaningful labels)")
    p.add_argument("--sequence-lengths", default="32,64,128", type=ints,
                   help="sequence buckets, comma-separated (default %(default)s)")
    p.add_argument("--batch-sizes", default="1,8", type=ints, help="batch buckets (default %(default)s)")
    p.add_argument("--labels", type=lambda s: s.split(","),
                   help="label names in id order, e.g. NEGATIVE,POSITIVE (default: the checkpoint's id2label)")
    p.add_argument("--sequence-overflow", choices=["truncate", "refuse"], default="truncate",
                   help="what neuron4j does with text longer than the largest bucket (default %(default)s)")
    p.add_argument("--compiler-args", default="",
                   help="extra neuronx-cc arguments for torch_neuronx.trace, e.g. \"--auto-cast matmult\"")
    p.add_argument("--cpu-trace", action="store_true",
                   help="trace with torch.jit.trace on the CPU instead of torch_neuronx.trace (checks the folder "
                        "format; the files then run on libtorch, not on NeuronCores)")
    p.add_argument("--tiny-random", action="store_true",
                   help="a tiny random BERT and a self-made vocabulary (tiny.py) instead of --checkpoint: nothing "
                        "is downloaded; labels are meaningless")
    args = p.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        p.error(f"{args.out} exists and is not empty")
    return args


def ints(text):
    values = sorted({int(v) for v in text.split(",") if v.strip()})
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError(f"'{text}': give positive integers, e.g. 32,64,128")
    return values


class Logits(torch.nn.Module):
    """forward(input_ids, attention_mask) -> logits: the graph neuron4j calls, inputs in config's order."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def load(args):
    """The tokenizer and the classifier in eval mode."""
    if args.tiny_random:
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
        import tiny
        return tiny.tokenizer(), tiny.model()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    if not tokenizer.is_fast:
        raise SystemExit(f"{args.checkpoint} has no fast tokenizer: neuron4j needs its tokenizer.json")
    model = AutoModelForSequenceClassification.from_pretrained(args.checkpoint)
    return tokenizer, model.eval()


def set_labels(config, labels):
    if labels:
        if len(labels) != config.num_labels:
            raise SystemExit(f"--labels names {len(labels)} labels; the model has {config.num_labels}")
        config.id2label = dict(enumerate(labels))
        config.label2id = {label: i for i, label in enumerate(labels)}


def example(tokenizer, batch, sequence):
    """Inputs of one bucket's shape, int64 as tokenizers give them, from a sentence padded to the length."""
    enc = tokenizer(["a sentence to trace the model with"] * batch, padding="max_length", truncation=True,
                    max_length=sequence, return_tensors="pt")
    return tuple(enc[name].to(torch.int64) for name in INPUTS)


def trace(module, inputs, args):
    if args.cpu_trace:
        return torch.jit.trace(module, inputs, strict=False)
    import torch_neuronx  # only on a Neuron host
    compiler_args = args.compiler_args.split() if args.compiler_args else None
    return torch_neuronx.trace(module, inputs, compiler_args=compiler_args)


def write_tokenizer(tokenizer, out):
    """tokenizer.json through the tokenizer's own save, before any call sets padding or truncation on it."""
    tokenizer.save_pretrained(out)  # tokenizer.json (and tokenizer_config.json)
    path = out / "tokenizer.json"
    if not path.is_file():
        raise SystemExit("the tokenizer's save wrote no tokenizer.json")
    saved = json.loads(path.read_text())
    if saved.get("padding") or saved.get("truncation"):
        raise SystemExit(f"{path} fixes padding or truncation; neuron4j pads to each bucket itself")


def write_config(model, args, buckets):
    """config.json as save_pretrained writes it, plus the "neuron4j" object of the shared folder format."""
    model.config.save_pretrained(args.out)
    path = args.out / "config.json"
    config = json.loads(path.read_text())
    config["neuron4j"] = {"inputs": INPUTS, "buckets": buckets, "sequence_overflow": args.sequence_overflow}
    path.write_text(json.dumps(config, indent=2) + "\n")


def main(argv=None):
    args = parse_args(argv)
    tokenizer, model = load(args)
    set_labels(model.config, args.labels)
    args.out.mkdir(parents=True, exist_ok=True)
    write_tokenizer(tokenizer, args.out)
    module = Logits(model).eval()
    buckets = []
    with torch.no_grad():
        for batch in args.batch_sizes:
            for sequence in args.sequence_lengths:
                if sequence > model.config.max_position_embeddings:
                    raise SystemExit(f"sequence length {sequence} is more than the model's "
                                     f"max_position_embeddings ({model.config.max_position_embeddings})")
                name = f"model_b{batch}_s{sequence}.pt"
                tracer = "torch.jit.trace" if args.cpu_trace else "torch_neuronx.trace"
                print(f"compile.py: tracing {name} with {tracer}", flush=True)
                traced = trace(module, example(tokenizer, batch, sequence), args)
                torch.jit.save(traced, str(args.out / name))
                buckets.append({"file": name, "batch_size": batch, "sequence_length": sequence})
    write_config(model, args, buckets)
    print(f"compile.py: wrote {args.out} ({len(buckets)} buckets, labels {model.config.id2label})")


if __name__ == "__main__":
    main()
