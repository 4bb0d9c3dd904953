"""Meaning as a second opinion on the lexical shortlist: the fused decision.

The lexical matcher usually ranks the right entry first, but a right first guess and a
wrong one overlap in score and lead, so close calls become buttons. A sentence encoder
judges meaning ("nut allergy" is a dietary question) and can tell them apart. It never
searches the whole content: it only scores the entries the lexical matcher shortlisted,
so what the lexicon knows about Roman Urdu and Urdu, and its honesty about out-of-scope
questions, stay in charge.

- The question is embedded as typed and as the analyser's English reading (its lexicon
  maps Roman Urdu and Urdu words to English), so an English model sees English.
- Each shortlisted entry's meaning score is its best cosine over its texts.
- The fused score blends the two; the usual decision runs on it, with its own thresholds.
- The two opinions must agree on the best entry for an answer: when the meaning layer
  prefers another entry, the attendee gets buttons, never a confident guess.
- The layer is only asked when the lexical decision is not already settled. Encoding a
  question costs several times what the lexical matcher does, and on the tuning data a
  strong lexical answer (score >= `settled_answer`) was as good as the fused decision:
  the layer changed about 1 such decision in 160, as often for the worse as for the
  better (bench/tune_semantic.py --bands prints the measurement per lexical band).
- A promotion is held back to buttons when a word of the question names something the
  answer does not say (see `MeaningLayer.pull`): the layer's out-of-scope guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.matching.index import Document, Index
from bot.matching.lexicon import ROMAN_URDU_MARKERS
from bot.matching.matcher import Candidate, Matcher, MatchResult, MatchSettings
from bot.matching.normalize import fold, is_urdu_script
from bot.matching.pull import NO_PULL, covered_terms, word_terms
from bot.matching.semantic import EntryScore, EntryVectors, VectorCache


def _fused_decision() -> MatchSettings:
    # Tuned with bench/tune_semantic.py on the dev half, tuning_questions.yaml and CLINC
    # training utterances 6-100; never on the held-out half. Suggestions keep the lexical
    # defaults.
    return MatchSettings(
        answer_threshold=0.65,
        answer_margin=0.02,
        clear_threshold=0.45,
        clear_margin=0.1,
    )


@dataclass(frozen=True, slots=True)
class FusionSettings:
    """How much the meaning score counts, and the decision thresholds on the fused score."""

    weight: float = 0.3  # share of the meaning score in the fused score
    # How far below its own favourite each opinion may rate the fused best and still
    # back it; beyond that, it disagrees and the bot offers buttons instead of answering.
    meaning_tolerance: float = 0.2
    lexical_tolerance: float = 0.1
    # The meaning layer alone is sure when its favourite is this close to a phrasing and
    # this far ahead of every unrelated entry; with the lexical matcher backing the same
    # entry, that is an answer even when the fused score is modest.
    sure_similarity: float = 0.8
    sure_lead: float = 0.15
    # A lexical answer at least this strong is final without asking the layer (see the
    # module docstring); above 1.0 the layer judges every question.
    settled_answer: float = 0.7
    # An entry's meaning score: its best single text, or the centroid of its texts (see
    # EntryVectors). "best" suits this bot's mixed entries; tuned on the conference sets.
    entry_score: EntryScore = "best"
    # The out-of-scope guard: a promotion the lexical matcher did not make becomes buttons
    # when a word of the question the answer does not cover raises the answer's meaning
    # score by at least this much when left out (None: no guard). See MeaningLayer.pull.
    pull_guard: float | None = 0.04
    decision: MatchSettings = field(default_factory=_fused_decision)


def meaning_texts(document: Document) -> tuple[str, ...]:
    """What the encoder compares questions with: the entry's own texts, or its phrasings."""
    if document.meanings:
        return tuple(document.meanings)
    return tuple(f.text for f in document.fields if f.phrasing and f.text.strip())


@dataclass(frozen=True, slots=True)
class Opinion:
    """The fused candidates, best first, and whether both opinions pick the same best."""

    candidates: list[Candidate]
    agree: bool
    meaning_best: str | None = None  # the target key the meaning layer prefers
    meaning_sure: bool = False  # see FusionSettings.sure_similarity


