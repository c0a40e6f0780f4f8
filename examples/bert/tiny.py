"""A tiny random BERT classifier and a self-made WordPiece vocabulary, for checking the scripts offline.

Nothing here downloads: the vocabulary is written by this module and the weights are random (fixed seed), so
the labels mean nothing. compile.py --tiny-random and parity.py --reference transformers --tiny-random build
the same model from the same seed.
"""

import string

SEED = 0
LABELS = ["NEGATIVE", "POSITIVE"]

# Special tokens first, as BERT's vocabulary has them: [PAD] is id 0.
_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_WORDS = """the a an is was are be this that it i you we they he she movie film story plot acting actor
actors great good bad terrible awful wonderful boring fun funny love loved hate hated not very really so
and or but of to in on for with at by from as best worst ever never time watch watched again
""".split()
_PIECES = ["##s", "##ed", "##ing", "##ly", "##er", "##est", "##n't"]


def vocabulary():
    """The tokens, in id order: specials, ASCII punctuation and letters (with ## continuations), words, pieces."""
    tokens = list(_SPECIALS)
    tokens += list(string.punctuation)
    tokens += list(string.ascii_lowercase) + ["##" + c for c in string.ascii_lowercase]
    tokens += list(string.digits) + ["##" + c for c in string.digits]
    tokens += [w for w in _WORDS if w not in tokens]
    tokens += _PIECES
    return tokens


def tokenizer():
    """A BERT-style WordPiece tokenizer over vocabulary(), as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(vocabulary())}
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    tok.decoder = decoders.WordPiece(prefix="##")
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=128)


def model():
    """BertForSequenceClassification: 2 layers, hidden 64, 4 heads, random weights from SEED, in eval mode."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(SEED)
    config = BertConfig(vocab_size=len(vocabulary()), hidden_size=64, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=128, max_position_embeddings=128,
                        num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                        label2id={label: i for i, label in enumerate(LABELS)})
    return BertForSequenceClassification(config).eval()
