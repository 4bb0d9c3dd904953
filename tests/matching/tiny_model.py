"""A tiny sentence encoder the tests build themselves, in the folder layout the bot loads.

It is an ONNX graph of one embedding lookup over a word-level tokenizer: each word's
vector points along one "topic" axis, so "internet" and "wifi" mean the same, "food" and
"lunch" too, and fastembed's mean pooling turns a sentence into the mix of its topics.
That is enough to test the plumbing (loading, vectors, cache, reload, the fused
decision) with real fastembed and onnxruntime, in milliseconds, without any download.
Quality is measured only by bench/matching.py with a real model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
# Words by topic axis; every other word is [UNK], a faint vector on the last axis.
TOPICS: dict[str, tuple[str, ...]] = {
    "network": ("wifi", "internet", "password", "network", "online", "connect"),
    "food": ("lunch", "food", "eat", "meal", "hungry", "dinner", "vegetarian", "allergy"),
    "car": ("parking", "park", "car", "drive", "vehicle"),
    "badge": ("registration", "register", "badge", "ticket", "sign"),
    "talk": ("keynote", "talk", "session", "speaker", "workshop", "malware"),
}
DIM = len(TOPICS) + 1


def _vocabulary() -> dict[str, int]:
    words = list(SPECIAL)
    for members in TOPICS.values():
        words.extend(members)
    return {word: number for number, word in enumerate(words)}


def _embeddings(vocabulary: dict[str, int]) -> np.ndarray:
    table = np.zeros((len(vocabulary), DIM), dtype=np.float32)
    for axis, members in enumerate(TOPICS.values()):
        for word in members:
            table[vocabulary[word], axis] = 1.0
    table[vocabulary["[UNK]"], DIM - 1] = 0.15
    table[vocabulary["[CLS]"], DIM - 1] = 0.1
    table[vocabulary["[SEP]"], DIM - 1] = 0.1
    return table


def _graph(table: np.ndarray) -> onnx.ModelProto:
    """input_ids, attention_mask, token_type_ids -> last_hidden_state, as BERT exports."""
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", DIM]
    )
    lookup = helper.make_node("Gather", ["embeddings", "input_ids"], ["last_hidden_state"])
    graph = helper.make_graph(
        [lookup],
        "tiny-encoder",
        inputs,
        [output],
        initializer=[numpy_helper.from_array(table, "embeddings")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by every onnxruntime the extra allows
    onnx.checker.check_model(model)
    return model


def _tokenizer(vocabulary: dict[str, int]) -> Tokenizer:
    tokenizer = Tokenizer(models.WordLevel(vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.BertProcessing(
        ("[SEP]", vocabulary["[SEP]"]), ("[CLS]", vocabulary["[CLS]"])
    )
    return tokenizer


def build_tiny_model(folder: Path) -> Path:
    """Write the model folder (as bench/build_semantic_model.py would) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    vocabulary = _vocabulary()
    onnx.save(_graph(_embeddings(vocabulary)), str(folder / "model.onnx"))
    _tokenizer(vocabulary).save(str(folder / "tokenizer.json"))
    special = {
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
    }
    (folder / "special_tokens_map.json").write_text(json.dumps(special), encoding="utf-8")
    config = {"model_max_length": 64, "do_lower_case": True, **special}
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    manifest = {
        "name": "tiny test encoder",
        "model_file": "model.onnx",
        "dim": DIM,
        "pooling": "mean",
        "normalization": True,
    }
    (folder / "semantic_model.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
