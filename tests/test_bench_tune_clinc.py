"""bench/tune_semantic.py's choice of CLINC150 † settings, end to end with the tiny model.

The benchmark runs it on 14,350 CLINC training utterances with the real model; here a
four-intent FAQ and a handful of questions check the plumbing: which entry score is
taken, that the choice comes from the grid and keeps the limits on the questions it saw,
and that remembering lexical decisions changes none of them.
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
from choosing import Limits, wrong_bound
from matching import Labelled

from bot.matching.analyzer import Analyzer
from bot.matching.fusion import FusionSettings
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Matcher, MatchSettings
from bot.matching.semantic import VectorCache, load_encoder
from tests.matching.tiny_model import build_tiny_model

INTENTS = {
    "wifi": ("wifi password", "how do i connect to the internet", "network online"),
    "lunch": ("when is lunch", "where can i eat", "is there a vegetarian meal"),
    "parking": ("where can i park", "is there parking", "car parking for my vehicle"),
    "badge": ("where do i get my badge", "registration desk", "how to register"),
}
QUESTIONS = [
    ("what is the wifi password", "wifi"),
    ("internet connect", "wifi"),
    ("lunch food", "lunch"),
    ("i am hungry where to eat", "lunch"),
    ("park my car", "parking"),
    ("drive vehicle parking", "parking"),
    ("badge registration", "badge"),
    ("sign register ticket", "badge"),
    ("malware talk", None),
    ("keynote speaker", None),
]


def intent_matcher(
    tmp_path_factory: pytest.TempPathFactory,
    settings: MatchSettings | None = None,
    fusion: FusionSettings | None = None,
) -> Matcher:
    """The four intents as FAQ entries, with the tiny model's meaning layer (the bench
    tests of tune_semantic.py and oos_guard.py share it)."""
    model = build_tiny_model(tmp_path_factory.mktemp("tiny-model"))
    docs = [
        Document(Target("faq", key, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for key, texts in INTENTS.items()
    ]
    vectors = VectorCache(load_encoder(str(model)))
    return Matcher(docs, Analyzer(), settings, vectors=vectors, fusion=fusion)


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return intent_matcher(tmp_path_factory)


def tuning() -> list[Labelled]:
    return [
        Labelled(text, frozenset({f"faq:{key}"}) if key else frozenset()) for text, key in QUESTIONS
    ]


def test_the_grid_varies_only_fusion_settings_for_one_entry_score():
    grid = tune_semantic.clinc_grid("centroid")
    assert len(grid) == len(set(grid)) == 264
    assert {s.entry_score for s in grid} == {"centroid"}
    assert {s.weight for s in grid} == {0.6, 0.75, 0.9, 1.0}
    # The clear-winner route is either at 0.45 with a lead of 0.15, or off.
    assert {(s.decision.clear_threshold, s.decision.clear_margin) for s in grid} == {
        (0.45, 0.15),
        (2.0, FusionSettings().decision.clear_margin),
    }
    # The bot's own conference settings are not touched by any of this.
    assert FusionSettings().entry_score == "best"
    assert FusionSettings().weight == 0.3


def test_describe_names_the_clear_route_or_its_absence():
    grid = tune_semantic.clinc_grid("centroid")
    assert "clear winner 0.45/0.15" in tune_semantic.describe(grid[0])
    assert "clear winner off" in tune_semantic.describe(grid[1])


def test_settings_for_clinc_chooses_within_the_bound(matcher: Matcher):
    limits = Limits(in_scope=8, out_of_scope=2, wrong_cap=0.3, oos_floor=0.0)
    choice = tune_semantic.settings_for_clinc(matcher, tuning(), limits)
    assert set(choice.top1) == {"best", "centroid"}
    assert all(0.0 <= share <= 1.0 for share in choice.top1.values())
    best_first = max(choice.top1, key=lambda h: (choice.top1[h], h == "best"))
    assert choice.settings in tune_semantic.clinc_grid(best_first)
    assert choice.candidates == 264
    assert choice.tuned.in_scope == 8 and choice.tuned.out_of_scope == 2
    assert wrong_bound(choice.tuned, limits) <= limits.wrong_cap
    # Out-of-fold outcomes cover every question exactly once.
    assert choice.cross_validated.in_scope == 8
    assert choice.cross_validated.out_of_scope == 2


def test_no_qualifying_setting_leaves_the_defaults(matcher: Matcher):
    limits = Limits(in_scope=8, out_of_scope=2, wrong_cap=-1.0)
    choice = tune_semantic.settings_for_clinc(matcher, tuning(), limits)
    # The bot's defaults, without the out-of-scope guard (off for CLINC150).
    assert choice.settings == replace(FusionSettings(), pull_guard=None)
    assert choice.tuned.in_scope == 0


def test_remembered_lexical_decisions_are_the_matchers_own(matcher: Matcher):
    remembered = tune_semantic.RememberedLexical(matcher)
    for text, _ in QUESTIONS:
        candidates = matcher.score(text)
        assert remembered.decide(text, candidates) == matcher.decide(text, candidates)
        assert remembered.decide(text, candidates) is remembered.decide(text, candidates)
        other = FusionSettings().decision
        assert remembered.decide(text, candidates, other) == matcher.decide(text, candidates, other)


def test_top1_counts_the_layers_own_favourite_among_in_scope_questions():
    def candidate(key: str) -> tune_semantic.Candidate:
        return tune_semantic.Candidate(Target("faq", key, key), 0.5)

    right = Labelled("q1", frozenset({"faq:a"}))
    wrong = Labelled("q2", frozenset({"faq:a"}))
    outside = Labelled("q3", frozenset())
    scored = [
        tune_semantic.Scored(right, None, [candidate("b"), candidate("a")], [0.2, 0.9]),
        tune_semantic.Scored(wrong, None, [candidate("a"), candidate("b")], [0.2, 0.9]),
        tune_semantic.Scored(outside, None, [candidate("a")], [0.9]),
    ]
    assert tune_semantic.top1(scored) == 0.5
