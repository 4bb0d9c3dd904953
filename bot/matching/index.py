"""The search index: every FAQ entry, session and speaker as one pooled document.

Each document keeps its fields' terms with a field weight (a session's title counts more
than its description) and its phrasings (an FAQ entry's question and variants, a
session's title) for judging how much of the *entry* a question covers. Term weights are
inverse document frequencies over entries, so a word that appears in every entry ("when",
"conference") explains little and a word only one entry uses ("wifi") explains a lot.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.matching.analyzer import Analyzer
from bot.matching.normalize import consonant_skeleton, fold, is_urdu_script, squash

TargetKind = Literal["faq", "session", "speaker"]

# Below this length a one-letter change makes a different word ("park" → "part"), so
# unknown short words are left alone rather than "repaired" into the wrong entry.
_MIN_REPAIR_LENGTH = 4
CONSENSUS_FLOOR = 0.5
# Filler words ("what", "you", "my") still count, faintly: alone they separate "who made
# you" from "what can you do", but they never outweigh one content word.
FILLER_WEIGHT = 0.35
_HAS_VOWEL = re.compile(r"[aeiou]")
# Fields at least this heavy (title, facets, people, rooms) ground a match; lighter ones
# (day words) only place it.
GROUNDING_WEIGHT = 0.6
# A learned phrasing is an attendee's message: past this many content words (as the
# matcher damps long questions), its words weigh less, since most of a long message is
# context ("coming from Lahore on Monday night... book my bus back") and not the question.
LEARNED_FULL_TERMS = 6


def _drop_vowels(word: str) -> str:
    return _HAS_VOWEL.sub("", word)


@dataclass(frozen=True, slots=True)
class Target:
    """What a candidate points at: the key the rest of the bot uses to render it."""

    kind: TargetKind
    id: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Field:
    text: str
    weight: float = 1.0
    phrasing: bool = False  # a complete way of asking for this entry
    # Background about the entry (a talk's description, a speaker's biography): a match
    # resting only on such fields may suggest the entry, but answers only when strong.
    supporting: bool = False
    # Learned while running (organisers' teaching, attendees' picks): a way of asking that
    # adds words and a phrasing to cover, but does not vote on what the entry is about
    # (one attendee's wording must not dilute the words every written phrasing shares).
    # Its filler ("hi", "I'm", "so") is the attendee's, not the entry's: only its content
    # words join the index, so a chatty message taught as a phrasing neither makes its
    # entry a rival of every chatty question nor turns its filler into known words.
    learned: bool = False


@dataclass(slots=True)
class Document:
    target: Target
    fields: Sequence[Field]
    related: frozenset[str] = frozenset()  # target keys answered together with this one
    # True when the phrasings are rewordings of one question (an FAQ entry), so a word
    # most of them share is central; False when they are facets (a session's title, room).
    rephrasings: bool = True
    # People's names in this entry, and the everyday words among them ("Rain", "York"):
    # such a word alone points here only when the question is about a person.
    names: tuple[str, ...] = ()
    guarded: frozenset[str] = frozenset()
    # What the optional meaning layer compares questions with; empty means the phrasings.
    meanings: Sequence[str] = ()


@dataclass(slots=True)
class _Phrasing:
    terms: frozenset[str]
    sorted_text: str  # the terms sorted, for order-free character-level similarity
    mass: float = 0.0
    learned: bool = False  # taught while running (see Field.learned)


@dataclass(slots=True)
class IndexedDocument:
    target: Target
    related: frozenset[str]
    term_weight: dict[str, float] = field(default_factory=dict)
    phrasings: list[_Phrasing] = field(default_factory=list)
    phrasing_texts: list[str] = field(default_factory=list)
    supporting_only: frozenset[str] = frozenset()  # terms found only in supporting fields
    grounding: frozenset[str] = frozenset()  # terms of its main fields (title, room, people)
    names: tuple[frozenset[str], ...] = ()  # the terms of each person's name
    guarded: frozenset[str] = frozenset()  # everyday-word name terms found nowhere else
    # The content terms of each learned phrasing: a question with exactly these words is
    # one an organiser taught (or approved) for this entry (see Matcher.decide).
    taught: frozenset[frozenset[str]] = frozenset()


class Index:
    def __init__(
        self,
        documents: Iterable[Document],
        analyzer: Analyzer,
        implied: str = "",
    ) -> None:
        """`implied`: words every question is taken to include, such as the event's name."""
        self.analyzer = analyzer
        self.documents: list[IndexedDocument] = []
        self.filler: set[str] = set()
        self._surface_texts: list[str] = []
        self._skeletons: dict[str, str | None] | None = None
        self._abbreviations: dict[str, str | None] | None = None
        # Per document: its written phrasings' terms (for the consensus) and the weights
        # of what was learned, kept apart so learning only ever adds weight.
        analysed: list[tuple[IndexedDocument, list[list[str]], dict[str, float]]] = []
        facets: list[list[tuple[list[str], bool]]] = []
        for doc in documents:
            indexed = IndexedDocument(doc.target, doc.related)
            phrasing_terms: list[list[str]] = []
            learned_flags: list[bool] = []  # per phrasing: taught while running
            learned_weight: dict[str, float] = {}
            main_terms: set[str] = set()
            weak_terms: set[str] = set()  # day words: they place a session, not name it
            supporting_terms: set[str] = set()
            # Every word of a name counts, filler too: "Will" is a stop word and a first name.
            name_terms = [frozenset(t for t, _ in analyzer.analyse(n)) for n in doc.names]
            all_name_terms = set().union(*name_terms)
            elsewhere: set[str] = set()
            for fld in doc.fields:
                if fld.phrasing:
                    self._surface_texts.append(fld.text)
                analysed_field = analyzer.analyse(fld.text)
                weight = fld.weight
                if fld.learned and any(not stop for _, stop in analysed_field):
                    analysed_field = tuple((t, stop) for t, stop in analysed_field if not stop)
                    weight *= min(1.0, LEARNED_FULL_TERMS / len(set(analysed_field)))
                terms = [term for term, _ in analysed_field]
                self.filler.update(term for term, stop in analysed_field if stop)
                weights = learned_weight if fld.learned else indexed.term_weight
                for term in terms:
                    if weights.get(term, 0.0) < weight:
                        weights[term] = weight
                if fld.supporting:
                    supporting_terms.update(terms)
                elif fld.weight >= GROUNDING_WEIGHT:
                    main_terms.update(terms)
                else:
                    weak_terms.update(terms)
                if fld.text not in doc.names and not fld.supporting:
                    elsewhere.update(terms)  # a biography repeating the name does not count
                if fld.phrasing and terms:
                    phrasing_terms.append(terms)
                    learned_flags.append(fld.learned)
            indexed.names = tuple(name_terms)
            guarded = {t for word in doc.guarded for t, _ in analyzer.analyse(word)}
            # "Rain" in the title of Lea Rain's talk on rain sensors is the talk's own word.
            indexed.guarded = frozenset((guarded & all_name_terms) - elsewhere)
            indexed.supporting_only = frozenset(supporting_terms - main_terms - weak_terms)
            indexed.grounding = frozenset(main_terms)
            written = [
                t for t, learned in zip(phrasing_terms, learned_flags, strict=True) if not learned
            ]
            analysed.append((indexed, written if doc.rephrasings else [], learned_weight))
            facets.append(list(zip(phrasing_terms, learned_flags, strict=True)))
            self.documents.append(indexed)

        vocabulary = {t for d, _, taught in analysed for t in (*d.term_weight, *taught)}
        self.aliases = self._word_form_aliases(vocabulary)
        document_frequency: dict[str, int] = defaultdict(int)
        for (indexed, phrasing_terms, learned_weight), all_phrasings in zip(
            analysed, facets, strict=True
        ):
            merged: dict[str, float] = {}
            for term, weight in indexed.term_weight.items():
                term = self.aliases.get(term, term)
                merged[term] = max(weight, merged.get(term, 0.0))
            if len(phrasing_terms) > 1:
                # A word in every phrasing is what the entry is about; a word in one of
                # five is incidental. Scale phrasing words by how many phrasings use them.
                counts: dict[str, int] = defaultdict(int)
                for terms in phrasing_terms:
                    for term in {self.aliases.get(t, t) for t in terms}:
                        counts[term] += 1
                n = len(phrasing_terms)
                for term, c in counts.items():
                    # Filler is a trait of the entry only as far as its phrasings share it:
                    # "do I" in two phrasings of six counts a third, never half at least.
                    floor = 0.0 if term in self.filler else CONSENSUS_FLOOR
                    merged[term] *= floor + (1.0 - floor) * min(1.0, c / n)
            # What was learned adds words, never votes: each of its words counts as a word
            # of one written phrasing would, and never lowers a weight the files gave.
            n = max(len(phrasing_terms), 1)
            for term, weight in learned_weight.items():
                term = self.aliases.get(term, term)
                floor = 0.0 if term in self.filler else CONSENSUS_FLOOR
                weight *= floor + (1.0 - floor) * min(1.0, 1 / n)
                merged[term] = max(weight, merged.get(term, 0.0))
            indexed.term_weight = merged
            alias = self.aliases.get
            indexed.supporting_only = frozenset(alias(t, t) for t in indexed.supporting_only)
            indexed.grounding = frozenset(alias(t, t) for t in indexed.grounding)
            indexed.guarded = frozenset(alias(t, t) for t in indexed.guarded)
            indexed.names = tuple(frozenset(alias(t, t) for t in n) for n in indexed.names)
            for term in merged:
                document_frequency[term] += 1
            taught: set[frozenset[str]] = set()
            for terms, learned in all_phrasings:
                canon = [self.aliases.get(t, t) for t in terms]
                indexed.phrasings.append(
                    _Phrasing(frozenset(canon), " ".join(sorted(canon)), learned=learned)
                )
                if learned and (content := frozenset(canon) - self.filler):
                    taught.add(content)
            indexed.taught = frozenset(taught)
            indexed.phrasing_texts = [p.sorted_text for p in indexed.phrasings]

        # Words every question implies (the conference's own name) say as little as filler,
        # and are not missing from "how do I register" when a phrasing says "How do I
        # register for NCSC 2027?".
        implied_terms = {self.aliases.get(t, t) for t in analyzer.terms(implied)}
        count = max(len(self.documents), 1)
        self.idf: dict[str, float] = {
            term: math.log(1.0 + (count - df + 0.5) / (df + 0.5))
            * (FILLER_WEIGHT if term in self.filler or term in implied_terms else 1.0)
            for term, df in document_frequency.items()
        }
        self.unknown_idf = math.log(1.0 + (count + 0.5) / 0.5)
        for indexed in self.documents:
            for phrasing in indexed.phrasings:
                phrasing.mass = sum(
                    self.idf.get(t, self.unknown_idf * FILLER_WEIGHT)
                    for t in phrasing.terms
                    if t not in implied_terms
                )
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, indexed in enumerate(self.documents):
            for term, weight in indexed.term_weight.items():
                self.postings[term].append((number, weight * self.idf[term]))
        # Filler words sit in a large share of entries; as dense vectors their sums run in
        # C (map/add) instead of a Python loop over thousands of postings per question.
        self.dense: dict[str, list[float]] = {}
        dense_from = max(len(self.documents) // 8, 32)
        for term in self.filler:
            entries = self.postings.get(term)
            if entries and len(entries) >= dense_from:
                vector = [0.0] * len(self.documents)
                for number, contribution in entries:
                    vector[number] = contribution
                self.dense[term] = vector
        self.vocabulary = sorted(self.idf)
        self._latin_vocabulary = [t for t in self.vocabulary if not is_urdu_script(t)]
        self._urdu_vocabulary = [t for t in self.vocabulary if is_urdu_script(t)]
        self._repairs: dict[str, str | None] = {}
        self._squashed: dict[str, str] = {}
        for term in self.vocabulary:
            self._squashed.setdefault(squash(term), term)
        self.mixed_kinds = len({d.target.kind for d in self.documents}) > 1
        self.related: dict[str, frozenset[str]] = {
            d.target.key: d.related | {d.target.key} for d in self.documents
        }
        # term → documents where it is an everyday word in a person's name (see Document).
        self.guarded: dict[str, set[int]] = defaultdict(set)
        for number, indexed in enumerate(self.documents):
            for term in indexed.guarded:
                self.guarded[term].add(number)

    def _repair_urdu(self, term: str) -> str | None:
        """An Urdu word: a near spelling in Urdu, else an English loanword by its sound."""
        found = process.extractOne(
            term,
            self._urdu_vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=1,
        )
        if found is not None and len(term) >= 5:
            return found[0]
        skeleton = consonant_skeleton(term)
        if len(skeleton) < 3:
            return None  # too few consonants to tell words apart
        return self._skeleton_map().get(skeleton)

    def _skeleton_map(self) -> dict[str, str | None]:
        """Consonant skeleton of every English word the organisers wrote → its term.

        Built on first use (only Urdu-script questions need it).
        """
        if self._skeletons is None:
            self._skeletons = self._organiser_words(consonant_skeleton, min_length=4, min_key=3)
        return self._skeletons

    def _abbreviation_map(self) -> dict[str, str | None]:
        """Every organiser word with its vowels dropped ("stdnt", "dwnld") → its term.

        Texting drops vowels, which edit distance cannot undo (two edits in five letters).
        Built on first use.
        """
        if self._abbreviations is None:
            self._abbreviations = self._organiser_words(_drop_vowels, min_length=5, min_key=4)
        return self._abbreviations

    def _organiser_words(
        self,
        key_of: Callable[[str], str],
        min_length: int,
        min_key: int,
    ) -> dict[str, str | None]:
        """A reduced spelling of every Latin word in the phrasings → the word's term.

        A reduced spelling shared by words of different meaning maps to None rather than
        to a guess.
        """
        found: dict[str, str | None] = {}
        for text in self._surface_texts:
            for word in fold(text).split():
                if is_urdu_script(word) or len(word) < min_length or word.isdigit():
                    continue
                terms = self.analyzer.terms(word)
                if len(terms) != 1 or terms[0] not in self.idf:
                    continue
                key = key_of(word)
                if len(key) < min_key:
                    continue
                found[key] = terms[0] if found.get(key, terms[0]) == terms[0] else None
        return found

    @staticmethod
    def _word_form_aliases(vocabulary: set[str]) -> dict[str, str]:
        """Merge stems that differ only at the end ("registr" / "regist", "prayer" / "pray")."""
        aliases: dict[str, str] = {}
        for term in sorted(vocabulary, key=len):
            base = None
            if len(term) >= 6 and term[:-1] in vocabulary:
                base = term[:-1]
            elif len(term) >= 6 and term.endswith(("er", "or")) and term[:-2] in vocabulary:
                base = term[:-2]  # "prayer" / "pray", "speaker" / "speak"
            if base is not None:
                aliases[term] = aliases.get(base, base)
        return aliases

    def resolve(self, term: str) -> str | None:
        """The indexed term an attendee's word stands for, or None when it is unknown."""
        term = self.aliases.get(term, term)
        if term in self.idf:
            return term
        cached = self._repairs.get(term, "")
        if cached != "":
            return cached
        repaired = self._repair(term)
        if len(self._repairs) < 100_000:
            self._repairs[term] = repaired
        return repaired

    def _repair(self, term: str) -> str | None:
        """Map a misspelt word onto the vocabulary, conservatively.

        Doubled letters first (Roman Urdu "kahaan" / "kahan", "acccount"), then a stem one
        letter longer than a known one, then edit distance: one edit from 6 letters, two
        from 9; words of four or five letters only by a swapped or replaced letter, since
        dropping one turns a real word into another ("found" → "fund").
        """
        if len(term) < _MIN_REPAIR_LENGTH or term.isdigit():
            return None
        squashed = self._squashed.get(squash(term))
        if squashed is not None:
            return squashed
        for suffix in ("er", "or", "e"):  # "pray" for "prayer", "speak" for "speaker"
            if term + suffix in self.idf:
                return term + suffix
        for cut in (1, 2):  # a dropped or garbled ending: "parkng" → park, "availbl" → avail
            if len(term) - cut >= 4 and term[:-cut] in self.idf:
                return term[:-cut]
        if is_urdu_script(term):
            return self._repair_urdu(term)
        if not _HAS_VOWEL.search(term):
            abbreviated = self._abbreviation_map().get(term)
            if abbreviated is not None:
                return abbreviated
        vocabulary = self._latin_vocabulary
        max_edits = 1 if len(term) < 9 else 2
        found = process.extractOne(
            term,
            vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_edits,
        )
        if found is None:
            return None
        candidate = found[0]
        if candidate[0] != term[0]:  # typos rarely hit the first letter
            return None
        if len(term) <= 5 and len(candidate) != len(term):
            return None
        if abs(len(candidate) - len(term)) > max_edits:
            return None
        return candidate
