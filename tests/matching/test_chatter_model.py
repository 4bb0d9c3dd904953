"""The chatter reader's learned second opinion: the shipped file, and the limits it keeps.

The shipped weights must be what bench/build_chatter_model.py makes of today's data: the
fingerprint of the training data is checked always (cheap, no scikit-learn), the whole
file when scikit-learn is installed (the build's own dependency).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.matching.chatter import (
    CHATTER_KINDS,
    ChatterReader,
    Reading,
    reading_keys,
    second_opinion,
)
from bot.matching.chatter_model import (
    MODEL_FILE,
    QUESTION,
    ChatterModel,
    Thresholds,
    features,
    shipped_model,
)

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def build():  # bench/build_chatter_model.py as a module
    sys.path.insert(0, str(BENCH))
    try:
        import build_chatter_model

        yield build_chatter_model
    finally:
        sys.path.remove(str(BENCH))


def test_the_shipped_model_loads_with_every_kind_and_questions() -> None:
    model = shipped_model()
    assert model is not None
    assert set(model.classes) == {*CHATTER_KINDS, QUESTION}
    assert model.weights and model.chatter_words
    assert MODEL_FILE.stat().st_size < 600_000  # a small data file, not a model download


def test_the_shipped_model_was_built_from_todays_data(build) -> None:
    model = shipped_model()
    assert model is not None
    examples = build.all_examples()
    assert model.digest == build.digest(examples), "data changed: run the build script"
    assert model.thresholds == build.THRESHOLDS
    chatter = [e for e in examples if e.label != QUESTION]
    assert {w for e in chatter for w in reading_keys(e.text)} == model.chatter_words


def test_the_build_script_makes_exactly_the_shipped_file(build) -> None:
    pytest.importorskip("sklearn")
    assert build.serialise(build.train(build.all_examples())) == MODEL_FILE.read_text(
        encoding="utf-8"
    )


def test_the_file_round_trips() -> None:
    model = shipped_model()
    assert model is not None
    again = ChatterModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model


@pytest.mark.parametrize(
    "raw",
    [
        {"classes": "greeting"},
        {"classes": ["greeting"], "bias": [0.0, 1.0]},
        {"classes": ["greeting", "thanks"], "bias": [0.0, 0.0]},  # no question class
    ],
)
def test_a_broken_file_is_refused(raw: dict[str, object]) -> None:
    full: dict[str, object] = {
        "weights": {},
        "chatter_words": [],
        "thresholds": {"change_kind": 1, "to_chatter": 1, "to_person": 1, "to_question": 1},
        **raw,
    }
    with pytest.raises((ValueError, KeyError)):
        ChatterModel.from_dict(full)


def _model(**limits: float) -> ChatterModel:
    thresholds = {"change_kind": 0.7, "to_chatter": 0.7, "to_person": 0.85, "to_question": 0.9}
    return ChatterModel(
        classes=(*CHATTER_KINDS, QUESTION),
        bias=(0.0,) * (len(CHATTER_KINDS) + 1),
        weights={},
        chatter_words=frozenset({"thanks", "mate"}),
        thresholds=Thresholds(**{**thresholds, **limits}),
    )


def _chances(**sure: float) -> dict[str, float]:
    rest = (1 - sum(sure.values())) / (len(CHATTER_KINDS) + 1 - len(sure))
    return {k: sure.get(k, rest) for k in (*CHATTER_KINDS, QUESTION)}


CHATTER = Reading("greeting", None, ("greeting",), salam=True)
QUESTION_READ = Reading("thanks", "you saved me a trip", ("thanks",))


def test_sure_of_another_kind_changes_the_kind_only() -> None:
    got = second_opinion("x", CHATTER, _chances(thanks=0.8), [], _model())
    assert (got.kind, got.question, got.salam) == ("thanks", None, True)
    assert got.kinds == ("thanks", "greeting")
    unsure = second_opinion("x", CHATTER, _chances(thanks=0.6), [], _model())
    assert unsure == CHATTER


def test_very_sure_it_is_a_question_sends_chatter_to_the_matcher() -> None:
    got = second_opinion(" who do you work for ", CHATTER, _chances(question=0.95), [], _model())
    assert got.question == "who do you work for" and not got.is_chatter
    assert got.kind == "greeting"  # a salam still gets its salam back
    assert second_opinion("x", CHATTER, _chances(question=0.85), [], _model()) == CHATTER


def test_a_question_becomes_chatter_only_when_sure_and_every_word_is_known() -> None:
    got = second_opinion("x", QUESTION_READ, _chances(thanks=0.75), [], _model())
    assert got.is_chatter and got.kind == "thanks"
    assert second_opinion("x", QUESTION_READ, _chances(thanks=0.65), [], _model()) == QUESTION_READ
    kept = second_opinion("x", QUESTION_READ, _chances(thanks=0.99), ["refund"], _model())
    assert kept == QUESTION_READ


def test_a_request_for_a_person_needs_more_certainty() -> None:
    asked = _chances(ask_for_person=0.8)
    assert second_opinion("x", QUESTION_READ, asked, [], _model()) == QUESTION_READ
    sure = second_opinion("x", QUESTION_READ, _chances(ask_for_person=0.9), [], _model())
    assert sure.kind == "ask_for_person" and sure.is_chatter


def test_unknown_words_are_those_no_training_chatter_used() -> None:
    model = _model()
    assert model.unknown_words(["thanks", "mate", "refund", "zebra"]) == ["refund", "zebra"]


def test_features_are_the_same_for_spellings_the_readings_join() -> None:
    assert features("Shukriya!!", reading_keys) == features("shukriyaa!", reading_keys)
    assert "p:?" in features("koi hai?", reading_keys)
    assert "e:👍" in features("👍", reading_keys)
    assert "s:urdu" in features("شکریہ", reading_keys)


def test_probabilities_sum_to_one_and_favour_the_learned_kind() -> None:
    model = shipped_model()
    assert model is not None
    chances = model.probabilities(features("shukriya bhai", reading_keys))
    assert sum(chances.values()) == pytest.approx(1)
    assert max(chances, key=lambda k: chances[k]) == "thanks"
    assert model.probabilities([]) == model.probabilities(["never-seen-feature"])


def test_without_the_model_the_reader_is_the_readings_alone() -> None:
    plain = ChatterReader(learned=False)
    learned = ChatterReader()
    for text in ("hi", "where is lunch", "thanks, you saved me a trip to the helpdesk"):
        assert plain.read(text) == learned.read_by_rules(text)
