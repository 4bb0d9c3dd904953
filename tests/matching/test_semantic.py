"""The optional meaning layer's plumbing, with a tiny model the tests build themselves.

Loading (and every way it can fail at start-up), entry vectors and their cache, reloads,
and the fused decision. Quality is measured by bench/matching.py with a real model, not
here. Needs the `.[semantic]` extra and onnx (to write the tiny model): CI installs both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

pytest.importorskip("fastembed")
pytest.importorskip("onnx")

import numpy as np

from bot.matching import semantic
from bot.matching.analyzer import Analyzer
from bot.matching.choice import (
    LEXICAL_ONLY,
    MeaningLayerError,
    active_matcher,
    choose_matcher,
    vector_store_path,
)
from bot.matching.fusion import FusionSettings, fuse, meaning_texts, offer_both
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Candidate, Matcher, MatchSettings
from bot.matching.semantic import (
    Encoder,
    EntryVectors,
    SemanticModelError,
    VectorCache,
    load_encoder,
)
from bot.storage.vectors import VectorStore
from tests.matching.tiny_model import build_tiny_model


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture
def cache(tiny_model: Path) -> VectorCache:
    return VectorCache(load_encoder(str(tiny_model)))


def faq(ident: str, *phrasings: str) -> Document:
    return Document(
        Target("faq", ident, phrasings[0]), [Field(p, 1.0, phrasing=True) for p in phrasings]
    )


# --- loading ---------------------------------------------------------------------------


def test_a_model_folder_loads_and_gives_unit_vectors_that_follow_meaning(tiny_model):
    encoder = load_encoder(str(tiny_model))
    vectors = encoder.encode(["wifi password", "is there internet", "where do I park"])
    assert vectors.shape == (3, encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.8 > 0.3 > unrelated
    assert "tiny test encoder" in encoder.description


def test_unset_setting_chooses_the_lexical_matcher():
    choice = choose_matcher(None)
    assert choice.vectors is None and choice.description == LEXICAL_ONLY
    assert active_matcher(None) == LEXICAL_ONLY


def test_the_setting_chooses_the_meaning_layer(tiny_model):
    choice = choose_matcher(str(tiny_model))
    assert choice.vectors is not None
    assert choice.description.startswith("lexical + meaning layer (tiny test encoder")
    assert active_matcher(choice.vectors) == choice.description


def test_a_missing_folder_is_a_start_up_error_naming_the_setting(tmp_path):
    with pytest.raises(MeaningLayerError, match="MATCH_SEMANTIC_MODEL") as caught:
        choose_matcher(str(tmp_path / "no-such-model"))
    assert "does not exist" in str(caught.value)
    assert "build_semantic_model.py" in str(caught.value)


def test_a_folder_without_a_model_says_what_is_missing(tmp_path, tiny_model):
    with pytest.raises(SemanticModelError, match=r"MATCH_SEMANTIC_MODEL.*semantic_model\.json"):
        load_encoder(str(tmp_path))
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in tiny_model.iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    (broken / "model.onnx").unlink()
    with pytest.raises(SemanticModelError, match=r"lacks its model file model\.onnx"):
        load_encoder(str(broken))


def test_a_corrupt_model_file_is_a_clear_error_not_a_crash(tmp_path, tiny_model):
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for file in tiny_model.iterdir():
        (corrupt / file.name).write_bytes(file.read_bytes())
    (corrupt / "model.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(MeaningLayerError, match=r"MATCH_SEMANTIC_MODEL: cannot load"):
        choose_matcher(str(corrupt))


def test_an_unknown_model_name_is_refused_without_a_download():
    with pytest.raises(SemanticModelError, match="neither a folder nor a model fastembed knows"):
        load_encoder("nobody/no-such-model-anywhere")


# --- entry vectors and their cache -----------------------------------------------------


def test_entry_vectors_are_encoded_once_and_reused_across_rebuilds(cache):
    texts = [["wifi password", "internet"], ["lunch", "food"], ["parking"]]
    first = EntryVectors.build(cache, texts)
    assert cache.encoded == 5 and first.matrix.shape == (5, cache.encoder.dim)
    assert first.spans == ((0, 2), (2, 4), (4, 5))
    EntryVectors.build(cache, texts)
    assert cache.encoded == 5  # nothing changed: nothing encoded
    edited = [["wifi password", "internet"], ["lunch", "dinner"], ["parking"]]
    EntryVectors.build(cache, edited)
    assert cache.encoded == 6  # only the changed phrasing
    assert len(cache) == 5  # "food" is no longer used, so it is no longer kept


def test_similarity_is_the_best_over_an_entrys_texts_and_the_question_readings(cache):
    vectors = EntryVectors.build(cache, [["lunch", "wifi"], ["parking"], []])
    question = cache.encoder.encode(["internet", "car"])
    wifi_or_lunch, parking, empty = vectors.similarity(question, [0, 1, 2])
    assert wifi_or_lunch > 0.8 and parking > 0.8 and empty == 0.0


def test_entries_are_encoded_when_the_matcher_is_built_never_per_question(cache):
    docs = [faq("wifi", "wifi password"), faq("lunch", "when is lunch")]
    matcher = Matcher(docs, Analyzer(), vectors=cache)
    encoded = cache.encoded
    for _ in range(3):
        matcher.match("wifi password")
    assert cache.encoded == encoded


def test_meaning_texts_default_to_the_phrasings():
    doc = Document(
        Target("session", "s1", "Keynote"),
        [Field("Keynote", 1.0, phrasing=True), Field("Hall A", 0.7)],
    )
    assert meaning_texts(doc) == ("Keynote",)
    doc.meanings = ("Keynote", "Keynote. On malware.")
    assert meaning_texts(doc) == ("Keynote", "Keynote. On malware.")


def test_a_roman_urdu_or_urdu_question_is_also_read_in_english(cache):
    matcher = Matcher([faq("food", "where is lunch")], Analyzer(), vectors=cache)
    assert matcher.meaning is not None
    texts = matcher.meaning.question_texts("khana kahan milega")
    assert len(texts) == 2 and "food" in texts[1] and "where" in texts[1]
    urdu = matcher.meaning.question_texts("کھانا کہاں ملے گا")
    assert len(urdu) == 2 and "food" in urdu[1]
    # English is read once, even where the lexicon rewrites it for word matching.
    assert matcher.meaning.question_texts("where is lunch") == ["where is lunch"]
    assert matcher.meaning.question_texts("what does lunch cost") == ["what does lunch cost"]


# --- the fused decision ---------------------------------------------------------------


def candidate(key: str, score: float) -> Candidate:
    kind, _, ident = key.partition(":")
    return Candidate(Target(kind, ident, ident), score)  # type: ignore[arg-type]


def test_fusion_blends_scores_and_agrees_when_both_opinions_back_the_best():
    settings = FusionSettings(weight=0.5, meaning_tolerance=0.2, lexical_tolerance=0.1)
    cands = [candidate("faq:a", 0.8), candidate("faq:b", 0.3)]
    agreeing = fuse(cands, [0.9, 0.2], {}, settings)
    assert agreeing.agree
    assert [c.target.key for c in agreeing.candidates] == ["faq:a", "faq:b"]
    assert agreeing.candidates[0].score == pytest.approx(0.85)
    # The meaning layer rates b a little higher: within its tolerance, still agreement.
    assert fuse(cands, [0.85, 0.9], {}, settings).agree
    # It rates b far higher and the fused best moves to b, which the lexical matcher
    # rates far lower: the two disagree.
    doubting = fuse(cands, [0.3, 0.9], {}, settings)
    assert doubting.candidates[0].target.key == "faq:b"
    assert not doubting.agree and doubting.meaning_best == "faq:b"
    # Two entries answered together (a speaker and their session) are one opinion.
    related = {"faq:a": frozenset({"faq:a", "faq:b"}), "faq:b": frozenset({"faq:a", "faq:b"})}
    assert fuse(cands, [0.3, 0.9], related, settings).agree


def test_disagreement_turns_a_confident_lexical_answer_into_buttons():
    matcher = Matcher([faq("a", "wifi password"), faq("b", "when is lunch")], Analyzer())
    cands = [candidate("faq:a", 0.8), candidate("faq:b", 0.3)]
    lexical = MatchSettings()
    assert matcher.decide("q", cands, lexical).decision == "answer"
    # The fused score still leads by far, but the meaning layer prefers b: buttons.
    settings = FusionSettings(weight=0.2, meaning_tolerance=0.2)
    opinion = fuse(cands, [0.2, 0.9], matcher.index.related, settings)
    assert opinion.candidates[0].target.key == "faq:a" and not opinion.agree
    result = matcher.decide("q", opinion.candidates, lexical, opinion.agree)
    assert result.decision == "suggest"
    assert [c.target.key for c in result.suggestions] == ["faq:a"]  # b is below the floor
    # ...but the meaning layer's pick is exactly what the attendee may have meant.
    both = offer_both(result, opinion, matcher.index.related)
    assert [c.target.key for c in both.suggestions] == ["faq:a", "faq:b"]
    assert offer_both(both, opinion, matcher.index.related) == both


# Explicit settings: these tests are about the plumbing, not the tuned defaults.
# The fusion plumbing alone: the out-of-scope guard has tests of its own.
PLUMBING = FusionSettings(weight=0.5, decision=MatchSettings(), pull_guard=None)


def test_meaning_settles_a_lexical_near_tie(cache):
    docs = [
        faq("wifi", "wifi password", "internet at the venue"),
        faq("food", "when is lunch", "food at the venue"),
    ]
    lexical = Matcher(docs, Analyzer()).match("hungry at the venue")
    fused = Matcher(docs, Analyzer(), vectors=cache, fusion=PLUMBING).match("hungry at the venue")
    assert lexical.best is not None and lexical.best.target.key == "faq:wifi"  # "venue"
    assert lexical.decision == "none"
    assert fused.best is not None and fused.best.target.key == "faq:food"
    assert fused.decision == "answer"


def test_agreement_lets_the_fused_score_answer_a_lexical_close_call(cache):
    docs = [faq("lunch", "when is lunch served"), faq("dinner", "is there a dinner")]
    lexical = Matcher(docs, Analyzer()).match("eat dinner")
    fused = Matcher(docs, Analyzer(), vectors=cache, fusion=PLUMBING).match("eat dinner")
    assert lexical.decision == "suggest"  # "eat" is a word no entry uses
    assert fused.best is not None and fused.best.target.key == "faq:dinner"
    assert fused.decision == "answer"


def test_a_sure_meaning_layer_is_flagged_only_with_a_clear_lead():
    settings = FusionSettings(weight=0.3, sure_similarity=0.7, sure_lead=0.15)
    cands = [candidate("faq:a", 0.4), candidate("faq:b", 0.35)]
    assert fuse(cands, [0.9, 0.5], {}, settings).meaning_sure
    assert not fuse(cands, [0.9, 0.8], {}, settings).meaning_sure  # no clear lead
    assert not fuse(cands, [0.6, 0.2], {}, settings).meaning_sure  # not close enough


def test_with_the_layer_the_matcher_answers_what_only_the_meaning_layer_is_sure_of(cache):
    docs = [faq("lunch", "when is lunch served"), faq("wifi", "wifi password")]
    sure = FusionSettings(
        weight=0.3,
        sure_similarity=0.8,
        sure_lead=0.3,
        decision=MatchSettings(answer_threshold=0.99, clear_threshold=0.99),
    )
    unsure = FusionSettings(
        weight=0.3, sure_similarity=2.0, decision=sure.decision
    )  # the route switched off
    question = "lunch meal food"
    assert (
        Matcher(docs, Analyzer(), vectors=cache, fusion=sure).match(question).decision == "answer"
    )
    assert (
        Matcher(docs, Analyzer(), vectors=cache, fusion=unsure).match(question).decision != "answer"
    )


# --- what a question costs: settled answers, remembered questions ---------------------


class CountingEncoder:
    """The tiny model, counting the texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self.batches: list[int] = []

    @property
    def description(self) -> str:
        return self.inner.description

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def identity(self) -> str:
        return self.inner.identity

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        self.batches.append(len(texts))
        return self.inner.encode(texts)


