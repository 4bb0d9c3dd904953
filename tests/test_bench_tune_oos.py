"""bench/tune_semantic.py --oos: which route of the fused decision answers, with the tiny model.

The benchmark runs it on the dev half and the tuning set with the real model; here the
four-intent FAQ of the CLINC test checks that the route named for each question is the
one `MeaningLayer.match` took (an answering route exactly when it answers), under
settings that force each route, and that the report runs end to end.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("fastembed")
pytest.importorskip("onnx")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import tune_semantic  # bench/ is no package: found through sys.path
from matching import Labelled

from bot.matching.fusion import FusionSettings
from bot.matching.index import Target
from bot.matching.matcher import Candidate, Matcher, MatchResult
from tests.test_bench_tune_clinc import QUESTIONS, intent_matcher

ANSWERING = {"settled", "taught", "confident", "clear", "sure"}


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return intent_matcher(tmp_path_factory)


@pytest.fixture(scope="module")
def scored(matcher: Matcher) -> list[tune_semantic.Scored]:
    items = [
        Labelled(text, frozenset({f"faq:{key}"}) if key else frozenset()) for text, key in QUESTIONS
    ]
    return tune_semantic.score_all(matcher, items, None)


def routes(matcher: Matcher, scored, settings: FusionSettings) -> list[str]:
    assert matcher.meaning is not None
    layer = tune_semantic.Replayed(matcher.meaning, scored)
    layer.settings = settings
    named = []
    for s in scored:
        name = tune_semantic.route(matcher, layer, s)
        result = tune_semantic.decided(matcher, layer, s)
        assert (name in ANSWERING) == (result.decision == "answer"), (s.item.question, name)
        assert name != "buttons" or result.decision == "suggest"
        assert tune_semantic.letter(matcher, layer, s) == tune_semantic.outcome(
            result, s.item.expected
        )
        named.append(name)
    return named


def test_a_strong_lexical_answer_is_settled_without_the_layer(matcher: Matcher, scored):
    everything = replace(FusionSettings(), settled_answer=0.0)
    lexical = [matcher.decide(s.item.question, s.candidates).decision for s in scored]
    named = routes(matcher, scored, everything)
    assert [n == "settled" for n in named] == [d == "answer" for d in lexical]
    assert "settled" in named


def test_each_fused_route_is_named_when_it_alone_can_answer(matcher: Matcher, scored):
    defaults = FusionSettings()
    asked = replace(defaults, settled_answer=2.0)  # the layer judges every question
    off = replace(defaults.decision, clear_threshold=2.0, answer_threshold=2.0)
    clear_only = replace(asked, sure_similarity=2.0, decision=replace(off, clear_threshold=0.0))
    confident_only = replace(
        asked,
        sure_similarity=2.0,
        decision=replace(off, answer_threshold=0.0, answer_margin=0.0),
    )
    # The meaning layer "sure" of anything the lexical matcher backs at a button's score.
    sure_only = replace(asked, sure_similarity=-1.0, sure_lead=-2.0, decision=off)
    assert set(routes(matcher, scored, clear_only)) <= {"clear", "buttons", "none"}
    assert "clear" in routes(matcher, scored, clear_only)
    assert "confident" in routes(matcher, scored, confident_only)
    assert "sure" in routes(matcher, scored, sure_only)
    closed = replace(asked, sure_similarity=2.0, decision=off)
    assert set(routes(matcher, scored, closed)) <= {"buttons", "none"}


def test_clock_answers_count_as_the_replay_counts_them(matcher: Matcher):
    assert matcher.meaning is not None
    layer = tune_semantic.Replayed(matcher.meaning, [])
    now = Candidate(Target("agenda", "now", "now"), 1.0)
    answer = MatchResult("what's on now", "answer", (now,))
    time_question = Labelled("what's on now", frozenset({"agenda:time"}))
    other_question = Labelled("what's on now", frozenset({"faq:wifi"}))
    outside = Labelled("what's on now", frozenset())
    fixed = tune_semantic.Scored
    assert tune_semantic.letter(matcher, layer, fixed(time_question, answer, [], [])) == "R"
    assert tune_semantic.letter(matcher, layer, fixed(other_question, answer, [], [])) == "W"
    assert tune_semantic.letter(matcher, layer, fixed(outside, answer, [], [])) == "W"
    assert tune_semantic.route(matcher, layer, fixed(outside, answer, [], [])) == "fixed"
    nothing = tune_semantic.Scored(outside, None, [], [])
    assert tune_semantic.route(matcher, layer, nothing) == "none"
    assert tune_semantic.letter(matcher, layer, nothing) == "n"


def test_the_oos_grid_varies_fusion_settings_around_the_defaults():
    grid = tune_semantic.oos_grid()
    assert len(grid) == len(set(grid)) == 1836
    assert {s.entry_score for s in grid} == {"best"}
    assert {s.settled_answer for s in grid} == {FusionSettings().settled_answer}


def test_the_report_prints_routes_trade_off_and_cross_validation(
    matcher: Matcher, scored, capsys: pytest.CaptureFixture[str]
):
    assert matcher.meaning is not None
    layer = tune_semantic.Replayed(matcher.meaning, scored)
    half = len(scored) // 2
    tune_semantic.oos_report(matcher, layer, {"one": scored[:half], "two": scored[half:]})
    printed = capsys.readouterr().out
    assert "routes of the fused decision (defaults)" in printed
    assert "lexical alone:" in printed and "defaults:" in printed
    assert "most right per count of out-of-scope questions answered (1836 settings)" in printed
    assert "chosen on dev half -> tuning set" in printed
    assert "5 folds of both:" in printed
    assert layer.settings == FusionSettings()  # the grid leaves the layer as it found it
