"""Score a question against the index and decide: answer, suggest, or leave it alone.

The score of an entry fuses three views of the same question:
- question coverage: the IDF-weighted share of the question's terms the entry explains,
  with each term counted at the weight of the field it was found in. Unknown words count
  against every entry, so "is there a bowling alley" explains nothing and is left alone.
- entry coverage: the share of the entry's best phrasing the question covers, so sharing
  one generic word with a long phrasing is not enough.
- character similarity of the term strings (rapidfuzz), which rewards near-identical
  wording and softens stemming misses.
The decision then looks at the best score *and* its lead over the next unrelated entry: a
wrong answer is worse than none, so a close call becomes buttons, not an answer.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import add, itemgetter
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.matching.analyzer import Analyzer
from bot.matching.decision import Decision
from bot.matching.index import Document, Index, IndexedDocument, Target
from bot.matching.lexicon import PERSON_CUES
from bot.matching.normalize import fold

if TYPE_CHECKING:  # the meaning layer needs the optional `.[semantic]` extra (numpy)
    from bot.matching.fusion import FusionSettings, MeaningLayer
    from bot.matching.semantic import VectorCache

LONG_QUESTION_TERMS = 6
MIN_SENTENCE_TERMS = 3  # "Thank you so much." is not a question of its own
_SENTENCE_END = re.compile(r"[.!?؟۔\n]+")


_PERSON_CUES = frozenset(fold(word) for word in PERSON_CUES)


def asks_about_person(question: str, name_terms: set[str]) -> bool:
    """ "who is", "talk by", "speaker", or a possessive on a name ("Rain's talk")."""
    if set(fold(question).split()) & _PERSON_CUES:
        return True
    possessives = re.findall(r"(\w+)['’]s\b", question.lower())
    return any(word in name_terms or word.rstrip("s") in name_terms for word in possessives)


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Tuned defaults; every one can be overridden from the environment (see config)."""

    answer_threshold: float = 0.5
    answer_margin: float = 0.07
    clear_threshold: float = 0.45
    clear_margin: float = 0.15
    suggest_threshold: float = 0.3
    suggest_window: float = 0.2
    # Once the bot suggests, further buttons go down to this score (within the window of the
    # best): the right entry is often second or third in a close call, and a button costs
    # the attendee a glance while a missing one costs them an organiser's reply.
    suggestion_floor: float = 0.2
    max_suggestions: int = 3
    standout_floor: float = 0.25
    standout_ratio: float = 1.5
    question_weight: float = 0.7  # exponent share of question vs entry coverage
    char_weight: float = 0.2
    candidates_considered: int = 8
    # A match resting only on a description or biography answers only when this strong
    # and this far ahead; otherwise it is offered as a suggestion.
    support_answer_threshold: float = 0.6
    support_answer_margin: float = 0.2
    support_cover: float = 0.3  # how much of entry coverage a description's share stands for