@pytest.fixture
def counting(tiny_model: Path) -> CountingEncoder:
    return CountingEncoder(load_encoder(str(tiny_model)))


def test_a_settled_lexical_answer_does_not_ask_the_layer(counting):
    docs = [faq("wifi", "wifi password"), faq("food", "when is lunch")]
    matcher = Matcher(docs, Analyzer(), vectors=VectorCache(counting))
    counting.texts.clear()
    strong = matcher.match("wifi password")
    lexical = Matcher(docs, Analyzer()).match("wifi password")
    assert strong.decision == "answer" and strong.best is not None
    assert strong.best.score >= FusionSettings().settled_answer
    assert strong == lexical and counting.texts == []  # the lexical decision, as it was
    matcher.match("hungry for lunch")  # not settled: the layer judges it
    # ... and promotes it, so the guard reads it without the word "lunch" does not cover.
    assert counting.texts == ["hungry for lunch", "for lunch"]
    always = FusionSettings(settled_answer=2.0)
    judged = Matcher(docs, Analyzer(), vectors=VectorCache(counting), fusion=always)
    counting.texts.clear()
    judged.match("wifi password")
    assert counting.texts == ["wifi password"]


def test_a_repeated_question_reuses_its_exact_vectors(counting, monkeypatch):
    cache = VectorCache(counting)
    first = cache.question_vectors(["where is lunch", "lunch kahan hai"])
    again = cache.question_vectors(["where is lunch"])
    assert counting.texts == ["where is lunch", "lunch kahan hai"]
    assert np.array_equal(first[0], again[0])
    assert cache.question_vectors([]).shape == (0, counting.dim)
    monkeypatch.setattr(semantic, "QUESTIONS_REMEMBERED", 2)
    cache.question_vectors(["wifi password"])  # the oldest, "lunch kahan hai", goes
    cache.question_vectors(["where is lunch", "lunch kahan hai"])
    assert counting.texts[3:] == ["lunch kahan hai"]


