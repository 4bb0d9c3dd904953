"""bench/oos_guard.py (tune_semantic.py --guard): the out-of-scope guard, with the tiny model.

The benchmark measures the guard on the dev half and the tuning set with the real model;
here the four-intent FAQ of the CLINC test checks what the guard reads and does: which
words an entry does not cover, which of them pull the question away from it (a word the
tiny model puts on a topic no entry has) and which bring it closer (a word of the entry's topic it
never uses), that a promotion pulled away becomes buttons while a lexical answer never
does, and that the report runs end to end.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("fastembed")
pytest.importorskip("onnx")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import oos_guard  # bench/ is no package: found through sys.path
import tune_semantic
from matching import Labelled

from bot.matching.analyzer import Analyzer
from bot.matching.fusion import FusionSettings
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Matcher, MatchSettings
from bot.matching.semantic import VectorCache, load_encoder
from tests.matching.tiny_model import build_tiny_model
from tests.test_bench_tune_clinc import INTENTS, QUESTIONS

# The layer judges every question and answers whatever it agrees on.
EAGER = replace(
    FusionSettings(),
    settled_answer=2.0,
    decision=replace(FusionSettings().decision, answer_threshold=0.0, answer_margin=0.0),
)
# A lexical matcher that never answers on its own: every fused answer is a promotion.
SHY = MatchSettings(answer_threshold=2.0, clear_threshold=2.0)


def build(tmp_path_factory: pytest.TempPathFactory, settings: MatchSettings) -> Matcher:
    model = build_tiny_model(tmp_path_factory.mktemp("tiny-model"))
    docs = [
        Document(Target("faq", key, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for key, texts in INTENTS.items()
    ]
    vectors = VectorCache(load_encoder(str(model)))
    return Matcher(docs, Analyzer(), settings, vectors=vectors, fusion=EAGER)


@pytest.fixture(scope="module")
def shy(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return build(tmp_path_factory, SHY)


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return build(tmp_path_factory, MatchSettings())


def scored_one(matcher: Matcher, question: str, key: str | None) -> tune_semantic.Scored:
    item = Labelled(question, frozenset({f"faq:{key}"}) if key else frozenset())
    return tune_semantic.score_all(matcher, [item], None)[0]


def test_a_word_naming_something_else_pulls_and_a_word_of_the_topic_does_not(shy: Matcher):
    candidates = shy.score("lunch hungry keynote")
    covered = oos_guard.covered_terms(shy)
    found = oos_guard.word_pulls(shy, "lunch hungry keynote", candidates, covered)["faq:lunch"]
    assert "lunch" not in found  # the entry's own word: covered, never a pull
    assert found["keynote"] > 0.05  # a topic no entry has: the question asks about more
    assert found["hungry"] < 0.0  # the food topic, though the entry never says it
    strongest = oos_guard.pulls(shy, "lunch hungry keynote", candidates, covered)["faq:lunch"]
    assert strongest == found["keynote"]
    everything_covered = oos_guard.pulls(shy, "lunch", shy.score("lunch"), covered)
    assert everything_covered["faq:lunch"] == oos_guard.NO_PULL


def test_a_pulled_promotion_becomes_buttons_that_still_offer_the_entry(shy: Matcher):
    assert shy.meaning is not None
    scored = scored_one(shy, "lunch hungry keynote", None)
    layer = tune_semantic.Replayed(shy.meaning, [scored])
    pull = oos_guard.all_pulls(shy, [scored])
    promoted = tune_semantic.decided(shy, layer, scored)
    assert promoted.decision == "answer" and promoted.best is not None
    assert promoted.best.target.key == "faq:lunch"
    strongest = pull["lunch hungry keynote"]["faq:lunch"]
    kept = oos_guard.guarded(shy, layer, scored, pull, strongest + 0.01)
    assert kept.decision == "answer"
    held = oos_guard.guarded(shy, layer, scored, pull, strongest)
    assert held.decision == "suggest"
    assert "faq:lunch" in {c.target.key for c in held.suggestions}
    no_guard, low, high = oos_guard.letters(
        shy, layer, [scored], pull, (None, strongest, strongest + 0.01)
    )
    assert no_guard == high == "W" and low == "s"


def test_the_lexical_matchers_own_answer_is_never_guarded(matcher: Matcher):
    assert matcher.meaning is not None
    scored = scored_one(matcher, "wifi password keynote", "wifi")
    assert matcher.decide(scored.item.question, scored.candidates).decision == "answer"
    layer = tune_semantic.Replayed(matcher.meaning, [scored])
    pull = oos_guard.all_pulls(matcher, [scored])
    assert pull["wifi password keynote"]["faq:wifi"] > 0.0
    result = oos_guard.guarded(matcher, layer, scored, pull, -1.0)
    assert result.decision == "answer" and result.best is not None
    assert oos_guard.letters(matcher, layer, [scored], pull, (None, -1.0)) == ["R", "R"]


def test_the_report_judges_the_guard_with_the_rule_and_leaves_the_layer_as_found(
    matcher: Matcher, capsys: pytest.CaptureFixture[str]
):
    assert matcher.meaning is not None
    items = [
        Labelled(text, frozenset({f"faq:{key}"}) if key else frozenset()) for text, key in QUESTIONS
    ]
    scored = tune_semantic.score_all(matcher, items, None)
    layer = tune_semantic.Replayed(matcher.meaning, scored)
    saved = layer.settings
    half = len(scored) // 2
    delta = oos_guard.guard_report(matcher, layer, {"one": scored[:half], "two": scored[half:]})
    printed = capsys.readouterr().out
    assert delta in oos_guard.DELTAS
    assert "lexical alone" in printed and "defaults" in printed and "guard 0.04" in printed
    assert "fusion settings x guard (16525 candidates)" in printed
    assert "chosen on dev half -> tuning set" in printed
    assert printed.count("5 folds of both:") == 4
    assert layer.settings == saved


def test_the_clinc_check_prints_each_setting_without_and_with_the_guard(
    matcher: Matcher, capsys: pytest.CaptureFixture[str]
):
    assert matcher.meaning is not None
    items = [
        Labelled(text, frozenset({f"faq:{key}"}) if key else frozenset()) for text, key in QUESTIONS
    ]
    by_score = {"best": tune_semantic.score_all(matcher, items, None)}
    oos_guard.clinc_check(matcher, by_score, {"tiny": FusionSettings()}, 0.04)
    printed = capsys.readouterr().out
    assert "tiny" in printed and "no guard" in printed and "guard    " in printed
