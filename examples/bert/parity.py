#!/usr/bin/env python3
"""Run the same sentences through Python and through neuron4j, and compare the logits (or labels).

The sentences are tokenized with the folder's tokenizer.json and padded to the smallest bucket that holds them,
as neuron4j does. NOT yet run on Inf2 hardware: see README.md.

neuron4j side (--via):
  run      (default) ./neuron4j run on each bucket's .pt file with the token tensors as .npy files: the
           command exists today and compares logits.
  predict  POST {"texts": [...]} to a running `./neuron4j serve MODEL_DIR` (--url): compares each
           {"label", "confidence"} with the reference's softmax. Needs the text pipeline in neuron4j serve.
Python side (--reference):
  traced        (default) the same .pt files through Python torch (torch_neuronx imported when present, so
                Neuron graphs run on the NeuronCores): same graph, same padding; differences are the runtime's.
  transformers  the eager Hugging Face model on the CPU, each sentence unpadded: --checkpoint NAME (the one
                compile.py traced) or --tiny-random; differences include compilation (e.g. bf16 auto-cast) and
                padding.

    python parity.py MODEL_DIR                         # ./neuron4j run vs the traced files in Python
    python parity.py MODEL_DIR --reference transformers --checkpoint textattack/bert-base-uncased-SST-2 --atol 0.05
    python parity.py MODEL_DIR --via predict --url http://127.0.0.1:8080 --reference transformers --checkpoint ...
"""

import argparse
import json
import math
import pathlib
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

SENTENCES = [
    "This movie was absolutely wonderful, I loved every minute of it!",
    "The plot was boring and the acting was terrible.",
    "Not bad at all.",
    "I hated it.",
    "An okay film: some good moments, some bad ones, and a story that never quite comes together, "
    "although the actors clearly tried their best with what they were given.",
    "Best. Film. Ever.",
    "",
    "Crème brûlée, naïve café owners and a très charmant déjà vu: it's fun!",
    " ".join(["This sentence goes on and on and on."] * 20),
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("model_dir", type=pathlib.Path, help="a folder written by compile.py")
    p.add_argument("--sentences", type=pathlib.Path, help="a text file, one sentence a line (default: built-in)")
    p.add_argument("--via", choices=["run", "predict"], default="run")
    p.add_argument("--neuron4j", type=pathlib.Path, default=HERE.parent.parent / "neuron4j",
                   help="the launcher (default: this repository's, %(default)s)")
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the server of --via predict")
    p.add_argument("--reference", choices=["traced", "transformers"], default="traced")
    p.add_argument("--checkpoint", help="the Hugging Face model of --reference transformers")
    p.add_argument("--tiny-random", action="store_true",
                   help="--reference transformers on tiny.py's random model (the one compile.py --tiny-random "
                        "traces); nothing is downloaded")
    p.add_argument("--atol", type=float, default=1e-4,
                   help="largest allowed |logit difference| (or confidence difference with --via predict); "
                        "default %(default)s")
    args = p.parse_args(argv)
    if args.reference == "transformers" and not (args.checkpoint or args.tiny_random):
        p.error("--reference transformers needs --checkpoint NAME or --tiny-random")
    return args


class Folder:
    """The model folder: tokenizer, buckets, labels (the shared text-classifier format)."""

    def __init__(self, path):
        from transformers import AutoTokenizer
        self.path = path
        config = json.loads((path / "config.json").read_text())
        ours = config["neuron4j"]
        self.inputs = ours["inputs"]
        self.buckets = sorted(((b["batch_size"], b["sequence_length"], b["file"]) for b in ours["buckets"]))
        self.overflow = ours.get("sequence_overflow", "truncate")
        self.labels = {int(k): v for k, v in config.get("id2label", {}).items()}
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))  # the folder's tokenizer.json, no download
        self.longest = max(s for _, s, _ in self.buckets)

    def sequence_bucket(self, length):
        fitting = [s for _, s, _ in self.buckets if s >= length]
        return min(fitting) if fitting else None

    def batch_bucket(self, rows, sequence):
        """(batch size, file) of the smallest batch bucket at this sequence length holding rows, else the largest."""
        at = [(b, f) for b, s, f in self.buckets if s == sequence]
        fitting = [(b, f) for b, f in at if b >= rows]
        return min(fitting) if fitting else max(at)

    def encode(self, texts, sequence):
        enc = self.tokenizer(texts, padding="max_length", truncation=True, max_length=sequence)
        return {name: np.asarray(enc[name], dtype=np.int64) for name in self.inputs}


def plan(folder, sentences):
    """Batches of (sentence indices, sequence length, batch size, file), as neuron4j would bucket them."""
    by_sequence = {}
    for i, text in enumerate(sentences):
        length = len(folder.tokenizer(text, verbose=False)["input_ids"])
        sequence = folder.sequence_bucket(length)
        if sequence is None:
            if folder.overflow == "refuse":
                print(f"parity.py: sentence {i} has {length} tokens, more than the largest bucket "
                      f"({folder.longest}); the folder refuses it: skipped")
                continue
            sequence = folder.longest
        by_sequence.setdefault(sequence, []).append(i)
    batches = []
    for sequence, indices in sorted(by_sequence.items()):
        while indices:
            batch, file = folder.batch_bucket(len(indices), sequence)
            batches.append((indices[:batch], sequence, batch, file))
            indices = indices[batch:]
    return batches