# --- entry vectors on disk -------------------------------------------------------------


def test_a_restart_with_unchanged_content_reads_vectors_instead_of_encoding(tiny_model, tmp_path):
    encoder = load_encoder(str(tiny_model))
    path = tmp_path / "data" / "semantic_vectors.sqlite3"
    texts = [["wifi password", "internet"], ["lunch", "food"]]
    first = VectorCache(encoder, VectorStore(path, encoder.identity, encoder.dim))
    built = EntryVectors.build(first, texts)
    assert first.encoded == 4 and first.restored == 0
    restarted = VectorCache(encoder, VectorStore(path, encoder.identity, encoder.dim))
    again = EntryVectors.build(restarted, texts)
    assert restarted.encoded == 0 and restarted.restored == 4
    assert np.array_equal(built.matrix, again.matrix)
    # An edit: only the new phrasing is encoded, and the one no longer used is dropped.
    edited = VectorCache(encoder, VectorStore(path, encoder.identity, encoder.dim))
    EntryVectors.build(edited, [["wifi password", "internet"], ["lunch", "dinner"]])
    assert edited.encoded == 1 and edited.restored == 3
    assert edited.store is not None and len(edited.store) == 4


def test_stored_vectors_of_another_model_are_never_used(tiny_model, tmp_path):
    encoder = load_encoder(str(tiny_model))
    path = tmp_path / "semantic_vectors.sqlite3"
    EntryVectors.build(
        VectorCache(encoder, VectorStore(path, encoder.identity, encoder.dim)), [["lunch"]]
    )
    other = VectorCache(encoder, VectorStore(path, "another model", encoder.dim))
    EntryVectors.build(other, [["lunch"]])
    assert other.encoded == 1 and other.restored == 0
    # The other model's turn removed the first model's rows: the file follows the model.
    assert len(VectorStore(path, encoder.identity, encoder.dim)) == 0
    wrong_size = VectorStore(path, "another model", encoder.dim + 1)
    assert wrong_size.load(["lunch"]) == {}  # a vector of the wrong size is not trusted