def offer_both(
    result: MatchResult, opinion: Opinion, related: dict[str, frozenset[str]]
) -> MatchResult:
    """When the two opinions disagree, the buttons carry both picks.

    The meaning layer's favourite may score below the usual button floor (its lexical
    score is low), but it is exactly the answer the lexical matcher may have missed.
    """
    key = opinion.meaning_best
    if opinion.agree or key is None or result.decision != "suggest":
        return result
    offered = set().union(*(related.get(c.target.key, {c.target.key}) for c in result.suggestions))
    if key in offered:
        return result
    pick = next(c for c in opinion.candidates if c.target.key == key)
    limit = max(len(result.suggestions), 2)
    suggestions = (*result.suggestions[: limit - 1], pick)
    return replace(result, suggestions=suggestions)


class MeaningLayer:
    """Entry vectors for one content snapshot, and the fused re-scoring of a shortlist."""

    def __init__(
        self,
        cache: VectorCache,
        documents: Sequence[Document],
        index: Index,
        settings: FusionSettings | None = None,
    ) -> None:
        self.settings = settings or FusionSettings()
        self.cache = cache
        self.index = index
        self.analyzer = index.analyzer  # the one the index read the entries with
        self._numbers = {doc.target.key: number for number, doc in enumerate(documents)}
        # Encoded now, at content load or reload, never per question.
        self.vectors = EntryVectors.build(cache, [meaning_texts(d) for d in documents])
        # Likewise the terms each entry covers, for the out-of-scope guard.
        self.covered = covered_terms(index)

    @property
    def description(self) -> str:
        return self.cache.encoder.description

    def question_texts(self, question: str) -> list[str]:
        """The question as typed, plus its English reading when it is not plain English.

        Only then: the lexicon also rewrites English ("does" → "do", "go" → "arrive"),
        which helps word matching but only costs an English encoder a second pass.
        """
        texts = [question]
        words = fold(question).split()
        if any(w in ROMAN_URDU_MARKERS or is_urdu_script(w) for w in words):
            reading = self.analyzer.english_reading(question)
            if reading and reading != " ".join(words):
                texts.append(reading)
        return texts

    def meaning_scores(
        self, question: str, candidates: Sequence[Candidate], score: EntryScore | None = None
    ) -> list[float]:
        """Each candidate's meaning score, by `score` or else the settings' entry_score."""
        numbers = [self._numbers[c.target.key] for c in candidates]
        vectors = self.cache.question_vectors(self.question_texts(question))
        return self.vectors.similarity(vectors, numbers, score or self.settings.entry_score)

    def settled(self, lexical: MatchResult) -> bool:
        """A lexical decision the layer would not change: a strong answer."""
        best = lexical.best
        return (
            lexical.decision == "answer"
            and best is not None
            and best.score >= self.settings.settled_answer
        )

    def match(self, matcher: Matcher, question: str, candidates: list[Candidate]) -> MatchResult:
        """The fused decision on the lexical shortlist `candidates` (best first)."""
        lexical = matcher.decide(question, candidates)
        if self.settled(lexical):
            return lexical
        related = matcher.index.related
        opinion = self.opinion(question, candidates, related)
        decision = self.settings.decision
        result = matcher.decide(question, opinion.candidates, decision, opinion.agree)
        best = opinion.candidates[0] if opinion.candidates else None
        if (
            result.decision != "answer"
            and opinion.agree
            and opinion.meaning_sure
            and best is not None
            and best.score >= decision.suggest_threshold
        ):
            result = MatchResult(question, "answer", tuple(opinion.candidates[:5]))
        if lexical.decision != "answer" and self.pulled_away(question, result):
            # The same buttons the layer offers when the two opinions disagree.
            result = matcher.decide(question, opinion.candidates, decision, False)
        return offer_both(result, opinion, related)

    def pulled_away(self, question: str, result: MatchResult) -> bool:
        """Whether the guard holds back this answer (see `pull`)."""
        guard = self.settings.pull_guard
        best = result.best
        if guard is None or result.decision != "answer" or best is None:
            return False
        return self.pull(question, best.target.key) >= guard

    def pull(self, question: str, key: str) -> float:
        """How far the strongest word of `question` that entry `key` does not cover pulls
        the question away from it: the rise of the entry's meaning score when that one
        word is left out (NO_PULL when the entry covers every word).

        Why: with the layer, more out-of-scope questions got an answer than with the
        lexical matcher alone ("what's the best hotel in lahore" -> nearby hotels), through
        the same routes as the layer's gain, and no fused score told them apart. What they
        have is a word naming something the entry does not say (a place, a thing, an
        attribute): leaving it out brings the question closer to the entry. A synonym the
        entry's meaning covers ("nursing" for the quiet room) does the opposite. Measured
        on the dev half and the tuning set at the default settings (bench/tune_semantic.py
        --guard), a guard at 0.04 left 96.7% of out-of-scope questions alone instead of
        92.6% and answered 0.9% wrong instead of 1.2%; the right answers it costs become
        buttons that still offer the right entry (docs/matching.md).

        Only the words `key` does not cover are encoded again, one question text each,
        through the question memory, so a repeated question costs nothing.
        """
        covered = self.covered.get(key, frozenset())
        words = fold(question).split()
        numbers = [self._numbers[key]]
        strongest = NO_PULL
        base: float | None = None
        for position, word in enumerate(words):
            terms = word_terms(self.index, word)
            rest = " ".join(words[:position] + words[position + 1 :])
            if not terms or not rest or any(t in covered for t in terms):
                continue
            if base is None:
                base = self._text_score(" ".join(words), numbers)
            strongest = max(strongest, self._text_score(rest, numbers) - base)
        return strongest

    def _text_score(self, text: str, numbers: list[int]) -> float:
        vectors = self.cache.question_vectors(self.question_texts(text))
        return self.vectors.similarity(vectors, numbers, self.settings.entry_score)[0]

    def opinion(
        self,
        question: str,
        candidates: Sequence[Candidate],
        related: dict[str, frozenset[str]],
    ) -> Opinion:
        if not candidates:
            return Opinion([], True)
        meaning = self.meaning_scores(question, candidates)
        return fuse(candidates, meaning, related, self.settings)


