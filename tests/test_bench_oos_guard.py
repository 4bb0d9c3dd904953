"""bench/oos_guard.py (tune_semantic.py --guard): the out-of-scope guard, with the tiny model.

The benchmark measures the guard on the dev half and the tuning set with the real model;
here the four-intent FAQ of the CLINC test checks that the replay decides as the bot's
guard does (tests/matching/test_pull_guard.py tests the guard itself): a promotion pulled
away becomes buttons while a lexical answer never does, and the report runs end to end.
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

from bot.matching.fusion import FusionSettings
from bot.matching.matcher import Matcher, MatchSettings
from bot.matching.pull import NO_PULL
from tests.test_bench_tune_clinc import QUESTIONS, intent_matcher

# The layer judges every question and answers whatever it agrees on.
EAGER = replace(
    FusionSettings(),
    settled_answer=2.0,
    decision=replace(FusionSettings().decision, answer_threshold=0.0, answer_margin=0.0),
)
# A lexical matcher that never answers on its own: every fused answer is a promotion.
SHY = MatchSettings(answer_threshold=2.0, clear_threshold=2.0)


def build(tmp_path_factory: pytest.TempPathFactory, settings: MatchSettings) -> Matcher:
    return intent_matcher(tmp_path_factory, settings, EAGER)


@pytest.fixture(scope="module")
def shy(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return build(tmp_path_factory, SHY)


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return build(tmp_path_factory, MatchSettings())


def scored_one(matcher: Matcher, question: str, key: str | None) -> tune_semantic.Scored:
    item = Labelled(question, frozenset({f"faq:{key}"}) if key else frozenset())
    return tune_semantic.score_all(matcher, [item], None)[0]


def test_a_pulled_promotion_becomes_buttons_that_still_offer_the_entry(shy: Matcher):
    assert shy.meaning is not None
    scored = scored_one(shy, "lunch hungry keynote", None)
    layer = tune_semantic.Replayed(shy.meaning, [scored])
    promoted = oos_guard.guarded(shy, layer, scored, None)
    assert promoted.decision == "answer" and promoted.best is not None
    assert promoted.best.target.key == "faq:lunch"
    strongest = oos_guard.strongest_pull(shy, layer, scored)
    assert strongest is not None and strongest > 0.05  # "keynote": the bot's own pull
    assert strongest == shy.meaning.pull("lunch hungry keynote", "faq:lunch")
    kept = oos_guard.guarded(shy, layer, scored, strongest + 0.01)
    assert kept.decision == "answer"
    held = oos_guard.guarded(shy, layer, scored, strongest)
    assert held.decision == "suggest"
    assert "faq:lunch" in {c.target.key for c in held.suggestions}
    no_guard, low, high = oos_guard.letters(
        shy, layer, [scored], (None, strongest, strongest + 0.01)
    )
    assert no_guard == high == "W" and low == "s"
    assert layer.settings == shy.meaning.settings  # left as found


def test_the_lexical_matchers_own_answer_is_never_guarded(matcher: Matcher):
    assert matcher.meaning is not None
    scored = scored_one(matcher, "wifi password keynote", "wifi")
    assert matcher.decide(scored.item.question, scored.candidates).decision == "answer"
    layer = tune_semantic.Replayed(matcher.meaning, [scored])
    assert matcher.meaning.pull("wifi password keynote", "faq:wifi") > 0.0
    assert oos_guard.strongest_pull(matcher, layer, scored) is None
    result = oos_guard.guarded(matcher, layer, scored, NO_PULL)
    assert result.decision == "answer" and result.best is not None
    assert oos_guard.letters(matcher, layer, [scored], (None, NO_PULL)) == ["R", "R"]


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