def test_a_rebuilt_model_in_the_same_folder_has_another_identity(tiny_model, tmp_path):
    copy = tmp_path / "model"
    copy.mkdir()
    for file in tiny_model.iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    before = load_encoder(str(copy)).identity
    assert before == load_encoder(str(tiny_model)).identity  # same files, same identity
    config = copy / "tokenizer_config.json"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_encoder(str(copy)).identity != before


def test_an_unusable_store_is_logged_and_the_layer_carries_on(tiny_model, tmp_path, caplog):
    encoder = load_encoder(str(tiny_model))
    not_a_database = tmp_path / "semantic_vectors.sqlite3"
    not_a_database.write_bytes(b"this is not an SQLite file" * 100)
    store = VectorStore(not_a_database, encoder.identity, encoder.dim)
    assert not store.usable
    assert "cannot use the vector store" in caplog.text
    cache = VectorCache(encoder, store)
    vectors = EntryVectors.build(cache, [["lunch", "wifi"]])
    assert cache.encoded == 2 and vectors.matrix.shape == (2, encoder.dim)
    assert store.load(["lunch"]) == {} and len(store) == 0
    store.save({"lunch": vectors.matrix[0]})
    store.retain(["lunch"])
    store.close()


def test_a_store_that_fails_later_is_dropped_without_losing_vectors(tiny_model, tmp_path):
    encoder = load_encoder(str(tiny_model))
    store = VectorStore(tmp_path / "v.sqlite3", encoder.identity, encoder.dim)
    cache = VectorCache(encoder, store)
    EntryVectors.build(cache, [["lunch"]])
    store.close()  # a closed store stands for one whose file went away
    assert not store.usable
    vectors = EntryVectors.build(cache, [["lunch"], ["wifi"]])
    assert vectors.matrix.shape == (2, encoder.dim) and cache.encoded == 2