def fuse(
    candidates: Sequence[Candidate],
    meaning: Sequence[float],
    related: dict[str, frozenset[str]],
    settings: FusionSettings,
) -> Opinion:
    """Blend lexical and meaning scores, and ask whether both opinions back the fused best.

    An opinion backs the fused best when that entry (or one answered with it) is its own
    favourite or within its tolerance of it. The meaning layer's cosines are coarse near
    the top (two phrasings of one intent differ by a few hundredths), so a tolerance keeps
    it from vetoing answers over noise; a clear preference for another entry is a doubt.
    """
    weight = settings.weight
    fused = [
        replace(c, score=(1.0 - weight) * c.score + weight * max(m, 0.0))
        for c, m in zip(candidates, meaning, strict=True)
    ]
    fused.sort(key=lambda c: (-c.score, c.target.key))
    lexical = {c.target.key: c.score for c in candidates}
    by_meaning = {c.target.key: m for c, m in zip(candidates, meaning, strict=True)}
    top = fused[0].target.key
    group = related.get(top, frozenset({top}))
    lexical_top = max(lexical[k] for k in group if k in lexical)
    meaning_top = max(by_meaning[k] for k in group if k in by_meaning)
    agree = (
        lexical_top >= max(lexical.values()) - settings.lexical_tolerance
        and meaning_top >= max(by_meaning.values()) - settings.meaning_tolerance
    )
    meaning_best = max(by_meaning, key=lambda k: (by_meaning[k], k))
    rivals = [m for k, m in by_meaning.items() if k not in group]
    sure = (
        meaning_top >= settings.sure_similarity
        and meaning_top - max(rivals, default=0.0) >= settings.sure_lead
    )
    return Opinion(fused, agree, meaning_best, sure)
