"""A small learned second opinion on chatter, kept behind the phrase and word readings.

Why: the hand-written readings (bot/matching/chatter.py, chatter_words.py) know the
phrases and words someone listed; on chatter written blind they recognised 57-85% of the
long tail, and each new set needed new rules. A linear model over character n-grams and
words, trained on every labelled message we have (the dev chatter by kind, and real
questions: our own dev questions and CLINC150's training requests), learns the shapes of
the kinds rather than lists of them: "shukriyaaa bhai", "thanks a million" and "bohat
meherbani" share n-grams with what it has seen even when no rule lists them.

It is only a second opinion. The readings decide first and the model may then
(`bot.matching.chatter.second_opinion`):
- send a message the readings call chatter to the matcher after all, when it is very
  sure that it is a question ("who do you work for", "good morning is the conference on
  today"): the safe direction;
- change the kind of a message the readings call chatter, when it is sure;
- turn a message the readings call a question into chatter only when it is sure AND
  every word of it is one the training chatter used: one unknown word ("refund",
  "badge", a name) keeps it a question, so **when in doubt, a message is a question**
  still holds. Turning one into a request for a person (a post to the
  organisers, and the question in it unanswered) needs more certainty still.

The weights are built by `bench/build_chatter_model.py` (scikit-learn, at build time
only) and shipped as `chatter_model.json` beside this file; reading them needs nothing but
the standard library. The features are computed here, by the same code at build and at
run time, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("chatter_model.json")
QUESTION = "question"  # the class of real questions, beside the nine chatter kinds
_NGRAM_SIZES = (2, 3, 4)

Keys = Callable[[str], tuple[str, ...]]


def _emoji(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) == "So"]


def words_of(text: str, keys: Keys) -> list[str]:
    """The message's words as the readings spell them (folded, squashed, variants joined)."""
    return list(keys(text))


# Question marks as attendees type them: ASCII, Urdu, full-width, and the emoji ones
# ("🕌❓" asks about the prayer room as "🕌?" does).
QUESTION_MARKS = "?؟？❓❔"


def features(text: str, keys: Keys) -> list[str]:
    """The names of the features one message has (each counts once).

    Words, pairs of neighbouring words (with the message's start and end), character
    n-grams inside each word (so unseen spellings meet seen ones), emoji, question marks
    and the message's length in words.
    """
    found: set[str] = set()
    tokens = words_of(text, keys)
    for word in tokens:
        found.add(f"w:{word}")
        padded = f"<{word}>"
        for size in _NGRAM_SIZES:
            found.update(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    for first, second in zip(["<s>", *tokens], [*tokens, "</s>"], strict=True):
        found.add(f"b:{first}_{second}")
    found.update(f"e:{symbol}" for symbol in _emoji(text))
    if any(mark in text for mark in QUESTION_MARKS):
        found.add("p:?")
    if "!" in text:
        found.add("p:!")
    count = len(tokens)
    found.add(f"n:{count if count < 4 else '4-6' if count < 7 else '7+'}")
    if tokens and not any(word.isascii() for word in tokens):
        found.add("s:urdu")
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How sure the model must be before it overrules the readings (chosen by the CV)."""

    change_kind: float  # chatter of one kind read as another
    to_chatter: float  # a "question" the readings saw that is chatter
    to_person: float  # ... that asks for a person (a handoff to the organisers)
    to_question: float  # "chatter" the readings saw that is a question after all


@dataclass(frozen=True)
class ChatterModel:
    """Weights of a multinomial logistic regression, per feature and class."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    chatter_words: frozenset[str]  # every word the training chatter used
    thresholds: Thresholds
    digest: str = ""  # what it was built from (bench/build_chatter_model.py checks it)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> ChatterModel:
        classes = tuple(str(c) for c in _list(raw["classes"]))
        bias = tuple(_number(b) for b in _list(raw["bias"]))
        weights_raw = raw["weights"]
        scale = raw.get("scale", 1)
        if not isinstance(weights_raw, dict) or not isinstance(scale, int | float) or scale <= 0:
            raise ValueError("weights must be a mapping, and scale a positive number")
        # Stored as whole numbers of 1/scale, which keeps the file small.
        weights = {
            str(name): tuple(_number(w) / scale for w in _list(row))
            for name, row in weights_raw.items()
        }
        if len(bias) != len(classes) or any(len(row) != len(classes) for row in weights.values()):
            raise ValueError("every weight row needs one weight per class")
        if QUESTION not in classes:
            raise ValueError(f"the classes must include {QUESTION!r}")
        thresholds = raw["thresholds"]
        if not isinstance(thresholds, dict):
            raise ValueError("thresholds must be a mapping")
        return cls(
            classes,
            bias,
            weights,
            frozenset(str(w) for w in _list(raw["chatter_words"])),
            digest=str(raw.get("digest", "")),
            thresholds=Thresholds(
                float(thresholds["change_kind"]),
                float(thresholds["to_chatter"]),
                float(thresholds["to_person"]),
                float(thresholds["to_question"]),
            ),
        )

    def to_dict(self, scale: int = 100) -> dict[str, object]:
        return {
            "digest": self.digest,
            "classes": list(self.classes),
            "bias": list(self.bias),
            "thresholds": {
                "change_kind": self.thresholds.change_kind,
                "to_chatter": self.thresholds.to_chatter,
                "to_person": self.thresholds.to_person,
                "to_question": self.thresholds.to_question,
            },
            "chatter_words": sorted(self.chatter_words),
            "scale": scale,
            "weights": {
                name: [round(w * scale) for w in row] for name, row in sorted(self.weights.items())
            },
        }

    def probabilities(self, names: Iterable[str]) -> dict[str, float]:
        """Each class's probability for a message with these features."""
        names = list(names)
        present = [self.weights[name] for name in names if name in self.weights]
        # Each feature weighs 1/sqrt(how many the message has), as in training: a long
        # message is not surer for having more n-grams.
        scale = 1 / math.sqrt(len(names)) if names else 0.0
        scores = list(self.bias)
        for row in present:
            for i, weight in enumerate(row):
                scores[i] += weight * scale
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {name: e / total for name, e in zip(self.classes, exps, strict=True)}

    def unknown_words(self, words: Iterable[str]) -> list[str]:
        """The words of a message that no training chatter used ("refund", "nepra")."""
        return [w for w in words if w not in self.chatter_words]


def _number(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return value


@lru_cache(maxsize=1)
def shipped_model() -> ChatterModel | None:
    """The model shipped with the package, or None when the file is absent."""
    if not MODEL_FILE.is_file():
        return None
    return ChatterModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
