"""Build bot/matching/chatter_model.json: the chatter reader's learned second opinion.

    python bench/build_chatter_model.py          # write the shipped model file
    python bench/build_chatter_model.py --check  # exit 1 if the shipped file differs

Needs scikit-learn (build time only: `pip install scikit-learn`); the bot reads the file
with the standard library (bot/matching/chatter_model.py). Deterministic: the same data
gives the same file, which tests/matching/test_chatter_model.py checks.

Trained on, and only on:
- the dev chatter, tests/data/chatter.yaml: pure chatter by its kind; messages with a
  question inside, or questions that look like chatter, as questions;
- real questions: the dev half of tests/data/questions.yaml (minus the few out-of-scope
  entries that are chatter by the issue's own definition, as bench/chatter.py sets them
  aside), tests/data/tuning_questions.yaml, and CLINC150's training requests (`train`
  outside its chit-chat intents, and `oos_train`). Never CLINC's validation split, never
  the held-out half of questions.yaml, never tests/data/chatter_heldout.yaml.

The thresholds written with the weights were chosen by bench/chatter_cv.py, which trains
the same model without each source of dev chatter in turn and scores it on that source.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.matching.chatter import reading_keys as _keys  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
# The chit-chat intents bench/chatter.py leaves out of its CLINC check: they are chatter,
# or questions about the bot, and their labels are not ours.
from chatter import CLINC_CHIT_CHAT  # noqa: E402

from bot.matching.chatter_model import (  # noqa: E402
    MODEL_FILE,
    QUESTION,
    ChatterModel,
    Thresholds,
    features,
)

CHATTER = ROOT / "tests" / "data" / "chatter.yaml"
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
TUNING = ROOT / "tests" / "data" / "tuning_questions.yaml"
CLINC = next(
    (
        path
        for path in (
            ROOT / "tests" / "data" / "clinc150" / "data_dev.json",
            Path("/work/shared/data/clinc150/data_dev.json"),
        )
        if path.is_file()
    ),
    Path("/work/shared/data/clinc150/data_dev.json"),
)
# Chosen by bench/chatter_cv.py (see docs/conversation.md): no dev question lost in any
# left-out source, CLINC's validation requests no worse than the readings alone.
THRESHOLDS = Thresholds(change_kind=0.9, to_chatter=0.7, to_person=0.85, to_question=0.9)
C = 16.0  # inverse regularisation strength (bench/chatter_cv.py: 4 was less sure of chatter)
MIN_DOCS = 2  # a feature seen in fewer training messages is dropped
CLINC_WEIGHT = 0.5  # one CLINC request weighs less than one of our own questions
CLINC_PER_INTENT = 30  # the first requests of each intent: variety without bulk
SCALE = 100  # weights are stored as whole hundredths
MIN_WEIGHT = 0.05  # a feature whose weights all stay closer than this to their mean is dropped


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # a chatter kind or QUESTION
    source: str  # "chatter-0".."chatter-12" (the set each dev text came from), "questions",
    # "tuning", "clinc"
    weight: float = 1.0


def chatter_examples() -> list[Example]:
    """The dev chatter, each with the set it came from (the file's "following" comments)."""
    messages = yaml.safe_load(CHATTER.read_text(encoding="utf-8"))["messages"]
    groups, group = [], 0
    for line in CHATTER.read_text(encoding="utf-8").splitlines():
        if line.startswith("  # The following"):
            group += 1
        elif line.startswith("  - "):
            groups.append(group)
    assert len(groups) == len(messages), "one '  - ' line per message"
    return [
        Example(
            str(m["text"]),
            QUESTION if m["question"] is not None else str(m["kind"]),
            f"chatter-{g}",
        )
        for m, g in zip(messages, groups, strict=True)
    ]


def question_examples() -> list[Example]:
    """Real questions: our own dev and tuning questions, and CLINC150's training requests."""
    chatter = {
        str(m["text"]).casefold()
        for m in yaml.safe_load(CHATTER.read_text(encoding="utf-8"))["messages"]
        if m["question"] is None
    }
    raw = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    own = [
        Example(str(q["q"]), QUESTION, "questions")
        for q in raw
        if q.get("split") == "dev"
        and not (q["expect"] == "none" and str(q["q"]).casefold() in chatter)
    ]
    tuning = [
        Example(str(q["q"]), QUESTION, "tuning")
        for q in yaml.safe_load(TUNING.read_text(encoding="utf-8"))["questions"]
    ]
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    taken: Counter[str] = Counter()
    clinc = []
    for split in ("train", "oos_train"):
        for text, intent in data[split]:
            if intent not in CLINC_CHIT_CHAT and taken[intent] < CLINC_PER_INTENT:
                taken[intent] += 1
                clinc.append(Example(str(text), QUESTION, "clinc", CLINC_WEIGHT))
    return own + tuning + clinc


def all_examples() -> list[Example]:
    return chatter_examples() + question_examples()


def fold_of(example: Example, folds: int) -> int:
    """A stable fold for a question (chatter is folded by its source set instead)."""
    return zlib.crc32(example.text.encode("utf-8")) % folds


def train(examples: list[Example], thresholds: Thresholds = THRESHOLDS) -> ChatterModel:
    """Fit the model on these examples (deterministic: liblinear-free lbfgs, fixed order)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    named = [features(e.text, _keys) for e in examples]
    docs = Counter(name for names in named for name in names)
    vocabulary = sorted(name for name, n in docs.items() if n >= MIN_DOCS)
    column = {name: i for i, name in enumerate(vocabulary)}
    rows, cols, values = [], [], []
    for row, names in enumerate(named):
        scale = 1 / len(names) ** 0.5 if names else 0.0
        for name in names:
            if name in column:
                rows.append(row)
                cols.append(column[name])
                values.append(scale)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(examples), len(vocabulary)))
    labels = [e.label for e in examples]
    classifier = LogisticRegression(C=C, max_iter=2000, tol=1e-5)
    classifier.fit(matrix, labels, sample_weight=[e.weight for e in examples])
    classes = tuple(str(c) for c in classifier.classes_)
    weights = {}
    for name, i in column.items():
        # Softmax ignores a shift shared by every class: centred, a feature that says
        # nothing has weights near zero and is left out of the file.
        raw = [float(w) for w in classifier.coef_[:, i]]
        mean = sum(raw) / len(raw)
        if max(abs(w - mean) for w in raw) >= MIN_WEIGHT:
            weights[name] = tuple(round((w - mean) * SCALE) / SCALE for w in raw)
    chatter_words = {w for e in examples if e.label != QUESTION for w in _keys(e.text)}
    return ChatterModel(
        classes,
        tuple(round(float(b), 4) for b in classifier.intercept_),
        weights,
        frozenset(chatter_words),
        thresholds,
        digest(examples),
    )


def digest(examples: list[Example]) -> str:
    """A fingerprint of the training data and settings: the test compares it with the
    shipped file's without scikit-learn, so a data edit without a rebuild fails."""
    settings = [C, MIN_DOCS, CLINC_WEIGHT, CLINC_PER_INTENT, SCALE, MIN_WEIGHT]
    payload = json.dumps(
        [settings, [[e.text, e.label, e.weight] for e in examples]], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def serialise(model: ChatterModel) -> str:
    return json.dumps(model.to_dict(SCALE), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args()
    text = serialise(train(all_examples()))
    if args.check:
        same = MODEL_FILE.is_file() and MODEL_FILE.read_text(encoding="utf-8") == text
        print("shipped model is up to date" if same else "shipped model differs: rebuild it")
        sys.exit(0 if same else 1)
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({len(text.encode()) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