def test_choose_matcher_keeps_vectors_where_it_is_told(tiny_model, tmp_path):
    path = vector_store_path(tmp_path / "data" / "bot.sqlite3")
    assert path == tmp_path / "data" / "semantic_vectors.sqlite3"
    choice = choose_matcher(str(tiny_model), path)
    assert choice.vectors is not None and choice.vectors.store is not None
    EntryVectors.build(choice.vectors, [["lunch"]])
    assert path.is_file() and len(choice.vectors.store) == 1
    assert choose_matcher(str(tiny_model)).vectors.store is None  # type: ignore[union-attr]


def test_an_entry_can_be_scored_by_the_centroid_of_its_texts(cache):
    vectors = EntryVectors.build(cache, [["lunch", "wifi"], ["food", "meal"], []])
    question = cache.encoder.encode(["lunch"])
    best = vectors.similarity(question, [0, 1, 2])
    centroid = vectors.similarity(question, [0, 1, 2], "centroid")
    assert best[0] == pytest.approx(1.0, abs=1e-5) and best[2] == 0.0
    # Half of entry 0 is about food: its centroid is halfway; entry 1 is all food.
    assert centroid[0] < 0.8 < centroid[1] and centroid[2] == 0.0
    assert np.allclose(np.linalg.norm(vectors.centroids[:2], axis=1), 1.0, atol=1e-5)
    docs = [faq("mixed", "lunch", "wifi"), faq("food", "food", "meal")]
    by_centroid = FusionSettings(entry_score="centroid")
    layer = Matcher(docs, Analyzer(), vectors=cache, fusion=by_centroid).meaning
    assert layer is not None
    cands = [candidate("faq:mixed", 0.5), candidate("faq:food", 0.4)]
    scores = layer.meaning_scores("lunch", cands)
    assert scores[0] < scores[1]
    assert layer.meaning_scores("lunch", cands, "best")[0] > scores[0]


def test_every_text_is_encoded_alone_so_its_vector_depends_on_it_only(counting):
    """An int8 model's vector of a text shifts with the texts batched beside it."""
    cache = VectorCache(counting)
    EntryVectors.build(cache, [["wifi password", "internet at the venue"], ["lunch"]])
    cache.question_vectors(["khana kahan hai", "food where is"])
    assert counting.batches == [1] * 5
    assert sorted(counting.texts[:3]) == counting.texts[:3]  # one order in every process
