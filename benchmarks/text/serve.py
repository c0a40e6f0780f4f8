"""The seed's BERT sentiment service, as its guide writes it, on the CPU: FastAPI + uvicorn, the `transformers`
tokenizer padding every text to 128 tokens, the 128-token TorchScript file through Python `torch`, a softmax,
`{"label", "confidence"}` back.

    MODEL_DIR=DIR python3 -m uvicorn --app-dir benchmarks/text serve:app --host 127.0.0.1 --port PORT

MODEL_DIR is a text-classifier model folder (docs/text.md); this app reads its tokenizer.json, config.json
(id2label) and model_b1_s128.pt (the seed traces one shape, batch 1 x 128). The only departure from the seed:
`PreTrainedTokenizerFast(tokenizer_file=...)` in place of `AutoTokenizer.from_pretrained(hub name)`, since
nothing may be downloaded here; both give the same Rust tokenizer. A plain `def` endpoint, as the seed's:
FastAPI runs it on its thread pool, and torch releases the GIL inside the model.
"""
import json
import os
from pathlib import Path

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import PreTrainedTokenizerFast

MODEL_DIR = Path(os.environ["MODEL_DIR"])
MAX_LENGTH = 128

tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(MODEL_DIR / "tokenizer.json"), pad_token="[PAD]",
                                    cls_token="[CLS]", sep_token="[SEP]", unk_token="[UNK]")
model = torch.jit.load(str(MODEL_DIR / ("model_b1_s%d.pt" % MAX_LENGTH)))
model.eval()
with open(MODEL_DIR / "config.json", encoding="utf-8") as f:
    LABELS = {int(k): v for k, v in json.load(f)["id2label"].items()}

app = FastAPI()


class Request(BaseModel):
    text: str


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
def predict(request: Request):
    inputs = tokenizer(request.text, return_tensors="pt", padding="max_length", max_length=MAX_LENGTH,
                       truncation=True)
    with torch.no_grad():
        logits = model(inputs["input_ids"], inputs["attention_mask"])
    probabilities = torch.softmax(logits, dim=-1)[0]
    best = int(probabilities.argmax())
    return {"label": LABELS[best], "confidence": float(probabilities[best])}