def padded(folder, sentences, indices, sequence, batch):
    """One bucket's input tensors; rows past the sentences repeat the last one (sliced off afterwards)."""
    texts = [sentences[i] for i in indices]
    texts += [texts[-1]] * (batch - len(texts))
    return folder.encode(texts, sequence)


def neuron4j_run(args, folder, file, tensors):
    """Logits from `./neuron4j run FILE -i NAME=PATH.npy ... -o DIR` (TorchScript output0.npy)."""
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        tmp = pathlib.Path(tmp)
        command = [str(args.neuron4j), "run", str(folder.path / file)]
        for name, array in tensors.items():
            np.save(tmp / f"{name}.npy", array)
            command += ["--input", f"{name}={tmp / (name + '.npy')}"]
        command += ["--output-dir", str(tmp / "out")]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"parity.py: {' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        return np.load(tmp / "out" / "output0.npy")


def neuron4j_predict(args, sentences):
    """[(label, confidence)] from POST /predict {"texts": [...]}."""
    body = json.dumps({"texts": sentences}).encode()
    request = urllib.request.Request(args.url.rstrip("/") + "/predict", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as e:
        raise SystemExit(f"parity.py: POST {request.full_url}: {e.code} {e.read().decode(errors='replace')}")
    except urllib.error.URLError as e:
        raise SystemExit(f"parity.py: POST {request.full_url}: {e.reason} (is ./neuron4j serve MODEL_DIR running "
                         f"there? see --url)")
    if isinstance(answer, dict):  # a list under one key, whichever the server uses
        lists = [v for v in answer.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise SystemExit(f"parity.py: cannot find the per-text results in {answer}")
        answer = lists[0]
    if len(answer) != len(sentences):
        raise SystemExit(f"parity.py: {len(sentences)} texts sent, {len(answer)} results back")
    return [(a["label"], float(a["confidence"])) for a in answer]


class TracedReference:
    """The folder's .pt files run by Python torch, on the same padded tensors."""

    def __init__(self, folder):
        import torch
        try:
            import torch_neuronx  # noqa: F401  registers the Neuron operators of torch_neuronx.trace files
        except ImportError:
            pass
        self.torch = torch
        self.folder = folder
        self.models = {}

    def logits(self, file, tensors):
        if file not in self.models:
            self.models[file] = self.torch.jit.load(str(self.folder.path / file))
        with self.torch.no_grad():
            args = [self.torch.from_numpy(tensors[name]) for name in self.folder.inputs]
            return self.models[file](*args).numpy()


class EagerReference:
    """The Hugging Face model in eager mode on the CPU, one sentence at a time, unpadded."""

    def __init__(self, args, folder):
        import torch
        self.torch = torch
        self.folder = folder
        if args.tiny_random:
            sys.path.insert(0, str(HERE))
            import tiny
            self.model = tiny.model()
        else:
            from transformers import AutoModelForSequenceClassification
            self.model = AutoModelForSequenceClassification.from_pretrained(args.checkpoint).eval()

    def logits(self, text, sequence):
        enc = self.folder.tokenizer([text], truncation=True, max_length=sequence, return_tensors="pt")
        with self.torch.no_grad():
            return self.model(**{name: enc[name] for name in self.folder.inputs}).logits.numpy()[0]


def softmax(row):
    e = np.exp(row - row.max())
    return e / e.sum()


def main(argv=None):
    args = parse_args(argv)
    folder = Folder(args.model_dir)
    sentences = SENTENCES if args.sentences is None else args.sentences.read_text().splitlines()
    batches = plan(folder, sentences)
    reference = TracedReference(folder) if args.reference == "traced" else EagerReference(args, folder)

    expected = {}  # sentence index -> (logits row, sequence, file)
    got = {}       # sentence index -> logits row (run) or (label, confidence) (predict)
    for indices, sequence, batch, file in batches:
        tensors = padded(folder, sentences, indices, sequence, batch)
        if args.reference == "traced":
            rows = reference.logits(file, tensors)[:len(indices)]
        else:
            rows = [reference.logits(sentences[i], sequence) for i in indices]
        for i, row in zip(indices, rows):
            expected[i] = (np.asarray(row), sequence, file)
        if args.via == "run":
            for i, row in zip(indices, neuron4j_run(args, folder, file, tensors)[:len(indices)]):
                got[i] = row
    if args.via == "predict":
        kept = sorted(expected)
        got = dict(zip(kept, neuron4j_predict(args, [sentences[i] for i in kept])))

    failures = 0
    print(f"{'#':>2}  {'bucket':<18}  {'reference':<12}  {'neuron4j':<12}  {'max |diff|':>10}  sentence")
    for i in sorted(expected):
        row, sequence, file = expected[i]
        ref_label = folder.labels.get(int(row.argmax()), str(int(row.argmax())))
        if args.via == "run":
            diff = float(np.abs(got[i] - row).max())
            label = folder.labels.get(int(got[i].argmax()), str(int(got[i].argmax())))
        else:
            label, confidence = got[i]
            diff = abs(confidence - float(softmax(row).max()))
        ok = label == ref_label and diff <= args.atol and not math.isnan(diff)
        failures += not ok
        text = sentences[i] if len(sentences[i]) <= 40 else sentences[i][:37] + "..."
        print(f"{i:>2}  {file:<18}  {ref_label:<12}  {label:<12}  {diff:>10.2e}  {text!r}"
              + ("" if ok else "  MISMATCH"))
    print(f"parity.py: {len(expected) - failures} of {len(expected)} sentences agree within {args.atol} "
          f"({args.reference} reference, neuron4j via {args.via})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