@dataclass(frozen=True, slots=True)
class Candidate:
    target: Target
    score: float
    # True when only the entry's background text (description, biography) matched.
    rests_on_support: bool = False
    # True when the question's content words are exactly those of a learned phrasing of
    # this entry: an organiser said this wording asks for it (see decide).
    taught: bool = False

    def as_dict(self) -> dict[str, object]:
        t = self.target
        return {"kind": t.kind, "id": t.id, "label": t.label, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class MatchResult:
    question: str
    decision: Decision
    candidates: tuple[Candidate, ...]  # best first
    suggestions: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher:
    def __init__(
        self,
        documents: Iterable[Document],
        analyzer: Analyzer,
        settings: MatchSettings | None = None,
        implied: str = "",
        vectors: VectorCache | None = None,
        fusion: FusionSettings | None = None,
    ) -> None:
        """`implied`: words every question means without saying (the event's own name).

        `vectors` switches the optional meaning layer on: the entries are encoded here,
        once per content snapshot, and every decision then fuses both opinions.
        """
        self.settings = settings or MatchSettings()
        documents = list(documents)
        self.index = Index(documents, analyzer, implied)
        self.analyzer = analyzer
        self.meaning: MeaningLayer | None = None
        if vectors is not None:
            from bot.matching.fusion import MeaningLayer

            self.meaning = MeaningLayer(vectors, documents, self.index, fusion)

    def _query_terms(self, question: str) -> tuple[list[tuple[str, float, bool]], str]:
        """Unique terms with weight and whether the index knows them; the sorted term string."""
        seen: set[str] = set()
        terms: list[tuple[str, float, bool]] = []
        for raw, filler in self.analyzer.analyse(question):
            resolved = raw if filler and raw in self.index.idf else None
            if not filler:
                resolved = self.index.resolve(raw)
            term = resolved or raw
            if term in seen:
                continue
            seen.add(term)
            if resolved is not None:
                terms.append((term, self.index.idf[term], True))
            elif not filler:
                terms.append((term, self.index.unknown_idf, False))
        return terms, " ".join(sorted(t for t, _, _ in terms))

    def score(self, question: str) -> list[Candidate]:
        """Entries sharing terms with the question, best first.

        A long message is also scored sentence by sentence, keeping each entry's best:
        "We drive from Rawalpindi with colleagues... Where can we park?" is a parking
        question wrapped in context, and the context should not dilute it.
        """
        candidates = self._score_text(question)
        parts = _SENTENCE_END.split(question)
        if sum(1 for part in parts if part.strip()) < 2:
            return candidates  # one sentence: already scored whole
        sentences = [s for s in parts if len(self.analyzer.terms(s)) >= MIN_SENTENCE_TERMS]
        if len(sentences) > 1:
            best = {c.target.key: c for c in candidates}
            for sentence in sentences:
                for candidate in self._score_text(sentence):
                    key = candidate.target.key
                    if key not in best or candidate.score > best[key].score:
                        best[key] = candidate
            candidates = sorted(best.values(), key=lambda c: (-c.score, c.target.key))
        return candidates

    def _score_text(self, question: str) -> list[Candidate]:
        settings = self.settings
        terms, text = self._query_terms(question)
        if len(terms) > LONG_QUESTION_TERMS:
            # Long messages carry incidental words; they count less against every entry.
            damp = LONG_QUESTION_TERMS / len(terms)
            terms = [(t, w if known else w * damp, known) for t, w, known in terms]
        total = sum(weight for _, weight, _ in terms)
        if not terms or total <= 0:
            return []
        blocked = self._blocked(question, {t for t, _, known in terms if known})
        accumulated = self._accumulate(terms, blocked)
        if not accumulated:
            return []
        shortlist = heapq.nlargest(
            settings.candidates_considered,
            accumulated.items(),
            key=itemgetter(1),
        )
        if self.index.mixed_kinds:
            # Sessions share room, day and time words, so ten talks in Hall B can crowd the
            # FAQ entry "where is Hall B" out of a raw-mass shortlist: keep the best of
            # each kind in the running too.
            chosen = {number for number, _ in shortlist}
            documents = self.index.documents
            by_kind: dict[str, list[tuple[int, float]]] = {}
            for number, mass in accumulated.items():
                if number not in chosen:
                    by_kind.setdefault(documents[number].target.kind, []).append((number, mass))
            per_kind = settings.candidates_considered // 2
            for entries in by_kind.values():
                shortlist.extend(heapq.nlargest(per_kind, entries, key=itemgetter(1)))
        query_terms = {t: w for t, w, known in terms if known}
        filler = self.index.filler
        # The question's content words, when every one of them is known (an unknown word
        # says something no phrasing says): compared with what was taught.
        content = (
            frozenset(t for t in query_terms if t not in filler)
            if all(known for _, _, known in terms)
            else frozenset()
        )
        results: list[Candidate] = []
        for number, mass in shortlist:
            document = self.index.documents[number]
            asked = query_terms
            if blocked:
                asked = {t: w for t, w in query_terms.items() if number not in blocked.get(t, ())}
            question_cover = mass / total
            entry_cover, similarity = self._best_phrasing(document, asked, text)
            matched = {t for t in asked if t in document.term_weight and t not in filler}
            supported = matched & document.supporting_only
            on_support = bool(supported) and not (matched & document.grounding)
            if on_support:
                # A description is no phrasing to cover, but the share of the question it
                # explains says as much about the entry as covering a title would. (Such a
                # match answers only when strong and unambiguous: see decide.)
                share = sum(asked[t] for t in supported) / total
                entry_cover = min(1.0, entry_cover + settings.support_cover * share)
            alpha = settings.question_weight
            lexical = (question_cover**alpha) * (entry_cover ** (1.0 - alpha))
            fused = (1.0 - settings.char_weight) * lexical + settings.char_weight * similarity
            taught = bool(content) and content in document.taught
            results.append(Candidate(document.target, min(1.0, fused), on_support, taught))
        results.sort(key=lambda c: (-c.score, c.target.key))
        return results

    def _blocked(self, question: str, asked: set[str]) -> dict[str, set[int]]:
        """Name words that must not reach their people's entries for this question.

        "will it rain" is not about Lea Rain, nor "new york time" about Jillian C. York:
        an everyday word in a name counts only when the question is about a person
        ("who is", "talk by", "speaker", "Rain's talk") or names the person in full.
        """
        index = self.index
        hits = asked & index.guarded.keys()
        if not hits or asks_about_person(question, hits):
            return {}
        blocked: dict[str, set[int]] = {}
        for term in hits:
            for number in index.guarded[term]:
                names = index.documents[number].names
                if any(len(name & asked) >= min(2, len(name)) for name in names):
                    continue  # "Lea Rain", "Jillian York": the person, by name
                blocked.setdefault(term, set()).add(number)
        return blocked

    def _accumulate(
        self,
        terms: list[tuple[str, float, bool]],
        blocked: dict[str, set[int]] | None = None,
    ) -> dict[int, float]:
        """IDF-weighted term mass each entry explains.

        Content words walk their (short) postings. Common filler words are added from
        dense vectors to the entries found so far, plus the entry filler alone favours
        most, which stays in the running as a rival: without it a question sharing one
        weak content word with one entry would look like a clear win.
        """
        index = self.index
        accumulated: dict[int, float] = {}
        get = accumulated.get
        vectors: list[list[float]] = []
        for term, _, known in terms:
            if not known:
                continue
            skip = blocked.get(term, ()) if blocked else ()
            vector = index.dense.get(term)
            if vector is not None:
                if skip:
                    vector = list(vector)
                    for number in skip:
                        vector[number] = 0.0
                vectors.append(vector)
                continue
            for number, contribution in index.postings[term]:
                if number not in skip:
                    accumulated[number] = get(number, 0.0) + contribution
        if not vectors:
            return accumulated
        filler = vectors[0]
        for vector in vectors[1:]:
            filler = list(map(add, filler, vector))
        for number in accumulated:
            accumulated[number] += filler[number]
        if accumulated:
            strongest = max(filler)
            if strongest > 0:
                accumulated.setdefault(filler.index(strongest), strongest)
            return accumulated
        best = heapq.nlargest(
            self.settings.candidates_considered,
            range(len(filler)),
            key=filler.__getitem__,
        )
        return {number: filler[number] for number in best if filler[number] > 0}

    @staticmethod
    def _best_phrasing(
        document: IndexedDocument,
        query_terms: dict[str, float],
        sorted_text: str,
    ) -> tuple[float, float]:
        """Best entry coverage and best character similarity over the entry's phrasings."""
        best_cover = 0.0
        asked = query_terms.keys()
        for phrasing in document.phrasings:
            shared = phrasing.terms & asked
            if shared and phrasing.mass > 0:
                cover = sum(query_terms[t] for t in shared) / phrasing.mass
                if cover > best_cover:
                    best_cover = cover
        closest = process.extractOne(sorted_text, document.phrasing_texts, scorer=fuzz.ratio)
        similarity = closest[1] / 100.0 if closest else 0.0
        return min(best_cover, 1.0), similarity

    def decide(
        self,
        question: str,
        candidates: list[Candidate],
        settings: MatchSettings | None = None,
        answer_allowed: bool = True,
    ) -> MatchResult:
        """Answer, suggest or leave alone; `answer_allowed=False` caps it at buttons."""
        settings = settings or self.settings
        if not candidates:
            return MatchResult(question, "none", ())
        taught = self._taught(candidates, settings)
        if taught is not None and answer_allowed:
            ordered = (taught, *(c for c in candidates if c is not taught))
            return MatchResult(question, "answer", ordered[:5])
        best = candidates[0]
        related = self._related(best.target)
        rivals = [c for c in candidates[1:] if c.target.key not in related]
        runner_up = rivals[0].score if rivals else 0.0
        if best.score < settings.suggest_threshold:
            # A weak score far ahead of everything else is still worth one button.
            standout = (
                best.score >= settings.standout_floor
                and best.score >= settings.standout_ratio * runner_up
            )
            if not standout:
                return MatchResult(question, "none", tuple(candidates[:5]))
            return MatchResult(question, "suggest", tuple(candidates[:5]), (best,))
        lead = best.score - runner_up
        confident = best.score >= settings.answer_threshold and lead >= settings.answer_margin
        # A lower score still answers when nothing else comes close ("stdnt discount??").
        clear_winner = best.score >= settings.clear_threshold and lead >= settings.clear_margin
        if best.rests_on_support:
            # Only the description matched: strong and unambiguous, or a suggestion.
            confident = (
                best.score >= settings.support_answer_threshold
                and lead >= settings.support_answer_margin
            )
            clear_winner = False
        if answer_allowed and (confident or clear_winner):
            return MatchResult(question, "answer", tuple(candidates[:5]))
        floor = max(settings.suggestion_floor, best.score - settings.suggest_window)
        suggestions = [best]
        covered = set(related)
        for rival in rivals:
            if rival.score >= floor and rival.target.key not in covered:
                suggestions.append(rival)  # one button per answer: lunch day 1 stands for both
                covered |= self._related(rival.target)
        return MatchResult(
            question,
            "suggest",
            tuple(candidates[:5]),
            tuple(suggestions[: settings.max_suggestions]),
        )

    def _taught(self, candidates: list[Candidate], settings: MatchSettings) -> Candidate | None:
        """The entry an organiser taught this very wording for, when that settles it.

        The question's content words are exactly those of a learned phrasing of one entry
        (any order, filler aside), of no unrelated rival, and the entry is in the running
        (it would have been a "did you mean" button): the organiser's word is the answer,
        even where the scores make it a close call. The conflict check at teaching keeps
        another entry from having the same wording with another answer.
        """
        taught = [c for c in candidates if c.taught]
        if not taught:
            return None
        chosen = taught[0]
        related = self._related(chosen.target)
        if any(c.target.key not in related for c in taught[1:]):
            return None
        floor = max(settings.suggest_threshold, candidates[0].score - settings.suggest_window)
        return chosen if chosen.score >= floor else None

    def _related(self, target: Target) -> frozenset[str]:
        return self.index.related.get(target.key, frozenset({target.key}))

    def match(self, question: str) -> MatchResult:
        candidates = self.score(question)
        if self.meaning is None or not candidates:
            return self.decide(question, candidates)
        return self.meaning.match(self, question, candidates)
