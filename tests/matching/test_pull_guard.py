"""The meaning layer's out-of-scope guard (FusionSettings.pull_guard), with the tiny model.

The tiny model puts each word on one topic axis (tests/matching/tiny_model.py): "keynote"
is a talk word, so "lunch hungry keynote" asks about more than the lunch entry says, and
leaving "keynote" out brings the question closer to it (a pull). "hungry" is a food word
the lunch entry never uses: leaving it out moves the question away (the entry's meaning
covers it). The lexical matcher is made shy (it never answers on its own) and the fused
decision eager (it answers whatever both opinions agree on), so every fused answer here
is a promotion the guard may hold back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("fastembed")
pytest.importorskip("onnx")

from bot.matching import fusion
from bot.matching.analyzer import Analyzer
from bot.matching.fusion import FusionSettings, MeaningLayer
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Matcher, MatchResult, MatchSettings
from bot.matching.pull import NO_PULL
from bot.matching.semantic import VectorCache, load_encoder
from tests.matching.test_semantic import CountingEncoder
from tests.matching.tiny_model import build_tiny_model

LUNCH = ("when is lunch", "where can i eat", "is there a vegetarian meal")
INTENTS = {
    "wifi": ("wifi password", "how do i connect to the internet", "network online"),
    "lunch": LUNCH,
    "parking": ("where can i park", "is there parking", "car parking for my vehicle"),
}
EAGER = replace(
    FusionSettings(),
    settled_answer=2.0,
    decision=replace(FusionSettings().decision, answer_threshold=0.0, answer_margin=0.0),
)
SHY = MatchSettings(answer_threshold=2.0, clear_threshold=2.0)
PULLED = "lunch hungry keynote"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def documents() -> list[Document]:
    return [
        Document(Target("faq", key, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for key, texts in INTENTS.items()
    ]


def build(
    model: Path | VectorCache, guard: float | None = 0.04, lexical: MatchSettings = SHY
) -> Matcher:
    cache = model if isinstance(model, VectorCache) else VectorCache(load_encoder(str(model)))
    settings = replace(EAGER, pull_guard=guard)
    return Matcher(documents(), Analyzer(), lexical, vectors=cache, fusion=settings)


def layer_of(matcher: Matcher) -> MeaningLayer:
    assert matcher.meaning is not None
    return matcher.meaning


def offered(result: MatchResult) -> set[str]:
    return {c.target.key for c in result.suggestions}


def test_the_guard_is_on_by_default_at_the_measured_delta():
    assert FusionSettings().pull_guard == 0.04


def test_a_promotion_pulled_away_by_a_word_the_entry_does_not_say_becomes_buttons(
    tiny_model: Path,
):
    unguarded = build(tiny_model, guard=None).match(PULLED)
    assert unguarded.decision == "answer" and unguarded.best is not None
    assert unguarded.best.target.key == "faq:lunch"  # promoted without the guard
    guarded = build(tiny_model)
    assert layer_of(guarded).pull(PULLED, "faq:lunch") > 0.04  # "keynote" pulls
    held = guarded.match(PULLED)
    assert held.decision == "suggest"
    assert "faq:lunch" in offered(held)  # the entry is still one tap away


def test_a_word_the_entrys_meaning_covers_does_not_hold_the_answer_back(tiny_model: Path):
    question = "i am hungry where to eat"
    matcher = build(tiny_model, guard=0.0)  # stricter than the default
    # "hungry" is no term of the lunch entry, but leaving it out moves the question away.
    assert -0.5 < layer_of(matcher).pull(question, "faq:lunch") < 0.0
    result = matcher.match(question)
    assert result.decision == "answer" and result.best is not None
    assert result.best.target.key == "faq:lunch"
    assert matcher.match(PULLED).decision == "suggest"  # while "keynote" still pulls


def test_an_entry_that_says_every_word_has_no_pull(tiny_model: Path):
    matcher = build(tiny_model)
    assert layer_of(matcher).pull("lunch eat", "faq:lunch") == NO_PULL
    assert matcher.match("lunch eat").decision == "answer"


def test_only_uncovered_words_are_encoded_again_and_a_repeat_costs_nothing(tiny_model: Path):
    counting = CountingEncoder(load_encoder(str(tiny_model)))
    matcher = build(VectorCache(counting))
    counting.texts.clear()
    matcher.match(PULLED)
    # "lunch" is the entry's own word: the question is read without each other word.
    assert counting.texts == [PULLED, "lunch keynote", "lunch hungry"]
    counting.texts.clear()
    assert matcher.match(PULLED).decision == "suggest"
    assert counting.texts == []  # the question memory remembers every text


def test_the_lexical_matchers_own_answer_is_never_held_back(tiny_model: Path):
    counting = CountingEncoder(load_encoder(str(tiny_model)))
    # A guard holding back every promotion, whatever its pull.
    matcher = build(VectorCache(counting), guard=NO_PULL, lexical=MatchSettings())
    question = "wifi password keynote"
    assert matcher.decide(question, matcher.score(question)).decision == "answer"
    counting.texts.clear()
    result = matcher.match(question)
    assert result.decision == "answer" and result.best is not None
    assert result.best.target.key == "faq:wifi"
    assert counting.texts == [question]  # not even read for pulls
    assert layer_of(matcher).pull(question, "faq:wifi") > 0.0  # though "keynote" pulls


def test_no_guard_is_the_fused_decision_as_before(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
):
    counting = CountingEncoder(load_encoder(str(tiny_model)))
    matcher = build(VectorCache(counting), guard=None)

    def never(*_: object) -> float:
        raise AssertionError("the guard is off: no pull is read")

    monkeypatch.setattr(MeaningLayer, "pull", never)
    counting.texts.clear()
    result = matcher.match(PULLED)
    assert result.decision == "answer" and result.best is not None
    assert counting.texts == [PULLED]


def test_covered_terms_are_read_at_load_and_again_on_reload(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
):
    cache = VectorCache(load_encoder(str(tiny_model)))
    (keynote,) = Analyzer().terms("keynote")
    before = build(cache)
    assert keynote not in layer_of(before).covered["faq:lunch"]
    assert before.match(PULLED).decision == "suggest"
    # The organisers add to the answer that lunch follows the keynote: a reload builds the
    # matcher again on the same vector cache, and the entry now covers "keynote".
    docs = documents()
    lunch = docs[1]
    docs[1] = replace(lunch, fields=[*lunch.fields, Field("served after the keynote", 0.5)])
    settings = replace(EAGER, pull_guard=0.04)
    after = Matcher(docs, Analyzer(), SHY, vectors=cache, fusion=settings)
    assert keynote in layer_of(after).covered["faq:lunch"]

    def per_question(*_: object) -> dict[str, frozenset[str]]:
        raise AssertionError("covered terms are computed per content, not per question")

    monkeypatch.setattr(fusion, "covered_terms", per_question)
    result = after.match(PULLED)
    assert result.decision == "answer" and result.best is not None
    assert result.best.target.key == "faq:lunch"


def test_related_entries_cover_each_others_words(tiny_model: Path):
    docs = documents()
    docs[1] = replace(docs[1], related=frozenset({"faq:wifi"}))
    matcher = Matcher(docs, Analyzer(), SHY, vectors=VectorCache(load_encoder(str(tiny_model))))
    covered = layer_of(matcher).covered
    assert "password" in covered["faq:lunch"] and "password" in covered["faq:wifi"]
    assert "password" not in covered["faq:parking"]
